/**
 * Promotion and rollback decisions as plain functions over data: what a stack's releases are, which
 * generation comes next, what a rollback goes back to, whether the scan gate lets an image through,
 * which exit code an outcome gets. No I/O here; everything is tested directly.
 *
 * Release history lives in the stack's own update history: Ferry writes every update message itself
 * (`ferry: promote <ref> from <stack> as generation <n>`), so the history is read back by one parser
 * here. ECR release tags mirror it, to keep released images from the lifecycle policy.
 */
import { DIGEST_REF } from "../config";
import { digestText, ImageSet, parseImageSet } from "../lib/imageSet";
import { RefusedError } from "./errors";
import { EXIT, ExitCode } from "../lib/exitCodes";
import type { ScanFindings, UpdateRecord } from "./ports";

export interface Release {
  generation: number;
  /** What was released: one reference, or `target=<ref>` pairs for a stack of several targets (lib/imageSet.ts). */
  ref: string;
  /** The same per target (`default` for a single image). */
  images: ImageSet;
  /** Its digests, in the same shape: `sha256:…`, or `target=sha256:…` pairs. */
  digest: string;
  /** Stack the image was promoted from. */
  from?: string;
  /** When this generation was last deployed (promotion or rollback). */
  deployedAt: string;
}

export type ParsedMessage =
  | { action: "promote"; ref: string; from: string; generation: number }
  | { action: "rollback"; ref: string; generation: number }
  | { action: "restore"; ref: string };

// ---------------------------------------------------------------------------------------------
// Image references
// ---------------------------------------------------------------------------------------------

/** Reads a set of images (one reference, or `target=<ref>` pairs); refuses anything not pinned by digest. */
export function parseImages(text: unknown, what: string): ImageSet {
  if (typeof text !== "string") throw new RefusedError(`${what} is ${JSON.stringify(text)}, not an image pinned by digest (<repository>@sha256:<64 hex>)`);
  try {
    return parseImageSet(text);
  } catch (err) {
    throw new RefusedError(`${what}: ${(err as Error).message}`);
  }
}

/** Splits a digest-pinned reference; refuses anything else (tags, bare names). */
export function parseImageRef(ref: unknown, what: string): { repository: string; digest: string } {
  const m = typeof ref === "string" ? DIGEST_REF.exec(ref) : null;
  if (!m) throw new RefusedError(`${what} is ${JSON.stringify(ref)}, not an image pinned by digest (<repository>@sha256:<64 hex>)`);
  return { repository: m[1], digest: `sha256:${m[2]}` };
}

export function shortDigest(digest: string): string {
  return digest.replace(/^sha256:/, "").slice(0, 12);
}

/** What a deployed stack runs, from its outputs (`imageRefs`, or `imageRef` from before that output existed). */
export function runningImages(outputs: Record<string, unknown>): ImageSet | undefined {
  const refs = outputs.imageRefs;
  if (refs && typeof refs === "object" && !Array.isArray(refs) && Object.keys(refs).length) return refs as ImageSet;
  return typeof outputs.imageRef === "string" ? { default: outputs.imageRef } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Update messages (written and read only here)
// ---------------------------------------------------------------------------------------------

export const messages = {
  promote: (ref: string, from: string, generation: number) => `ferry: promote ${ref} from ${from} as generation ${generation}`,
  rollback: (ref: string, generation: number) => `ferry: rollback to generation ${generation}: ${ref}`,
  restore: (ref: string, failed: string) => `ferry: restore ${ref} after failed ${failed}`,
};

/** One reference, or `target=<ref>` pairs separated by single spaces. */
const REF = "((?:[A-Za-z0-9][A-Za-z0-9_.-]*=)?\\S+@sha256:[a-f0-9]{64}(?: [A-Za-z0-9][A-Za-z0-9_.-]*=\\S+@sha256:[a-f0-9]{64})*)";
const PATTERNS: [RegExp, (m: RegExpExecArray) => ParsedMessage][] = [
  [new RegExp(`^ferry: promote ${REF} from (\\S+) as generation (\\d+)$`), (m) => ({ action: "promote", ref: m[1], from: m[2], generation: Number(m[3]) })],
  [new RegExp(`^ferry: rollback to generation (\\d+): ${REF}$`), (m) => ({ action: "rollback", ref: m[2], generation: Number(m[1]) })],
  [new RegExp(`^ferry: restore ${REF} after failed .*$`), (m) => ({ action: "restore", ref: m[1] })],
];

/** A Ferry update message, or undefined for updates Ferry did not make. */
export function parseMessage(message: string | undefined): ParsedMessage | undefined {
  for (const [pattern, build] of PATTERNS) {
    const m = pattern.exec((message ?? "").trim());
    if (m) return build(m);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Releases and generations
// ---------------------------------------------------------------------------------------------

/** The stack's generations, newest first: succeeded promotions, with the last time each was deployed. */
export function releases(history: UpdateRecord[]): Release[] {
  const byGeneration = new Map<number, Release>();
  const lastDeployed = new Map<number, string>();
  // History is newest first; walk oldest first so later deployments overwrite.
  for (const u of [...history].reverse()) {
    if (u.result !== "succeeded") continue;
    const p = parseMessage(u.message);
    if (!p || p.action === "restore") continue;
    const at = u.endTime ?? u.startTime;
    if (p.action === "promote") {
      const images = parseImages(p.ref, "a released image");
      byGeneration.set(p.generation, { generation: p.generation, ref: p.ref, images, digest: digestText(images), from: p.from, deployedAt: at });
    }
    lastDeployed.set(p.generation, at);
  }
  return [...byGeneration.values()]
    .map((r) => ({ ...r, deployedAt: lastDeployed.get(r.generation) ?? r.deployedAt }))
    .sort((a, b) => b.generation - a.generation);
}

/**
 * The next generation: one above every generation the stack has had, as its history shows and as
 * its `ferry:generation` tag remembers (history is read in pages and may not reach back to the last
 * promotion of a busy stack). Failed promotions do not count; generations only ever grow, so an
 * immutable `release-<stack>-<n>` tag is never written twice.
 */
export function nextGeneration(history: UpdateRecord[], remembered?: string): number {
  const tag = remembered && /^\d+$/.test(remembered) ? Number(remembered) : 0;
  return Math.max(0, tag, ...releases(history).map((r) => r.generation)) + 1;
}

/** The generation a running image (or set) belongs to: the newest release of the same digests. */
export function generationOf(all: Release[], ref: string | undefined): number | undefined {
  if (!ref) return undefined;
  let digest: string;
  try {
    digest = digestText(parseImageSet(ref));
  } catch {
    return undefined;
  }
  return all.find((r) => r.digest === digest)?.generation;
}

/**
 * What a rollback deploys: by default the generation before the one running; or a given generation
 * number; or a given digest (`sha256:…` or a full reference) that is a release of this stack.
 */
export function rollbackTarget(stack: string, all: Release[], runningRef: string | undefined, to?: string | number): Release {
  const available = all.map((r) => r.generation).join(", ") || "none";
  if (all.length === 0) throw new RefusedError(`stack "${stack}" has no releases to roll back to (Ferry has not promoted to it yet)`);
  if (to === undefined) {
    const current = generationOf(all, runningRef);
    const runningDigest = runningRef ? digestText(parseImages(runningRef, "the running image")) : undefined;
    const target = all.find((r) => (current === undefined || r.generation < current) && r.digest !== runningDigest);
    if (!target) throw new RefusedError(`stack "${stack}" runs generation ${current ?? "?"}; there is no earlier generation to roll back to (generations: ${available})`);
    return target;
  }
  if (typeof to === "number" || /^\d+$/.test(to)) {
    const target = all.find((r) => r.generation === Number(to));
    if (!target) throw new RefusedError(`stack "${stack}" has no generation ${to} (generations: ${available})`);
    return target;
  }
  const digest = /sha256:([a-f0-9]{64})$/.exec(to)?.[0];
  if (!digest) throw new RefusedError(`--to ${JSON.stringify(to)} is neither a generation number nor a digest (sha256:<64 hex>)`);
  // A digest names the release that has it (any of its targets).
  const target = all.find((r) => Object.values(r.images).some((ref) => ref.endsWith(`@${digest}`)));
  if (!target) throw new RefusedError(`${digest} is not a release of stack "${stack}"; promote it instead (generations: ${available})`);
  return target;
}

// ---------------------------------------------------------------------------------------------
// Scan gate
// ---------------------------------------------------------------------------------------------

export type GateDecision = { pass: true; note: string } | { pass: false; reason: string };

/**
 * The ECR scan gate: refuses CRITICAL findings unless allowed, and refuses when findings could not be
 * read at all (fail closed).
 */
export function scanGate(findings: ScanFindings | Error, options: { allowCritical: boolean }): GateDecision {
  if (findings instanceof Error) {
    return { pass: false, reason: `the image's scan findings cannot be read, and the scan gate is on, so it fails closed: ${findings.message}` };
  }
  const counts = Object.entries(findings.counts)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(", ");
  const critical = findings.counts.CRITICAL ?? 0;
  if (critical > 0 && !options.allowCritical) {
    return { pass: false, reason: `the image has ${critical} CRITICAL finding${critical > 1 ? "s" : ""} (${counts}); fix them, or pass --allow-critical to promote anyway` };
  }
  return { pass: true, note: `scan findings over ${findings.images} platform image(s): ${counts || "none"}${critical > 0 ? " (CRITICAL allowed by --allow-critical)" : ""}` };
}

// ---------------------------------------------------------------------------------------------
// Outcomes
// ---------------------------------------------------------------------------------------------

export type Outcome =
  /** The new image is deployed. */
  | "deployed"
  /** The stack already ran this image; nothing was done. */
  | "unchanged"
  /** The update failed and the previous image was deployed again. */
  | "failed-restored"
  /** The update failed and was not restored (asked not to, or there was no previous image). */
  | "failed"
  /** The update failed and restoring the previous image failed too. */
  | "restore-failed";

export function exitCodeFor(outcome: Outcome): ExitCode {
  switch (outcome) {
    case "deployed":
    case "unchanged":
      return EXIT.ok;
    case "failed-restored":
      return EXIT.failedRestored;
    case "failed":
    case "restore-failed":
      return EXIT.notRestored;
  }
}
