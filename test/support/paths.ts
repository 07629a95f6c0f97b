/**
 * Where the tests find their fixtures and the `ferry` command, whether they run from the TypeScript
 * sources (ts-node, as `npm run mutate` does) or compiled into build/ (as `npm test` does).
 */
import * as path from "path";
import { PROJECT_DIR } from "../../plan/run";

/** test/fixtures in the checkout: data files are never compiled, so always the source tree. */
export const FIXTURES = path.join(PROJECT_DIR, "test", "fixtures");

/** True when this process runs the compiled tests in build/. */
const COMPILED = __filename.endsWith(".js");

/**
 * The command line that runs `ferry` from the same tree as the tests: the compiled CLI next to the
 * compiled tests, else the package's bin (which runs the sources through ts-node).
 */
export const FERRY = COMPILED ? [path.join(__dirname, "ferryBin.js")] : [path.join(PROJECT_DIR, "bin", "ferry.js")];

/** A program under test/fixtures, as this process loads programs (compiled next to the tests when built). */
export const fixtureProgram = (name: string) => (COMPILED ? path.join(__dirname, "..", "fixtures", `${name}.js`) : path.join(FIXTURES, `${name}.ts`));
