/** `ferry promote --from <stack> --to <stack>`: deploy the image one stack runs to another. */
import { parseArgs } from "util";
import { usageOf } from "./usage";
import { DEPLOY_OPTIONS, deploySettings, runDeploy } from "./deployCommand";
import { defaultContext } from "./context";
import { Terminal, UsageError } from "./terminal";

const PROMOTE_USAGE = usageOf("promote");

export async function promoteCommand(argv: string[], term: Terminal): Promise<number> {
  const ctx = defaultContext(term);
  const { values: v } = parseArgs({
    args: argv,
    options: {
      from: { type: "string" },
      to: { type: "string" },
      ...DEPLOY_OPTIONS,
    },
    strict: true,
  });
  if (!v.from || !v.to) throw new UsageError(`--from and --to are required\n${PROMOTE_USAGE}`);
  const settings = deploySettings(v, ctx);
  return runDeploy(ctx, (o) => ctx.ferry.promote({ from: v.from!, to: v.to!, ...settings, ...o }));
}
