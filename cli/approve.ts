/** `ferry approve|reject --stack <stack> [--service <name>]`: answer a deployment paused for approval. */
import { parseArgs } from "util";
import { usageOf } from "./usage";
import { progress } from "./progress";
import { defaultContext } from "./context";
import { Terminal, UsageError } from "./terminal";


function answer(action: "approve" | "reject") {
  return async (argv: string[], term: Terminal): Promise<number> => {
    const ctx = defaultContext(term);
    const { values: v } = parseArgs({ args: argv, options: { stack: { type: "string", short: "s" }, service: { type: "string" } }, strict: true });
    if (!v.stack) throw new UsageError(`--stack is required\n${usageOf(action)}`);
    await ctx.ferry[action]({ stack: v.stack, service: v.service, onEvent: progress(ctx.term, ctx.tty) });
    ctx.term.out(action === "approve" ? "Approved: ECS continues the deployment.\n" : "Rejected: ECS rolls the deployment back.\n");
    return 0;
  };
}

export const approveCommand = answer("approve");
export const rejectCommand = answer("reject");
