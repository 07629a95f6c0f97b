/**
 * Deploying one image reference to one stack, the way promotion and rollback both do it:
 * refusals → the stack's lease → gates → preview of a private copy of the stack file with the new
 * ferry:imageRef (ferry:imageRefs for a stack of several targets, all promoted together) → approval →
 * update from that copy → the tracked stack file gets the one new line →
 * release tags → optional git commit; and on failure, the previous image deployed again from the
 * untouched stack file.
 *
 * Invariants: the tracked stack file changes only after the update succeeded, and then only in its
 * ferry:imageRef line, so it always says what runs; nothing changes before every refusal is decided;
 * one deploy per stack at a time, across machines (the lease, lease.ts); bookkeeping after a good
 * deploy (tags, commit) never undoes it, it only warns.
 */
import * as os from "os";
import { randomBytes } from "crypto";
import { ConfigError, FerryConfig, parseConfig } from "../config";
import { pointerTag, releaseTag } from "../lib/imageTags";
import { DEFAULT_TARGET, ImageSet, imageSetText, isSingle, targetKey } from "../lib/imageSet";
import { cliRewriteOnly, setStackImages } from "../lib/stackFile";
import { stackConfigFromText } from "../config/stackConfig";
import { exitCodeFor, messages, Outcome, parseImageRef, parseImages, scanGate, shortDigest } from "./decisions";
import { ExitCode, NotStartedError, OperationFailedError, PromotionRunningError, RefusedError, StackLockedError } from "./errors";
import { EventSink, Step } from "./events";
import { decideLease, decodeLease, encodeLease, GENERATION_TAG, Lease, LEASE_TAG } from "./lease";
import { EngineEventLike } from "./events";
import { ChangeSummary, Ports, ScanFindings, UpdateRecord } from "./ports";

/** Decides whether a previewed change goes ahead. */
export type Approver = (request: ApprovalRequest) => Promise<boolean>;

export interface ApprovalRequest {
  stack: string;
  ref: string;
  previousRef?: string;
  generation: number;
  changes: ChangeSummary;
  /** Aborted when the run is interrupted: an approval step waiting on a person should give up. */
  signal?: AbortSignal;
}

export interface DeployRequest {
  stack: string;
  ref: string;
  generation: number;
  /** The update message (from `messages`). */
  message: string;
  /** What is being done, for the lease and the restore message ("promotion of generation 7"). */
  what: string;
  approve: Approver;
  /** Let CRITICAL scan findings through the gate. @default false */
  allowCritical?: boolean;
  /** Deploy the previous image again when the update fails. @default true */
  restore?: boolean;
  /** Commit the stack file after a good deploy. @default false */
  commit?: boolean;
  /** Push that commit to the branch the current one tracks (needs `commit`). @default false */
  push?: boolean;
  onEvent?: EventSink;
  /** Aborting cancels: before the update nothing changes; during it, the update is cancelled and restored. */
  signal?: AbortSignal;
  /** Aborting forces the Pulumi CLI to stop at once (after `signal`); in-flight steps are abandoned. */
  force?: AbortSignal;
}

export interface DeployResult {
  stack: string;
  outcome: Outcome;
  exitCode: ExitCode;
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
  /** The remote branch the commit was pushed to (`origin/main`). */
  pushed?: string;
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

export function requireKnownStack(ports: Pick<Ports, "files">, stack: string, role: string): void {
  const known = ports.files.knownStacks();
  if (!known.includes(stack)) throw new RefusedError(`unknown ${role ? `${role} ` : ""}stack "${stack}": this project has ${known.map((s) => `"${s}"`).join(", ") || "no stacks"}`);
}

/** This run, as a lease holder. */
function runIdentity(what: string): Lease {
  const host = os.hostname();
  let user = "someone";
  try {
    user = os.userInfo().username;
  } catch {
    // no passwd entry (containers): keep "someone"
  }
  return { id: randomBytes(6).toString("hex"), who: `${user}@${host}`, host, pid: process.pid, since: new Date().toISOString(), what };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the stack's lease or refuses, naming who holds it. */
async function takeLease(ports: Ports, stack: string, me: Lease, warn: (m: string) => void): Promise<Lease> {
  const decision = decideLease(decodeLease(await ports.stacks.tag(stack, LEASE_TAG)), me, alive, stack);
  if (!decision.take) throw new PromotionRunningError(stack, decision.holder, decision.hint);
  if (decision.replaces) warn(`took over the lease of ${decision.replaces.what} (${decision.replaces.who}, since ${decision.replaces.since}): that process no longer runs`);
  await ports.stacks.setTag(stack, LEASE_TAG, encodeLease(me));
  // Two runs may both have read "free"; the tag keeps the last writer, and the other one backs off.
  const holder = decodeLease(await ports.stacks.tag(stack, LEASE_TAG));
  if (holder?.id !== me.id) throw new PromotionRunningError(stack, holder ?? me, "");
  return me;
}

async function releaseLease(ports: Ports, stack: string, me: Lease, warn: (m: string) => void): Promise<void> {
  try {
    if (decodeLease(await ports.stacks.tag(stack, LEASE_TAG))?.id === me.id) await ports.stacks.removeTag(stack, LEASE_TAG);
  } catch (err) {
    warn(`could not release the lease on ${stack} (${(err as Error).message}); the next run on this machine takes it over, elsewhere run: ferry unlock --stack ${stack}`);
  }
}

/** Removes a stack's lease whoever holds it (the run that held it is gone); returns what it removed. */
export async function unlock(ports: Ports, stack: string): Promise<Lease | undefined> {
  requireKnownStack(ports, stack, "");
  const held = decodeLease(await ports.stacks.tag(stack, LEASE_TAG));
  if (held) await ports.stacks.removeTag(stack, LEASE_TAG);
  return held;
}

/** The newest update, as a key that changes with every update (the optimistic check before `up`). */
async function newestUpdate(ports: Ports, stack: string): Promise<UpdateRecord | undefined> {
  return (await ports.stacks.history(stack, 1))[0];
}

const INTERRUPTED_BEFORE_UPDATE = "interrupted before the update started; nothing was changed";

const sameUpdate = (a?: UpdateRecord, b?: UpdateRecord) => JSON.stringify([a?.startTime, a?.message, a?.result]) === JSON.stringify([b?.startTime, b?.message, b?.result]);

export async function deploy(ports: Ports, req: DeployRequest): Promise<DeployResult> {
  const { stack, ref } = req;
  const step = (s: Step, message: string) => req.onEvent?.({ kind: "step", stack, step: s, message });
  const warn = (message: string) => req.onEvent?.({ kind: "warning", stack, message });
  const file = ports.files.relativePath(stack);

  // 1. Refusals that need nothing but the files, before anything changes.
  const images = parseImages(ref, "the image to deploy");
  const config = targetConfig(ports, stack);
  // A valid stack file that does not build pins the images it runs: that is what a failure restores.
  if (config.build || !config.images) throw new RefusedError(`stack "${stack}" builds its own image (ferry:build is true); promotion targets stacks that run ferry:imageRef`);
  const previousRef = imageSetText(config.images);
  const base: Base = { stack, ref, previousRef, generation: req.generation, warnings: [] as string[] };
  // Every target the stack's services run comes from the same promotion: a partial set is refused.
  const needed = [...new Set(config.services.map((s) => targetKey(s.target)))];
  const missing = needed.filter((t) => images[t] === undefined);
  if (missing.length) {
    throw new RefusedError(`"${stack}" runs the targets ${needed.join(", ")}, but the images to deploy have no ${missing.join(", ")}: every target is promoted together`);
  }

  if (req.push && !req.commit) throw new RefusedError("--push needs --commit: it pushes the commit of the stack file");
  const pushTo = req.push ? await ports.repo.upstream() : undefined;
  if (req.push && !pushTo) throw new RefusedError("--push needs the current branch to track a remote branch (set it once: git push -u origin <branch>)");

  // 2. One deploy per stack: a run in progress is named first (its own stack file change may be
  //    waiting for its commit, so "already runs" would be said of an image about to be replaced),
  //    then the refusals that read git and ECR, then the lease is taken.
  const me = runIdentity(req.what);
  const holder = decideLease(decodeLease(await ports.stacks.tag(stack, LEASE_TAG)), me, alive, stack);
  if (!holder.take) throw new PromotionRunningError(stack, holder.holder, holder.hint);
  if (previousRef === ref) {
    step("set-config", `${stack} already runs ${ref}; nothing to do`);
    return { ...base, outcome: "unchanged", exitCode: 0 };
  }
  const dirty = await ports.repo.hasUncommittedChanges(file);
  if (dirty) {
    // The Pulumi CLI's own rewrite (stack init: encryptionsalt, values as text) says the same as the commit.
    const committed = await ports.repo.committedText(file);
    if (committed === undefined || !cliRewriteOnly(committed, ports.files.read(stack))) {
      throw new RefusedError(`${file} has uncommitted changes; commit or discard them first (Ferry deploys what that file says, and Pulumi Deployments reads it from git)`);
    }
    step("set-config", `${file} differs from its commit only by the Pulumi CLI's own rewrite (stack init: encryptionsalt, values as text); it goes in with the new image`);
  }
  if (req.commit && dirty === undefined) throw new RefusedError(`--commit needs the project in a git work tree; ${file} is not in one`);
  if (config.promotion.scanGate) {
    step("scan-gate", `reading ECR scan findings of ${describeImages(images)}`);
    const findings = await allFindings(ports, images);
    const gate = scanGate(findings, { allowCritical: req.allowCritical ?? false });
    if (!gate.pass) throw new RefusedError(`scan gate of "${stack}": ${gate.reason}`);
    step("scan-gate", gate.note);
  }
  await verifyPlatforms(ports, config, images, step);
  // Read again when taking it: the checks above took time.
  const lease = await takeLease(ports, stack, me, warn);
  try {
    return await deployHoldingLease(ports, req, { base, images, step, warn, file, pushTo });
  } finally {
    await releaseLease(ports, stack, lease, warn);
  }
}

type Base = Omit<DeployResult, "outcome" | "exitCode" | "previousRef"> & { previousRef: string };

/** What a deploy holding the lease works with. */
interface HoldingLease {
  file: string;
  base: Base;
  images: ImageSet;
  step: (s: Step, m: string) => void;
  warn: (m: string) => void;
  /** The remote branch the commit goes to, when asked to push. */
  pushTo?: string;
}

async function deployHoldingLease(
  ports: Ports,
  req: DeployRequest,
  ctx: HoldingLease,
): Promise<DeployResult> {
  const { stack, ref } = req;
  const { base, images, step, warn } = ctx;
  const before = await newestUpdate(ports, stack);

  // 3. Preview and ask, from a private copy of the stack file: the tracked file stays as it is.
  const snapshot = ports.files.read(stack);
  const copy = ports.files.scratchCopy(stack, setStackImages(snapshot, images));
  const engine = { onEvent: (event: EngineEventLike) => req.onEvent?.({ kind: "engine", stack, event }), configFile: copy.path };
  try {
    let changes: ChangeSummary;
    try {
      step("set-config", `${isSingle(images) ? "ferry:imageRef" : "ferry:imageRefs"} of ${stack}: ${base.previousRef} → ${ref}`);
      step("preview", `previewing ${stack}`);
      changes = await ports.stacks.preview(stack, { ...engine, signal: req.signal, force: req.force });
      step("preview", describeChanges(changes));
      if (req.signal?.aborted) throw new RefusedError(INTERRUPTED_BEFORE_UPDATE);
      step("approval", "waiting for approval");
      if (!(await req.approve({ stack, ref, previousRef: base.previousRef, generation: req.generation, changes, signal: req.signal }))) {
        throw new RefusedError(req.signal?.aborted ? INTERRUPTED_BEFORE_UPDATE : `not approved; ${stack} was not changed`);
      }
      // An interrupt while someone was deciding: the update never starts.
      if (req.signal?.aborted) throw new RefusedError(INTERRUPTED_BEFORE_UPDATE);
      // Someone else deployed this stack since we started (a run that did not take the lease).
      const now = await newestUpdate(ports, stack);
      if (!sameUpdate(before, now)) {
        throw new RefusedError(`stack "${stack}" was updated while this run waited ("${now?.message ?? "an update"}", ${now?.startTime ?? "just now"}); nothing was changed: look at what it runs now (ferry status --stack ${stack}), then run again`);
      }
    } catch (err) {
      if (err instanceof OperationFailedError) {
        throw new RefusedError(err.interrupted ? INTERRUPTED_BEFORE_UPDATE : `preview of "${stack}" failed, nothing was changed: ${err.message}`);
      }
      throw err;
    }

    // 4. The update.
    try {
      step("update", `updating ${stack}: ${req.message}`);
      const up = await ports.stacks.up(stack, req.message, { ...engine, signal: req.signal, force: req.force });
      for (const w of up.warnings) {
        base.warnings.push(w);
        warn(w);
      }
    } catch (err) {
      if (err instanceof StackLockedError || err instanceof NotStartedError) throw err;
      const error = err instanceof OperationFailedError && err.interrupted ? `interrupted: ${err.message}` : (err as Error).message;
      return restoreAfterFailure(ports, req, { ...base, changes }, error);
    }
    // The tracked stack file now says what runs: one line changes.
    ports.files.write(stack, setStackImages(ports.files.read(stack), images));
    step("update", `${stack} now runs ${ref} (generation ${req.generation})`);
    return await bookkeeping(ports, req, ctx, { ...base, changes, outcome: "deployed", exitCode: 0 });
  } finally {
    copy.dispose();
  }
}

/** ECS task `cpuArchitecture` → the architecture name in image indexes. */
const INDEX_ARCH = { arm64: "arm64", x86_64: "amd64" } as const;

/**
 * Every service of the target runs on an architecture its image has (read from ECR's index), checked
 * before anything changes: a task on a platform its image lacks would never start.
 */
async function verifyPlatforms(ports: Ports, config: FerryConfig, images: ImageSet, step: (s: Step, m: string) => void): Promise<void> {
  const platforms = new Map<string, string[]>();
  for (const s of config.services) {
    const target = targetKey(s.target);
    const ref = images[target];
    if (!platforms.has(ref)) {
      const read = await ports.registry.platforms(ref).catch((e: Error) => e);
      if (read instanceof Error) {
        throw new RefusedError(`cannot read which architectures ${shortDigest(parseImageRef(ref, "the image").digest)} has (${read.message}); Ferry checks every service's architecture against its image before it deploys`);
      }
      platforms.set(ref, read);
    }
    const has = platforms.get(ref)!;
    const needs = INDEX_ARCH[s.architecture];
    if (!has.includes(needs)) {
      throw new RefusedError(
        `service "${s.name}" of "${config.stack}" runs on ${s.architecture}, but its image ${shortDigest(parseImageRef(ref, "the image").digest)}${target === DEFAULT_TARGET ? "" : ` (target ${target})`} has only ${has.join(", ") || "no platform"}: build it for linux/${needs}, or set the service's architecture`,
      );
    }
  }
  step("verify", `every service's architecture is in its image (${[...platforms.values()].map((p) => p.join("+")).join(", ")})`);
}

/** Sums the scan findings of every image of a set; an image whose findings cannot be read fails it all (closed). */
async function allFindings(ports: Ports, images: ImageSet): Promise<ScanFindings | Error> {
  const counts: Record<string, number> = {};
  let read = 0;
  for (const [target, ref] of Object.entries(images)) {
    const f = await ports.registry.scanFindings(ref).catch((e: Error) => e);
    if (f instanceof Error) return isSingle(images) ? f : new Error(`target "${target}": ${f.message}`);
    for (const [severity, n] of Object.entries(f.counts)) counts[severity] = (counts[severity] ?? 0) + n;
    read += f.images;
  }
  return { counts, images: read };
}

function describeImages(images: ImageSet): string {
  return Object.entries(images).map(([t, ref]) => `${isSingle(images) ? "" : `${t} `}${shortDigest(parseImageRef(ref, "the image").digest)}`).join(", ");
}

/** The release and stack-pointer tags of every image of a set (`-<target>` for targets other than the default). */
export async function tagReleases(ports: Ports, stack: string, images: ImageSet, generation: number, step?: (s: Step, m: string) => void): Promise<void> {
  for (const [target, ref] of Object.entries(images)) {
    const suffix = target === DEFAULT_TARGET ? "" : `-${target}`;
    step?.("tag", `tagging ${shortDigest(parseImageRef(ref, "the image").digest)} as ${releaseTag(stack, generation)}${suffix} and ${pointerTag(stack)}${suffix}`);
    await ports.registry.tag(ref, `${releaseTag(stack, generation)}${suffix}`);
    await ports.registry.tag(ref, `${pointerTag(stack)}${suffix}`);
  }
}

/** Tags and the commit after a good deploy: never undo it, only warn with the command that redoes them. */
async function bookkeeping(ports: Ports, req: DeployRequest, ctx: HoldingLease, result: DeployResult): Promise<DeployResult> {
  const { stack, ref } = req;
  const { images, file, step, warn, pushTo } = ctx;
  try {
    // Remember the newest generation in the stack itself, where the next numbering reads it.
    const remembered = Number((await ports.stacks.tag(stack, GENERATION_TAG)) ?? 0) || 0;
    if (req.generation > remembered) await ports.stacks.setTag(stack, GENERATION_TAG, String(req.generation));
  } catch (err) {
    const w = `${stack} is deployed, but remembering generation ${req.generation} on the stack failed (${(err as Error).message}); the next promotion numbers from the stack's history`;
    result.warnings.push(w);
    warn(w);
  }
  try {
    await tagReleases(ports, stack, images, req.generation, step);
  } catch (err) {
    const w = `${stack} is deployed, but tagging the image as ${releaseTag(stack, req.generation)} failed (${(err as Error).message}); until it is tagged the lifecycle policy may expire it. Re-run: ferry tag --stack ${stack}`;
    result.warnings.push(w);
    warn(w);
  }
  if (!req.commit) {
    result.uncommittedFile = file;
    return result;
  }
  try {
    result.commit = await ports.repo.commit(file, `ferry: ${stack} runs ${ref} (generation ${req.generation})`);
    step("commit", `committed ${file} as ${result.commit}`);
  } catch (err) {
    const w = `${stack} is deployed, but committing ${file} failed (${(err as Error).message}); Pulumi Deployments would undo this deploy on the next push. Commit it: git commit -m "ferry: ${stack} runs generation ${req.generation}" -- ${file}`;
    result.warnings.push(w);
    warn(w);
    return result;
  }
  if (!pushTo) return result;
  try {
    await ports.repo.push();
    result.pushed = pushTo;
    step("push", `pushed ${result.commit} to ${pushTo}`);
  } catch (err) {
    const w = `${stack} is deployed and ${file} committed (${result.commit}), but pushing it failed (${(err as Error).message}); until it is pushed the branch does not say what ${stack} runs. Push it: git pull --rebase && git push`;
    result.warnings.push(w);
    warn(w);
  }
  return result;
}

async function restoreAfterFailure(ports: Ports, req: DeployRequest, base: Base, error: string): Promise<DeployResult> {
  const { stack } = req;
  const step = (s: Step, message: string) => req.onEvent?.({ kind: "step", stack, step: s, message });
  step("update", `update of ${stack} failed: ${error}`);
  if (req.restore === false) {
    step("restore", `not restoring: restore was turned off; ${ports.files.relativePath(stack)} still says ${base.previousRef}, the stack may run parts of ${req.ref}`);
    const outcome: Outcome = "failed";
    return { ...base, outcome, exitCode: exitCodeFor(outcome), error };
  }
  // The stack file was never changed: deploying it again brings the previous image back.
  step("restore", `restoring ${stack} to ${base.previousRef}`);
  try {
    // Not the caller's signal: an interrupt already cancelled the failed update, the restore must run.
    await ports.stacks.up(stack, messages.restore(base.previousRef, req.what), { onEvent: (event) => req.onEvent?.({ kind: "engine", stack, event }), force: req.force });
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
