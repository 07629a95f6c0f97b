/**
 * Deploying one image reference to one stack, the way promotion and rollback both do it:
 * gates → set ferry:imageRef → preview → approval → up → release tags → optional git commit;
 * and on failure, the previous ferry:imageRef restored and deployed again.
 *
 * Invariants: nothing changes before every refusal is decided (uncommitted stack file, invalid
 * target config, scan gate); a refusal after the config was set (not approved, locked, interrupted
 * during preview) puts the stack file back byte for byte; bookkeeping after a good deploy (tags,
 * commit) never undoes it, it only warns.
 */
import { ConfigError, FerryConfig, parseConfig } from "../config";
import { pointerTag, releaseTag } from "../lib/imageTags";
import { stackConfigFromText } from "../plan/stackConfig";
import { exitCodeFor, messages, Outcome, parseImageRef, scanGate, shortDigest } from "./decisions";
import { OperationFailedError, RefusedError, StackLockedError } from "./errors";
import { EventSink, Step } from "./events";
import { ChangeSummary, Ports } from "./ports";

/** Decides whether a previewed change goes ahead. */
export type Approver = (request: ApprovalRequest) => Promise<boolean>;

export interface ApprovalRequest {
  stack: string;
  ref: string;
  previousRef?: string;
  generation: number;
  changes: ChangeSummary;
}

export interface DeployRequest {
  stack: string;
  ref: string;
  generation: number;
  /** The update message (from `messages`). */
  message: string;
  /** What is being done, for the restore message ("promotion of generation 7"). */
  what: string;
  approve: Approver;
  /** Let CRITICAL scan findings through the gate. @default false */
  allowCritical?: boolean;
  /** Deploy the previous image again when the update fails. @default true */
  restore?: boolean;
  /** Commit the stack file after a good deploy. @default false */
  commit?: boolean;
  onEvent?: EventSink;
  signal?: AbortSignal;
}

export interface DeployResult {
  stack: string;
  outcome: Outcome;
  exitCode: 0 | 1 | 2 | 3;
  ref: string;
  previousRef?: string;
  generation: number;
  changes?: ChangeSummary;
  /** Why the update failed, and why restoring failed. */
  error?: string;
  restoreError?: string;
  /** Bookkeeping that did not happen, each naming the command that redoes it. */
  warnings: string[];
  commit?: string;
  /** The stack file the deploy changed, when it was not committed. */
  uncommittedFile?: string;
}

/** The validated config a stack file holds now. */
export function targetConfig(ports: Ports, stack: string): FerryConfig {
  const file = ports.files.relativePath(stack);
  const config = stackConfigFromText(ports.files.project(), ports.files.read(stack), file);
  try {
    return parseConfig(stack, config.values, config.secretKeys);
  } catch (err) {
    if (err instanceof ConfigError) throw new RefusedError(`${file} is not valid, so "${stack}" cannot be deployed: ${err.message}`);
    throw err;
  }
}

export function requireKnownStack(ports: Ports, stack: string, role: string): void {
  const known = ports.files.knownStacks();
  if (!known.includes(stack)) throw new RefusedError(`unknown ${role ? `${role} ` : ""}stack "${stack}": this project has ${known.map((s) => `"${s}"`).join(", ") || "no stacks"}`);
}

export async function deploy(ports: Ports, req: DeployRequest): Promise<DeployResult> {
  const { stack, ref } = req;
  const step = (s: Step, message: string) => req.onEvent?.({ kind: "step", stack, step: s, message });
  const warn = (message: string) => req.onEvent?.({ kind: "warning", stack, message });
  const file = ports.files.relativePath(stack);

  // 1. Refusals, before anything changes.
  const dirty = await ports.repo.hasUncommittedChanges(file);
  if (dirty) throw new RefusedError(`${file} has uncommitted changes; commit or discard them first (this deploy changes that file, and Pulumi Deployments reads it from git)`);
  if (req.commit && dirty === undefined) throw new RefusedError(`--commit needs the project in a git work tree; ${file} is not in one`);
  parseImageRef(ref, "the image to deploy");
  const config = targetConfig(ports, stack);
  const previousRef = config.imageRef;
  const base = { stack, ref, previousRef, generation: req.generation, warnings: [] as string[] };
  if (config.build) throw new RefusedError(`stack "${stack}" builds its own image (ferry:build is true); promotion targets stacks that run ferry:imageRef`);
  if (previousRef === ref) {
    step("set-config", `${stack} already runs ${ref}; nothing to do`);
    return { ...base, outcome: "unchanged", exitCode: 0 };
  }
  if (config.promotion.scanGate) {
    step("scan-gate", `reading ECR scan findings of ${shortDigest(parseImageRef(ref, "the image").digest)}`);
    const findings = await ports.registry.scanFindings(ref).catch((e: Error) => e);
    const gate = scanGate(findings, { allowCritical: req.allowCritical ?? false });
    if (!gate.pass) throw new RefusedError(`scan gate of "${stack}": ${gate.reason}`);
    step("scan-gate", gate.note);
  }

  // 2. Set the config, preview, ask. From here a refusal puts the stack file back.
  const snapshot = ports.files.read(stack);
  const putBack = () => ports.files.write(stack, snapshot);
  let changes: ChangeSummary;
  try {
    step("set-config", `ferry:imageRef of ${stack}: ${previousRef ?? "(none)"} → ${ref}`);
    await ports.stacks.setImageRef(stack, ref);
    step("preview", `previewing ${stack}`);
    changes = await ports.stacks.preview(stack, { onEvent: (event) => req.onEvent?.({ kind: "engine", stack, event }), signal: req.signal });
    step("preview", describeChanges(changes));
    if (req.signal?.aborted) throw new RefusedError("interrupted before the update started; nothing was changed");
    step("approval", "waiting for approval");
    if (!(await req.approve({ stack, ref, previousRef, generation: req.generation, changes }))) {
      throw new RefusedError(`not approved; ${stack} was not changed`);
    }
    // An interrupt while someone was deciding: the update never starts.
    if (req.signal?.aborted) throw new RefusedError("interrupted before the update started; nothing was changed");
  } catch (err) {
    putBack();
    if (err instanceof OperationFailedError) {
      throw new RefusedError(err.interrupted ? "interrupted before the update started; nothing was changed" : `preview of "${stack}" failed, nothing was changed: ${err.message}`);
    }
    throw err;
  }

  // 3. The update.
  try {
    step("update", `updating ${stack}: ${req.message}`);
    await ports.stacks.up(stack, req.message, { onEvent: (event) => req.onEvent?.({ kind: "engine", stack, event }), signal: req.signal });
  } catch (err) {
    if (err instanceof StackLockedError) {
      putBack();
      throw err;
    }
    const error = err instanceof OperationFailedError && err.interrupted ? `interrupted: ${err.message}` : (err as Error).message;
    return restoreAfterFailure(ports, req, { ...base, changes }, snapshot, error);
  }
  step("update", `${stack} now runs ${ref} (generation ${req.generation})`);

  // 4. Bookkeeping: never undoes the deploy.
  const result: DeployResult = { ...base, changes, outcome: "deployed", exitCode: 0 };
  try {
    step("tag", `tagging ${shortDigest(parseImageRef(ref, "the image").digest)} as ${releaseTag(stack, req.generation)} and ${pointerTag(stack)}`);
    await ports.registry.tag(ref, releaseTag(stack, req.generation));
    await ports.registry.tag(ref, pointerTag(stack));
  } catch (err) {
    const w = `${stack} is deployed, but tagging the image as ${releaseTag(stack, req.generation)} failed (${(err as Error).message}); until it is tagged the lifecycle policy may expire it. Re-run: ferry tag --stack ${stack}`;
    result.warnings.push(w);
    warn(w);
  }
  if (!req.commit) result.uncommittedFile = file;
  if (req.commit) {
    try {
      result.commit = await ports.repo.commit(file, `ferry: ${stack} runs ${ref} (generation ${req.generation})`);
      step("commit", `committed ${file} as ${result.commit}`);
    } catch (err) {
      const w = `${stack} is deployed, but committing ${file} failed (${(err as Error).message}); commit it yourself, or Pulumi Deployments will undo this deploy on the next push`;
      result.warnings.push(w);
      warn(w);
    }
  }
  return result;
}

async function restoreAfterFailure(
  ports: Ports,
  req: DeployRequest,
  base: Omit<DeployResult, "outcome" | "exitCode">,
  snapshot: string,
  error: string,
): Promise<DeployResult> {
  const { stack } = req;
  const step = (s: Step, message: string) => req.onEvent?.({ kind: "step", stack, step: s, message });
  step("update", `update of ${stack} failed: ${error}`);
  if (req.restore === false || !base.previousRef) {
    const why = req.restore === false ? "restore was turned off" : "the stack had no previous image";
    step("restore", `not restoring: ${why}; ${ports.files.relativePath(stack)} keeps ${req.ref}`);
    const outcome: Outcome = "failed";
    return { ...base, outcome, exitCode: exitCodeFor(outcome), error };
  }
  // The stack file goes back to exactly what it was; then the previous image is deployed again.
  ports.files.write(stack, snapshot);
  step("restore", `restoring ${stack} to ${base.previousRef}`);
  try {
    // Not the caller's signal: an interrupt already cancelled the failed update, the restore must run.
    await ports.stacks.up(stack, messages.restore(base.previousRef, req.what), { onEvent: (event) => req.onEvent?.({ kind: "engine", stack, event }) });
    step("restore", `${stack} runs ${base.previousRef} again`);
    const outcome: Outcome = "failed-restored";
    return { ...base, outcome, exitCode: exitCodeFor(outcome), error };
  } catch (err) {
    const outcome: Outcome = "restore-failed";
    return { ...base, outcome, exitCode: exitCodeFor(outcome), error, restoreError: (err as Error).message };
  }
}

export function describeChanges(changes: ChangeSummary): string {
  const parts = Object.entries(changes)
    .filter(([op, n]) => n > 0 && op !== "same")
    .map(([op, n]) => `${n} to ${op}`);
  const same = changes.same ?? 0;
  return parts.length ? `${parts.join(", ")}${same ? `, ${same} unchanged` : ""}` : "no changes";
}
