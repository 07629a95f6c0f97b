/**
 * `ferry gc`: rollback-safe cleanup of the image repository the stacks run from. Reads what every
 * stack of the project runs and has released (through Pulumi), the repository's images (ECR) and
 * what ECS still uses (ACTIVE task definitions, running tasks), lets lib/gc.ts decide, and — only
 * when asked to apply — deletes in batches, indexes before the platform images they referenced.
 * Any read that fails stops it before anything is deleted.
 */
import { parseRepository, RepositoryId, repositoryUrl } from "../lib/ecrRepository";
import { GcPlan, planGc } from "../lib/gc";
import type { ImageStorePort, RemoveResult } from "../aws/imageStore";
import type { ImageUsagePort } from "../aws/imageUsage";
import { RefusedError } from "./errors";
import type { Ports } from "./ports";
import { status } from "./status";

/** Generations kept per stack unless told otherwise (what a rollback can go back to). */
export const DEFAULT_KEEP_GENERATIONS = 5;

export interface GcRequest {
  /** Repository URL (or any image reference in it); default: the one repository the stacks run from. */
  repository?: string;
  /** Newest generations kept per stack. @default 5 */
  keepGenerations?: number;
  /** Delete; otherwise only say what would go. @default false */
  apply?: boolean;
}

export interface GcResult {
  repository: string;
  keepGenerations: number;
  plan: GcPlan;
  applied: boolean;
  deleted: string[];
  failures: RemoveResult["failures"];
}

export type GcPorts = Pick<Ports, "stacks" | "files"> & { images: ImageStorePort; usage: ImageUsagePort };

export async function gc(ports: GcPorts, req: GcRequest = {}): Promise<GcResult> {
  const keepGenerations = req.keepGenerations ?? DEFAULT_KEEP_GENERATIONS;
  if (!Number.isInteger(keepGenerations) || keepGenerations < 1) {
    throw new RefusedError(`keep must be a whole number of generations of at least 1 (a rollback needs one to go back to), not ${req.keepGenerations}`);
  }
  const stacks = await status(ports);
  const refsOf = (set: Record<string, string> | undefined) => Object.values(set ?? {});
  const repository = chooseRepository(req.repository, stacks.flatMap((s) => refsOf(s.images)));
  const inRepo = (refs: string[]) => refs.filter((r) => sameRepository(parseRepository(r), repository)).map((r) => r.slice(r.indexOf("@") + 1));

  const running: Record<string, string[]> = {};
  const releases: Record<string, { generation: number; digests: string[] }[]> = {};
  for (const s of stacks) {
    running[s.stack] = inRepo(refsOf(s.images));
    releases[s.stack] = s.releases.map((r) => ({ generation: r.generation, digests: inRepo(refsOf(r.images)) }));
  }
  const images = await ports.images.images(repository);
  const inUse = await ports.usage.holders(repository, images);
  const plan = planGc({ images, running, releases, keepGenerations, inUse });
  const result: GcResult = { repository: repositoryUrl(repository), keepGenerations, plan, applied: !!req.apply, deleted: [], failures: [] };
  if (!req.apply || plan.remove.length === 0) return result;

  const isIndex = new Set(images.filter((i) => i.children?.length).map((i) => i.digest));
  const removing = plan.remove.map((r) => r.digest);
  for (const batch of [removing.filter((d) => isIndex.has(d)), removing.filter((d) => !isIndex.has(d))]) {
    if (!batch.length) continue;
    const out = await ports.images.remove(repository, batch);
    result.deleted.push(...out.deleted);
    result.failures.push(...out.failures);
  }
  return result;
}

function sameRepository(a: RepositoryId | undefined, b: RepositoryId): boolean {
  return !!a && a.registryId === b.registryId && a.region === b.region && a.repositoryName === b.repositoryName;
}

function chooseRepository(named: string | undefined, refs: string[]): RepositoryId {
  if (named !== undefined) {
    const r = parseRepository(named);
    if (!r) throw new RefusedError(`repository ${JSON.stringify(named)} is not an ECR repository URL (<account>.dkr.ecr.<region>.amazonaws.com/<name>)`);
    return r;
  }
  const found = new Map<string, RepositoryId>();
  for (const ref of refs) {
    const r = parseRepository(ref);
    if (r) found.set(repositoryUrl(r), r);
  }
  if (found.size === 1) return [...found.values()][0];
  if (found.size === 0) throw new RefusedError("no stack of this project runs an image from Amazon ECR; name the repository with --repository");
  throw new RefusedError(`the stacks run images from ${found.size} repositories (${[...found.keys()].join(", ")}); name one with --repository`);
}
