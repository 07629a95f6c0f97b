/**
 * The `ferry` command: one verb per file, dispatched from one table, each loaded only when used (so
 * `ferry plan` does not load the Automation API or the AWS SDK). Maps failures to exit codes:
 * 0 success, 1 deploy failed (and was rolled back), 2 refused / bad input, 3 rollback failed too.
 */
import { EXIT } from "./exitCodes";
import { processTerminal, Terminal, UsageError } from "./terminal";

type Run = (argv: string[], term: Terminal) => Promise<number>;

const VERBS: Record<string, { usage: string; load: () => Promise<Run> }> = {
  plan: { usage: "ferry plan --stack <name> [--config-file <file>] [--json]", load: async () => (await import("./plan")).plan },
  promote: { usage: "ferry promote --from <stack> --to <stack> [--yes] [--allow-critical] [--no-restore] [--commit]", load: async () => (await import("./promote")).promoteCommand },
  rollback: { usage: "ferry rollback --stack <stack> [--to <generation|digest>] [--yes] [--allow-critical] [--no-restore] [--commit]", load: async () => (await import("./rollback")).rollbackCommand },
  status: { usage: "ferry status [--stack <stack>]... [--json]", load: async () => (await import("./status")).statusCommand },
  approve: { usage: "ferry approve --stack <stack> [--service <name>]", load: async () => (await import("./approve")).approveCommand },
  reject: { usage: "ferry reject --stack <stack> [--service <name>]", load: async () => (await import("./approve")).rejectCommand },
  tag: { usage: "ferry tag --stack <stack>", load: async () => (await import("./tag")).tagCommand },
};

export function usageOf(verb: string): string {
  return `usage: ${VERBS[verb].usage}`;
}

export const USAGE = `usage: ferry <command> [options]\n\ncommands:\n${Object.values(VERBS).map((v) => `  ${v.usage}`).join("\n")}\n\nexit codes: 0 success, 1 deploy failed (rolled back), 2 refused or bad input, 3 rollback failed too\n`;

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
    return await (await command.load())(rest, term);
  } catch (err) {
    const e = err as Error & { code?: string; exitCode?: number };
    // RefusedError and its kinds carry exitCode 2; checked by shape so plan does not load the automation modules.
    if (err instanceof UsageError || e.exitCode === EXIT.refused || e.code?.startsWith("ERR_PARSE_ARGS")) {
      term.err(`ferry ${verb}: ${e.message}\n`);
      return EXIT.refused;
    }
    term.err(`ferry ${verb}: ${process.env.FERRY_DEBUG ? (e.stack ?? e.message) : e.message}\n`);
    return EXIT.failed;
  }
}
