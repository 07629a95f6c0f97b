/**
 * An internal tool that embeds Ferry: promote what dev runs to staging once someone approves, then
 * print every stack's status. Built against the installed package's types, run as plain JavaScript:
 *
 *   npm install <path-to-ferry-package>      # or the packed .tgz (`npm pack` in the Ferry checkout)
 *   npx tsc internal-tool.ts && node internal-tool.js /path/to/ferry-checkout
 *
 * test/package.test.ts builds, installs and runs this very file.
 */
import { createFerry, FerryError } from "ferry";
import type { ApprovalRequest, DeployResult, FerryEvent, StackStatus } from "ferry";

/** Your approval step: a chat message, a ticket, a person. Here: approve unless the run is interrupted. */
async function askSomeone(req: ApprovalRequest): Promise<boolean> {
  const changed = Object.entries(req.changes).filter(([op, n]) => op !== "same" && n > 0).map(([op, n]) => `${n} to ${op}`);
  console.log(`approve ${req.ref} for ${req.stack} (generation ${req.generation}, ${changed.join(", ") || "no changes"})? yes`);
  return !req.signal?.aborted;
}

function show(e: FerryEvent): void {
  if (e.kind === "step") console.log(`[${e.stack}] ${e.step}: ${e.message}`);
  if (e.kind === "warning") console.log(`[${e.stack}] warning: ${e.message}`);
}

export async function main(workDir: string): Promise<number> {
  // Which pulumi binary and what extra environment it gets are options, not edits of process.env.
  const ferry = createFerry({ workDir, pulumi: process.env.TOOL_PULUMI, env: { PULUMI_SKIP_UPDATE_CHECK: "true" } });
  const interrupt = new AbortController();
  process.once("SIGINT", () => interrupt.abort());
  try {
    const result: DeployResult = await ferry.promote({ from: "dev", to: "staging", approve: askSomeone, onEvent: show, signal: interrupt.signal });
    console.log(`promotion: ${result.outcome}, generation ${result.generation}, exit code ${result.exitCode}`);
    const stacks: StackStatus[] = await ferry.status();
    for (const s of stacks) console.log(`status ${s.stack}: ${s.deployed ? `${s.digest} generation ${s.generation ?? "-"}` : "not deployed"}`);
    return result.exitCode;
  } catch (err) {
    // Every failure Ferry means carries the CLI's exit code: 2 refused, 4 could not start, …
    if (err instanceof FerryError) {
      console.error(`ferry refused or could not start (exit ${err.exitCode}): ${err.message}`);
      return err.exitCode;
    }
    throw err;
  }
}

if (require.main === module) {
  main(process.argv[2] ?? process.cwd()).then((code) => (process.exitCode = code));
}
