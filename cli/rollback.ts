/** `ferry rollback --stack <stack> [--to <generation|digest>]`: deploy an earlier release again. */
import { parseArgs } from "util";
import { usageOf } from "./usage";
import { DEPLOY_OPTIONS, deploySettings, runDeploy } from "./deployCommand";
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
      ...DEPLOY_OPTIONS,
    },
    strict: true,
  });
  if (!v.stack) throw new UsageError(`--stack is required\n${ROLLBACK_USAGE}`);
  const settings = deploySettings(v, ctx);
  return runDeploy(ctx, (o) => ctx.ferry.rollback({ stack: v.stack!, to: v.to, ...settings, ...o }));
}
