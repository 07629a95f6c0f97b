/** `ferry unlock --stack <stack>`: release a promotion lease left by a run that is gone. */
import { parseArgs } from "util";
import { defaultContext } from "./context";
import { Terminal, UsageError } from "./terminal";
import { usageOf } from "./usage";

export async function unlockCommand(argv: string[], term: Terminal): Promise<number> {
  const ctx = defaultContext(term);
  const { values: v } = parseArgs({ args: argv, options: { stack: { type: "string", short: "s" } }, strict: true });
  if (!v.stack) throw new UsageError(`--stack is required\n${usageOf("unlock")}`);
  const held = await ctx.ferry.unlock({ stack: v.stack });
  ctx.term.out(held ? `Released the lease of ${held.what} (${held.who}, since ${held.since}) on ${v.stack}.\n` : `${v.stack} has no lease; nothing to do.\n`);
  return 0;
}
