/**
 * `bin/ferry.js` for the compiled tests: the same entry (`cli/main`), loaded from build/ beside them, so
 * contract tests start the CLI as plain JavaScript instead of compiling the sources in every process.
 */
import { main } from "../../cli/main";

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
