/** `ferry rollback --stack <stack> [--to <generation|digest>]`: deploy an earlier release again. */
import { parseArgs } from "util";
import { usageOf } from "./main";
import { approverFor, runDeploy } from "./deployCommand";
import { defaultContext } from "./context";
import { Terminal, UsageError } from "./terminal";

const ROLLBACK_USAGE = usageOf("rollback");

export async function rollbackCommand(argv: string[], term: Terminal): Promise<number> {
  const ctx = defaultContext(term);
  const { values: v } = parseArgs({
    args: argv,
    options: {
      stack: { type: "string", short: "s" },
      to: { type: "string" },
      yes: { type: "boolean", short: "y", default: false },
      "allow-critical": { type: "boolean", default: false },
      "no-restore": { type: "boolean", default: false },
      commit: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (!v.stack) throw new UsageError(`--stack is required\n${ROLLBACK_USAGE}`);
  const approve = approverFor(v.yes!, ctx);
  return runDeploy(ctx, (o) =>
    ctx.ferry.rollback({ stack: v.stack!, to: v.to, approve, allowCritical: v["allow-critical"], restore: !v["no-restore"], commit: v.commit, ...o }),
  );
}
