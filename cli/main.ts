/**
 * The `ferry` command: one verb per file, dispatched from one table, each loaded only when used (so
 * `ferry plan` does not load the Automation API or the AWS SDK). Maps failures to the exit codes of
 * lib/exitCodes.ts: a failure Ferry means carries its code; anything else is an internal error.
 */
import { EXIT } from "./exitCodes";
import { processTerminal, Terminal, UsageError } from "./terminal";
import { USAGE, Verb } from "./usage";

type Run = (argv: string[], term: Terminal) => Promise<number>;

const VERBS: Record<Verb, () => Promise<Run>> = {
  plan: async () => (await import("./plan")).plan,
  promote: async () => (await import("./promote")).promoteCommand,
  rollback: async () => (await import("./rollback")).rollbackCommand,
  status: async () => (await import("./status")).statusCommand,
  approve: async () => (await import("./approve")).approveCommand,
  reject: async () => (await import("./approve")).rejectCommand,
  tag: async () => (await import("./tag")).tagCommand,
  gc: async () => (await import("./gc")).gcCommand,
  unlock: async () => (await import("./unlock")).unlockCommand,
};

export { USAGE };

export async function main(argv: string[], term: Terminal = processTerminal): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || verb === "--help" || verb === "-h") {
    term.out(USAGE);
    return verb ? EXIT.ok : EXIT.refused;
  }
  const load = VERBS[verb as Verb];
  if (!load) {
    term.err(`ferry: unknown command "${verb}"\n${USAGE}`);
    return EXIT.refused;
  }
  try {
    return await (await load())(rest, term);
  } catch (err) {
    const e = err as Error & { code?: string; exitCode?: number };
    if (err instanceof UsageError || e.code?.startsWith("ERR_PARSE_ARGS")) {
      term.err(`ferry ${verb}: ${e.message}\n`);
      return EXIT.refused;
    }
    // Ferry's own errors carry their exit code (checked by shape, so plan does not load the automation modules).
    if (typeof e.exitCode === "number" && (Object.values(EXIT) as number[]).includes(e.exitCode)) {
      term.err(`ferry ${verb}: ${e.message}\n`);
      return e.exitCode;
    }
    term.err(`ferry ${verb}: internal error: ${process.env.FERRY_DEBUG ? (e.stack ?? e.message) : `${e.message} (FERRY_DEBUG=1 shows where)`}\n`);
    return EXIT.internal;
  }
}
