/** `ferry tag --stack <stack>`: write the release tags of what a stack runs (redo after a warning). */
import { parseArgs } from "util";
import { usageOf } from "./usage";
import { progress } from "./progress";
import { defaultContext } from "./context";
import { Terminal, UsageError } from "./terminal";

const TAG_USAGE = usageOf("tag");

export async function tagCommand(argv: string[], term: Terminal): Promise<number> {
  const ctx = defaultContext(term);
  const { values: v } = parseArgs({ args: argv, options: { stack: { type: "string", short: "s" } }, strict: true });
  if (!v.stack) throw new UsageError(`--stack is required\n${TAG_USAGE}`);
  const { ref, generation } = await ctx.ferry.tag({ stack: v.stack, onEvent: progress(ctx.term, ctx.tty) });
  ctx.term.out(`Tagged ${ref} as generation ${generation} of ${v.stack}.\n`);
  return 0;
}
