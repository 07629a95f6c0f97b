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
  /** Asks a question on the terminal; resolves with the answer ("" when the signal aborts). */
  ask?: (question: string, signal?: AbortSignal) => Promise<string>;
}

/** The options `ferry promote` and `ferry rollback` share. */
export const DEPLOY_OPTIONS = {
  yes: { type: "boolean", short: "y", default: false },
  "allow-critical": { type: "boolean", default: false },
  "no-restore": { type: "boolean", default: false },
  commit: { type: "boolean", default: false },
  push: { type: "boolean", default: false },
} as const;

/** Those options as the library takes them, with the approval step they ask for. */
export function deploySettings(v: { yes?: boolean; "allow-critical"?: boolean; "no-restore"?: boolean; commit?: boolean; push?: boolean }, io: Interaction) {
  return { approve: approverFor(v.yes ?? false, io), allowCritical: v["allow-critical"] ?? false, restore: !v["no-restore"], commit: v.commit ?? false, push: v.push ?? false };
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
    // An interrupt while the question is open answers it: no.
    const answer = await Promise.race([
      ask(`Deploy to ${req.stack}? [y/N] `, req.signal),
      new Promise<string>((resolve) => (req.signal?.aborted ? resolve("") : req.signal?.addEventListener("abort", () => resolve(""), { once: true }))),
    ]);
    return /^y(es)?$/i.test(answer.trim());
  };
}

/** The terminal prompt. readline takes Ctrl-C itself while it reads; it is passed on as the run's interrupt. */
function askOnTerminal(question: string, signal?: AbortSignal): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  return new Promise((resolve) => {
    const done = (answer: string) => (rl.close(), resolve(answer));
    rl.on("SIGINT", () => (process.emit("SIGINT", "SIGINT"), done("")));
    signal?.addEventListener("abort", () => done(""), { once: true });
    rl.question(question, done);
  });
}

export const INTERRUPT_TEXT = {
  cancel: "\ncancelling: nothing changes before the update; during it, Pulumi finishes the steps in flight, stops, and the previous image is deployed again. (Ctrl-C again: what a forced stop means)\n",
  risk:
    "\nA forced stop abandons the steps in flight: resources may be created or changed without Pulumi recording it, and the stack may need `pulumi refresh` (and `pulumi cancel` if it stays locked) before the next deploy. Waiting is safe. Press Ctrl-C once more to force the stop.\n",
  force: "\nforcing the stop (the Pulumi CLI was sent a second interrupt)\n",
};

/**
 * Ferry owns Ctrl-C (the Pulumi CLI runs in its own process group and never sees the terminal's):
 * the first cancels, exactly one interrupt reaching the CLI; the second only says what a forced stop
 * risks; the third forces it; a fourth quits Ferry at once.
 */
export function interruptible(term: Terminal): { signal: AbortSignal; force: AbortSignal; dispose(): void } {
  const cancel = new AbortController();
  const force = new AbortController();
  let presses = 0;
  const onSigint = () => {
    presses += 1;
    if (presses === 1) {
      term.err(INTERRUPT_TEXT.cancel);
      cancel.abort();
    } else if (presses === 2) {
      term.err(INTERRUPT_TEXT.risk);
    } else if (presses === 3) {
      term.err(INTERRUPT_TEXT.force);
      force.abort();
    } else {
      process.exit(130);
    }
  };
  process.on("SIGINT", onSigint);
  return { signal: cancel.signal, force: force.signal, dispose: () => process.off("SIGINT", onSigint) };
}

export async function runDeploy(io: Interaction, run: (options: { onEvent: ReturnType<typeof progress>; signal: AbortSignal; force: AbortSignal }) => Promise<DeployResult>): Promise<number> {
  const onEvent = progress(io.term, io.tty);
  const interrupt = interruptible(io.term);
  try {
    const result = await run({ onEvent, signal: interrupt.signal, force: interrupt.force });
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
      lines.push(
        `FAILED: ${r.stack} did not take ${r.ref}: ${r.error}`,
        `Not restored: ${r.stack} may run parts of ${r.ref} while its stack file says ${r.previousRef ?? "(no image)"}; look at it now (ferry status --stack ${r.stack}).`,
      );
      break;
    case "restore-failed":
      lines.push(`FAILED: ${r.stack} did not take ${r.ref}: ${r.error}`, `RESTORE FAILED too: ${r.restoreError}`, `${r.stack} may be running neither image; look at it now.`);
      break;
  }
  for (const w of r.warnings) lines.push(`WARNING: ${w}`);
  if (r.commit) lines.push(`Committed ${r.commit}${r.pushed ? ` and pushed it to ${r.pushed}` : ""}.`);
  if (r.uncommittedFile) lines.push(`${r.uncommittedFile} now pins this image: commit it (or pass --commit) so a push-triggered Pulumi Deployments run deploys the same thing.`);
  return lines.join("\n") + "\n";
}
