/**
 * The `ferry` command: one verb per file, dispatched from one table. Maps errors to exit codes:
 * 0 success, 1 failed, 2 refused / bad input, 3 rollback failed too.
 */
import { EXIT } from "./exitCodes";
import { plan, PLAN_USAGE } from "./plan";
import { processTerminal, Terminal, UsageError } from "./terminal";

const VERBS: Record<string, { run: (argv: string[], term: Terminal) => Promise<number>; usage: string }> = {
  plan: { run: plan, usage: PLAN_USAGE },
};

export const USAGE = `usage: ferry <command> [options]\n\ncommands:\n${Object.values(VERBS).map((v) => `  ${v.usage.replace(/^usage: /, "")}`).join("\n")}\n`;

export async function main(argv: string[], term: Terminal = processTerminal): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || verb === "--help" || verb === "-h") {
    term.out(USAGE);
    return verb ? EXIT.ok : EXIT.refused;
  }
  const command = VERBS[verb];
  if (!command) {
    term.err(`ferry: unknown command "${verb}"\n${USAGE}`);
    return EXIT.refused;
  }
  try {
    return await command.run(rest, term);
  } catch (err) {
    const e = err as Error & { code?: string };
    if (err instanceof UsageError || e.code?.startsWith("ERR_PARSE_ARGS")) {
      term.err(`ferry ${verb}: ${e.message}\n`);
      return EXIT.refused;
    }
    term.err(`ferry ${verb}: ${process.env.FERRY_DEBUG ? (e.stack ?? e.message) : e.message}\n`);
    return EXIT.failed;
  }
}
