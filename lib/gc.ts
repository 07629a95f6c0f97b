/**
 * What `ferry gc` may delete from the image repository, decided from data: the repository's images and
 * everything that refers to them. Rollback-safe and stack-aware: an image goes only when no stack runs
 * it, no kept generation of any stack is it, no ACTIVE task definition or running task uses it, and no
 * kept multi-arch index references it (a kept index keeps its platform images and attestations, which
 * may be untagged: ECR's lifecycle rules cannot see that, see lib/lifecycle.ts). Cache tags are kept:
 * the lifecycle policy expires them by age. Pure: the adapters read ECR, ECS and the stacks.
 */
import { RepositoryId, repositoryUrl } from "./ecrRepository";
import { CACHE_PREFIX } from "./imageTags";

/** One manifest in the repository, as ECR describes it. */
export interface RepositoryImage {
  digest: string;
  tags: string[];
  /** ISO time ECR received it. */
  pushedAt: string;
  /** For a multi-arch index (or manifest list): the digests of the manifests it references. */
  children?: string[];
}

/** Something outside the stacks' records that uses images: an ACTIVE task definition, a running task. */
export interface Holder {
  /** What it is, in words: "ACTIVE task definition ferry-prod-web:12", "running task 0a1b… of ferry-prod". */
  what: string;
  digests: string[];
}

export interface GcInputs {
  images: RepositoryImage[];
  /** What each stack runs now: stack → digests of this repository. */
  running: Record<string, string[]>;
  /** Each stack's releases (generations), newest first. */
  releases: Record<string, { generation: number; digests: string[] }[]>;
  /** The newest generations kept per stack (what it runs is kept anyway). */
  keepGenerations: number;
  /** ACTIVE task definitions and running tasks that use an image of this repository. */
  inUse: Holder[];
}

export interface GcDecision {
  digest: string;
  tags: string[];
  /** Why it stays (every reason), or why it may go (one). */
  reasons: string[];
}

export interface GcPlan {
  keep: GcDecision[];
  remove: GcDecision[];
}

/** Refuses inputs that cannot be reasoned about safely. */
export function gcInputProblems(i: GcInputs): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(i.keepGenerations) || i.keepGenerations < 0) problems.push(`keepGenerations must be a whole number of at least 0, not ${i.keepGenerations}`);
  const seen = new Set<string>();
  for (const image of i.images) {
    if (!/^sha256:[a-f0-9]{64}$/.test(image.digest)) problems.push(`${JSON.stringify(image.digest)} is not an image digest (sha256:<64 hex>)`);
    if (seen.has(image.digest)) problems.push(`${image.digest} is listed twice`);
    seen.add(image.digest);
  }
  return problems;
}

export function planGc(i: GcInputs): GcPlan {
  const problems = gcInputProblems(i);
  if (problems.length) throw new Error(`cannot plan a cleanup: ${problems.join("; ")}`);
  const reasons = new Map<string, string[]>(i.images.map((img) => [img.digest, []]));
  const hold = (digest: string, why: string) => reasons.get(digest)?.push(why);

  for (const [stack, digests] of Object.entries(i.running)) for (const d of digests) hold(d, `${stack} runs it`);
  for (const h of i.inUse) for (const d of h.digests) hold(d, h.what);
  for (const [stack, releases] of Object.entries(i.releases)) {
    for (const r of releases.slice(0, i.keepGenerations)) for (const d of r.digests) hold(d, `generation ${r.generation} of ${stack} (the newest ${i.keepGenerations} are kept)`);
  }
  for (const img of i.images) {
    if (img.tags.some((t) => t.startsWith(CACHE_PREFIX))) hold(img.digest, "a build cache (expired by age, by the lifecycle policy)");
  }
  // A kept index keeps what it references, through nested indexes too.
  const byDigest = new Map(i.images.map((img) => [img.digest, img]));
  const queue = i.images.filter((img) => reasons.get(img.digest)!.length > 0).map((img) => img.digest);
  for (let parent = queue.shift(); parent !== undefined; parent = queue.shift()) {
    for (const child of byDigest.get(parent)?.children ?? []) {
      const r = reasons.get(child);
      if (!r) continue;
      const why = `part of kept index ${short(parent)}`;
      if (!r.includes(why)) {
        const first = r.length === 0;
        r.push(why);
        if (first) queue.push(child);
      }
    }
  }

  const plan: GcPlan = { keep: [], remove: [] };
  for (const img of [...i.images].sort((a, b) => a.pushedAt.localeCompare(b.pushedAt) || a.digest.localeCompare(b.digest))) {
    const r = reasons.get(img.digest)!;
    if (r.length) plan.keep.push({ digest: img.digest, tags: img.tags, reasons: r });
    else plan.remove.push({ digest: img.digest, tags: img.tags, reasons: [whyUnused(img, i)] });
  }
  return plan;
}

function whyUnused(img: RepositoryImage, i: GcInputs): string {
  const release = Object.entries(i.releases).flatMap(([stack, rs]) => rs.filter((r) => r.digests.includes(img.digest)).map((r) => `generation ${r.generation} of ${stack}`));
  if (release.length) return `${release.join(", ")}: older than the generations kept, and nothing runs it`;
  if (img.tags.length === 0) return "untagged, and no kept index references it";
  return "no stack runs it, no kept generation is it, no task uses it";
}

const short = (digest: string) => digest.replace(/^sha256:/, "").slice(0, 12);

/**
 * The digests of `repository`'s images that container image references name — as task definitions
 * and tasks write them: `<url>@sha256:…`, `<url>:<tag>` (resolved by the repository's tags now) or
 * `<url>` (the tag `latest`). References to other repositories are left out; a tag no image has
 * names nothing.
 */
export function digestsUsed(refs: string[], repository: RepositoryId, images: RepositoryImage[]): string[] {
  const url = repositoryUrl(repository);
  const byTag = new Map(images.flatMap((img) => img.tags.map((t) => [t, img.digest] as const)));
  const out = new Set<string>();
  for (const ref of refs) {
    if (!ref.startsWith(url)) continue;
    const rest = ref.slice(url.length);
    const pinned = /^(?::[\w][\w.-]*)?@(sha256:[a-f0-9]{64})$/.exec(rest);
    if (pinned) out.add(pinned[1]);
    else if (rest === "" || /^:[\w][\w.-]*$/.test(rest)) {
      const d = byTag.get(rest === "" ? "latest" : rest.slice(1));
      if (d) out.add(d);
    }
  }
  return [...out];
}
