/**
 * Ferry's image tag scheme, one place for every component and the automation to agree on:
 *   build tags     `build-<commit>[-<target>][-<platform>]`  immutable: one per commit, never moved
 *   cache tags     `cache-<target>-<platform>`              mutable: BuildKit overwrites them per build
 *   release tags   `release-<stack>-<generation>`           immutable: written by promotion
 *   stack pointers `stack-<stack>`                           mutable: what a stack runs now
 */

export type Platform = "linux/amd64" | "linux/arm64";
export const PLATFORMS: readonly Platform[] = ["linux/amd64", "linux/arm64"];

export const BUILD_PREFIX = "build-";
export const CACHE_PREFIX = "cache-";
export const RELEASE_PREFIX = "release-";
export const POINTER_PREFIX = "stack-";

/** Tags matching these wildcards stay mutable under IMMUTABLE_WITH_EXCLUSION. */
export const MUTABLE_TAG_FILTERS = [`${CACHE_PREFIX}*`, `${POINTER_PREFIX}*`];

const arch = (p: Platform) => p.split("/")[1];
const suffix = (target?: string) => (target ? `-${target}` : "");

export function buildTag(commit: string, target?: string, platform?: Platform): string {
  return `${BUILD_PREFIX}${commit}${suffix(target)}${platform ? `-${arch(platform)}` : ""}`;
}

export function cacheTag(target: string | undefined, platform: Platform): string {
  return `${CACHE_PREFIX}${target ?? "final"}-${arch(platform)}`;
}

export function releaseTagPrefix(stack: string): string {
  return `${RELEASE_PREFIX}${stack}-`;
}

export function releaseTag(stack: string, generation: number): string {
  return `${releaseTagPrefix(stack)}${generation}`;
}

/** `<repositoryUrl>@sha256:<hex>` from a pushed reference such as `repo:tag@sha256:<hex>` or a bare digest. */
export function pinByDigest(repositoryUrl: string, refOrDigest: string): string {
  const m = /sha256:[a-f0-9]{64}$/.exec(refOrDigest);
  if (!m) throw new Error(`not a digest-pinned reference: ${refOrDigest}`);
  return `${repositoryUrl}@${m[0]}`;
}
