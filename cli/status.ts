/** `ferry status [--stack <stack>]… [--json]`: what each stack runs, its generation and history. */
import { parseArgs } from "util";
import type { StackStatus } from "../automation";
import { defaultContext } from "./context";
import { Terminal } from "./terminal";


export async function statusCommand(argv: string[], term: Terminal): Promise<number> {
  const ctx = defaultContext(term);
  const { values: v } = parseArgs({
    args: argv,
    options: { stack: { type: "string", short: "s", multiple: true }, json: { type: "boolean", default: false } },
    strict: true,
  });
  const all = await ctx.ferry.status({ stacks: v.stack });
  ctx.term.out(v.json ? JSON.stringify({ stacks: all }, null, 2) + "\n" : all.map(describe).join("\n"));
  return 0;
}

function describe(s: StackStatus): string {
  if (!s.deployed) return `${s.stack}: not deployed\n`;
  const lines = [
    `${s.stack}: ${s.digest ?? "no image"}${s.generation !== undefined ? ` (generation ${s.generation})` : ""}`,
    `  image: ${s.imageRef ?? "-"}`,
    `  last update: ${s.lastUpdate ? `${s.lastUpdate.result} at ${s.lastUpdate.endTime ?? s.lastUpdate.startTime}: ${s.lastUpdate.message || "(no message)"}` : "none"}`,
    `  releases: ${s.releases.length ? "" : "none"}`,
    ...s.releases.slice(0, 10).map((r) => `    ${r.generation}  ${r.digest}  from ${r.from ?? "?"}, last deployed ${r.deployedAt}`),
  ];
  return lines.join("\n") + "\n";
}
