/**
 * In-memory ports for testing Ferry's orchestration without Pulumi, AWS or git. Each keeps a log of
 * what was asked of it, so tests assert on behaviour (what changed, in which order), not on internals.
 */
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { NotStartedError, OperationFailedError, StackLockedError } from "../../automation/errors";
import type { ChangeSummary, DeploymentsPort, OperationOptions, PausedDeployment, Ports, RegistryPort, RepoPort, ScanFindings, StackFilesPort, StackPort, UpdateRecord, UpResult } from "../../automation/ports";
import { PROJECT_DIR } from "../../plan/run";

export const REPO = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ferry-dev";
export const ref = (c: string) => `${REPO}@sha256:${c.repeat(64).slice(0, 64)}`;

export class MemoryFiles implements StackFilesPort {
  texts = new Map<string, string>();
  constructor() {
    for (const s of ["dev", "staging", "prod"]) this.texts.set(s, fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${s}.yaml`), "utf8"));
  }
  knownStacks() {
    return [...this.texts.keys()].sort();
  }
  project() {
    return fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8");
  }
  relativePath(stack: string) {
    return `Pulumi.${stack}.yaml`;
  }
  read(stack: string) {
    return this.texts.get(stack)!;
  }
  write(stack: string, text: string) {
    this.texts.set(stack, text);
  }
  /** Private copies (path → text); removed on dispose, so a test can see none is left behind. */
  copies = new Map<string, string>();
  private copiesMade = 0;
  scratchCopy(stack: string, text: string) {
    const p = `/tmp/ferry-${stack}-${++this.copiesMade}/Pulumi.${stack}.yaml`;
    this.copies.set(p, text);
    return { path: p, dispose: () => void this.copies.delete(p) };
  }
  imageRef(stack: string, configFile?: string): unknown {
    const text = configFile ? this.copies.get(configFile)! : this.read(stack);
    return (parseDocument(text).toJS().config ?? {})["ferry:imageRef"];
  }
  /** Every image the file pins (`ferry:imageRefs`, or `ferry:imageRef` as the default target). */
  images(stack: string, configFile?: string): Record<string, string> {
    const text = configFile ? this.copies.get(configFile)! : this.read(stack);
    const config = parseDocument(text).toJS().config ?? {};
    return config["ferry:imageRefs"] ?? { default: config["ferry:imageRef"] };
  }
}

export interface MemoryStack {
  outputs?: Record<string, unknown>;
  history: UpdateRecord[];
  locked?: boolean;
  /** `up` fails with this message (for this ref only, when given). */
  failUp?: { message: string; whenRef?: string };
  failPreview?: string;
  /** `up` is interrupted midway: this controller is aborted and the update fails as cancelled. */
  interruptUp?: AbortController;
  /** Reading history fails (the CLI or backend cannot answer). */
  failHistory?: string;
  /** `up` succeeds, then reading its outputs fails. */
  failOutputsAfterUp?: string;
  /** Called when `up` starts (a test's chance to act while the update runs). */
  duringUp?: () => Promise<void>;
  tags?: Record<string, string>;
}

export class MemoryStacks implements StackPort {
  log: string[] = [];
  constructor(readonly files: MemoryFiles, readonly stacks: Record<string, MemoryStack>) {}
  private s(stack: string) {
    return this.stacks[stack];
  }
  async outputs(stack: string) {
    this.log.push(`outputs ${stack}`);
    return this.s(stack)?.outputs;
  }
  async preview(stack: string, o: OperationOptions): Promise<ChangeSummary> {
    this.log.push(`preview ${stack} ${this.files.imageRef(stack, o.configFile)}`);
    if (this.s(stack).failPreview) throw new OperationFailedError(stack, this.s(stack).failPreview!, o.signal?.aborted ?? false);
    return { update: 2, same: 30 };
  }
  async up(stack: string, message: string, o: OperationOptions): Promise<UpResult> {
    const s = this.s(stack);
    const images = this.files.images(stack, o.configFile);
    const running = images.default ?? Object.values(images)[0];
    this.log.push(`up ${stack} ${message}`);
    if (s.locked) throw new StackLockedError(stack);
    s.locked = true;
    try {
      await s.duringUp?.();
      const at = new Date(Date.UTC(2026, 10, 23, 10, s.history.length)).toISOString();
      if (s.interruptUp && o.signal) s.interruptUp.abort();
      if (o.signal?.aborted || (s.failUp && (!s.failUp.whenRef || s.failUp.whenRef === running))) {
        s.history.unshift({ kind: "update", result: "failed", message, startTime: at, endTime: at });
        throw new OperationFailedError(stack, o.signal?.aborted ? "update canceled" : s.failUp!.message, o.signal?.aborted ?? false);
      }
      s.history.unshift({ kind: "update", result: "succeeded", message, startTime: at, endTime: at });
      s.outputs = { ...s.outputs, imageRef: running, imageRefs: images };
      return { changes: { update: 2 }, warnings: s.failOutputsAfterUp ? [`${stack} was updated, but reading its outputs afterwards failed (${s.failOutputsAfterUp})`] : [] };
    } finally {
      s.locked = false;
    }
  }
  async history(stack: string, limit: number, page = 1) {
    if (this.s(stack).failHistory) throw new NotStartedError(`reading the update history of "${stack}" failed: ${this.s(stack).failHistory}`, `Check it: pulumi stack history --stack ${stack}`);
    return this.s(stack).history.slice((page - 1) * limit, page * limit);
  }
  async tag(stack: string, name: string) {
    return this.s(stack).tags?.[name];
  }
  async setTag(stack: string, name: string, value: string) {
    this.log.push(`tag ${stack} ${name}`);
    (this.s(stack).tags ??= {})[name] = value;
  }
  async removeTag(stack: string, name: string) {
    this.log.push(`untag ${stack} ${name}`);
    delete this.s(stack).tags?.[name];
  }
}

export class MemoryRegistry implements RegistryPort {
  tags: string[] = [];
  findings: ScanFindings | Error = { counts: { HIGH: 1 }, images: 2 };
  tagError?: Error;
  async scanFindings(_imageRef?: string): Promise<ScanFindings> {
    if (this.findings instanceof Error) throw this.findings;
    return this.findings;
  }
  /** Architectures of each image (all of them have both unless a test says otherwise). */
  arches = new Map<string, string[] | Error>();
  async platforms(imageRef: string) {
    const a = this.arches.get(imageRef) ?? ["amd64", "arm64"];
    if (a instanceof Error) throw a;
    return a;
  }
  async tag(imageRef: string, tag: string) {
    if (this.tagError) throw this.tagError;
    this.tags.push(`${tag} ${imageRef}`);
  }
}

export class MemoryRepo implements RepoPort {
  dirty = new Set<string>();
  inRepo = true;
  commits: { path: string; message: string }[] = [];
  async hasUncommittedChanges(p: string) {
    return this.inRepo ? this.dirty.has(p) : undefined;
  }
  /** What HEAD holds of a path, for a test to set. */
  committed = new Map<string, string>();
  async committedText(p: string) {
    return this.committed.get(p);
  }
  async commit(p: string, message: string) {
    this.commits.push({ path: p, message });
    return "abc123def456";
  }
  /** The tracked remote branch; undefined for a branch that tracks none. */
  tracking: string | undefined = "origin/main";
  pushes: number = 0;
  /** Pushing fails with this (a rejected push). */
  failPush?: string;
  async upstream() {
    return this.tracking;
  }
  async push() {
    if (this.failPush) throw new Error(this.failPush);
    this.pushes++;
  }
}

export class MemoryDeployments implements DeploymentsPort {
  pausedList: PausedDeployment[] = [];
  answers: string[] = [];
  asked: string[] = [];
  async paused(region: string, cluster: string, services: string[]) {
    this.asked.push(`${region} ${cluster} ${services.join(",")}`);
    return this.pausedList.filter((p) => services.includes(p.service));
  }
  async answer(region: string, d: PausedDeployment, action: "CONTINUE" | "ROLLBACK") {
    this.answers.push(`${region} ${d.deploymentArn} ${d.hookId} ${action}`);
  }
}

export function memoryPorts(stacks: Record<string, MemoryStack>) {
  const files = new MemoryFiles();
  const ports = {
    files,
    stacks: new MemoryStacks(files, stacks),
    registry: new MemoryRegistry(),
    repo: new MemoryRepo(),
    deployments: new MemoryDeployments(),
  };
  return ports satisfies Ports;
}
