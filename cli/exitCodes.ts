/** Exit codes of every `ferry` command: the one table in lib/exitCodes.ts. */
export { EXIT, EXIT_HELP } from "../lib/exitCodes";
