/**
 * `ferry gc [--repository <url>] [--keep <n>] [--apply] [--json]`: rollback-safe cleanup of the image
 * repository. A dry run unless --apply: it prints what would be deleted and why each kept image stays.
 */
import { parseArgs } from "util";
import type { GcResult } from "../automation";
import { defaultContext } from "./context";
import { EXIT } from "./exitCodes";
import { Terminal, UsageError } from "./terminal";
import { usageOf } from "./usage";

export async function gcCommand(argv: string[], term: Terminal): Promise<number> {
  const { values: v } = parseArgs({
    args: argv,
    options: { repository: { type: "string" }, keep: { type: "string" }, apply: { type: "boolean", default: false }, "dry-run": { type: "boolean", default: false }, json: { type: "boolean", default: false } },
    strict: true,
  });
  if (v.apply && v["dry-run"]) throw new UsageError(`--apply and --dry-run contradict each other\n${usageOf("gc")}`);
  let keepGenerations: number | undefined;
  if (v.keep !== undefined) {
    if (!/^\d+$/.test(v.keep) || Number(v.keep) < 1) throw new UsageError(`--keep must be a whole number of generations of at least 1, not ${JSON.stringify(v.keep)}\n${usageOf("gc")}`);
    keepGenerations = Number(v.keep);
  }
  const ctx = defaultContext(term);
  const result = await ctx.ferry.gc({ repository: v.repository, keepGenerations, apply: v.apply });
  ctx.term.out(v.json ? JSON.stringify(result, null, 2) + "\n" : describe(result));
  return result.failures.length ? EXIT.notRestored : EXIT.ok;
}

const short = (digest: string) => digest.replace(/^sha256:/, "").slice(0, 12);
const tags = (t: string[]) => (t.length ? ` [${t.join(", ")}]` : "");

export function describe(r: GcResult): string {
  const lines = [`${r.repository}: ${r.plan.keep.length} image(s) kept, ${r.plan.remove.length} ${r.applied ? "to delete" : "would be deleted"} (keeping ${r.keepGenerations} generation(s) per stack)`];
  lines.push("kept:");
  for (const k of r.plan.keep) lines.push(`  ${short(k.digest)}${tags(k.tags)}: ${k.reasons.join("; ")}`);
  lines.push(r.applied ? "deleted:" : "would delete:");
  for (const d of r.plan.remove) {
    const gone = !r.applied || r.deleted.includes(d.digest);
    lines.push(`  ${short(d.digest)}${tags(d.tags)}: ${d.reasons[0]}${r.applied && !gone ? " (NOT deleted, see below)" : ""}`);
  }
  if (!r.plan.remove.length) lines.push("  nothing");
  for (const f of r.failures) lines.push(`FAILED to delete ${short(f.digest)}: ${f.reason}`);
  if (!r.applied && r.plan.remove.length) lines.push("This was a dry run; run again with --apply to delete.");
  if (r.applied) lines.push(`Deleted ${r.deleted.length} of ${r.plan.remove.length}.`);
  return lines.join("\n") + "\n";
}
