/**
 * What `ferry promote` and `ferry rollback` share: the approval prompt, Ctrl-C wiring, progress and
 * the report of the outcome.
 */
import * as readline from "readline";
import type { ApprovalRequest, Approver, DeployResult } from "../automation";
import { RefusedError } from "../automation";
import { describeChanges } from "../automation/deploy";
import { progress } from "./progress";
import { Terminal } from "./terminal";

export interface Interaction {
  term: Terminal;
  /** Whether standard input is a terminal someone can answer on. */
  interactive: boolean;
  /** Whether standard error is a terminal (progress may redraw a line). */
  tty: boolean;
  /** Asks a question on the terminal; resolves with the answer. */
  ask?: (question: string) => Promise<string>;
}

/** The options `ferry promote` and `ferry rollback` share. */
export const DEPLOY_OPTIONS = {
  yes: { type: "boolean", short: "y", default: false },
  "allow-critical": { type: "boolean", default: false },
  "no-restore": { type: "boolean", default: false },
  commit: { type: "boolean", default: false },
} as const;

/** Those options as the library takes them, with the approval step they ask for. */
export function deploySettings(v: { yes?: boolean; "allow-critical"?: boolean; "no-restore"?: boolean; commit?: boolean }, io: Interaction) {
  return { approve: approverFor(v.yes ?? false, io), allowCritical: v["allow-critical"] ?? false, restore: !v["no-restore"], commit: v.commit ?? false };
}

/** `--yes`, or a prompt; a run that can ask nobody and has no --yes is refused before anything changes. */
export function approverFor(yes: boolean, io: Interaction): Approver {
  if (yes) return async () => true;
  if (!io.interactive) throw new RefusedError("no one can approve this run (standard input is not a terminal); pass --yes to deploy without asking");
  const ask = io.ask ?? askOnTerminal;
  return async (req: ApprovalRequest) => {
    io.term.err(
      `\n${req.stack}: ${req.previousRef ?? "(none)"}\n  → ${req.ref} (generation ${req.generation})\n  preview: ${describeChanges(req.changes)}\n`,
    );
    return /^y(es)?$/i.test((await ask(`Deploy to ${req.stack}? [y/N] `)).trim());
  };
}

function askOnTerminal(question: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  return new Promise((resolve) => rl.question(question, (answer) => (rl.close(), resolve(answer))));
}

/** Ctrl-C once cancels the running update through the Automation API; twice quits at once. */
export function interruptible(term: Terminal): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    term.err("\ncancelling the update (Ctrl-C again to quit now)…\n");
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  return { signal: controller.signal, dispose: () => process.off("SIGINT", onSigint) };
}

export async function runDeploy(io: Interaction, run: (options: { onEvent: ReturnType<typeof progress>; signal: AbortSignal }) => Promise<DeployResult>): Promise<number> {
  const onEvent = progress(io.term, io.tty);
  const interrupt = interruptible(io.term);
  try {
    const result = await run({ onEvent, signal: interrupt.signal });
    onEvent.done();
    io.term.out(report(result));
    return result.exitCode;
  } finally {
    interrupt.dispose();
  }
}

export function report(r: DeployResult): string {
  const lines: string[] = [];
  switch (r.outcome) {
    case "deployed":
      lines.push(`${r.stack} runs ${r.ref} (generation ${r.generation}).`);
      break;
    case "unchanged":
      lines.push(`${r.stack} already runs ${r.ref}; nothing to do.`);
      break;
    case "failed-restored":
      lines.push(`FAILED: ${r.stack} did not take ${r.ref}: ${r.error}`, `Restored: ${r.stack} runs ${r.previousRef} again.`);
      break;
    case "failed":
      lines.push(`FAILED: ${r.stack} did not take ${r.ref}: ${r.error}`, `Not restored; ferry:imageRef of ${r.stack} is still ${r.ref}.`);
      break;
    case "restore-failed":
      lines.push(`FAILED: ${r.stack} did not take ${r.ref}: ${r.error}`, `RESTORE FAILED too: ${r.restoreError}`, `${r.stack} may be running neither image; look at it now.`);
      break;
  }
  for (const w of r.warnings) lines.push(`WARNING: ${w}`);
  if (r.commit) lines.push(`Committed ${r.commit}.`);
  if (r.uncommittedFile) lines.push(`${r.uncommittedFile} now pins this image: commit it (or pass --commit) so a push-triggered Pulumi Deployments run deploys the same thing.`);
  return lines.join("\n") + "\n";
}
