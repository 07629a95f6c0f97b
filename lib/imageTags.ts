/**
 * Ferry's image tag scheme, the one place where builds, the lifecycle policy and promotion agree.
 * Prefixes are disjoint, so each lifecycle rule selects exactly one kind of image:
 *   build-<commit>[-<target>]                 immutable  the multi-arch index a build pushes
 *   <arch>-<commit>[-<target>]                immutable  each platform's image (amd64-…, arm64-…)
 *   cache-<target>-<arch>                     mutable    BuildKit registry cache, overwritten per build
 *   release-<stack>-<generation>[-<arch>]     immutable  written by promotion on the index and its platform images
 *   stack-<stack>                             mutable    what a stack runs now
 */

import { Platform } from "../config/types";

export { Platform, PLATFORMS } from "../config/types";

export const BUILD_PREFIX = "build-";
export const CACHE_PREFIX = "cache-";
export const RELEASE_PREFIX = "release-";
export const POINTER_PREFIX = "stack-";

/** Tags matching these wildcards stay mutable under IMMUTABLE_WITH_EXCLUSION. */
export const MUTABLE_TAG_FILTERS = [`${CACHE_PREFIX}*`, `${POINTER_PREFIX}*`];

export function arch(p: Platform): string {
  return p.split("/")[1];
}

const suffix = (target?: string) => (target ? `-${target}` : "");

/** Tag of the multi-arch index a build pushes. */
export function buildTag(commit: string, target?: string): string {
  return `${BUILD_PREFIX}${commit}${suffix(target)}`;
}

/** Tag of one platform's image of a build. */
export function platformTag(commit: string, target: string | undefined, platform: Platform): string {
  return `${arch(platform)}-${commit}${suffix(target)}`;
}

/** Registry cache tag of a target on a platform (`multi` for a single multi-platform build). */
export function cacheTag(target: string | undefined, platform: Platform | "multi"): string {
  return `${CACHE_PREFIX}${target ?? "final"}-${platform === "multi" ? "multi" : arch(platform)}`;
}

export function releaseTag(stack: string, generation: number, platform?: Platform): string {
  return `${RELEASE_PREFIX}${stack}-${generation}${platform ? `-${arch(platform)}` : ""}`;
}

export function pointerTag(stack: string): string {
  return `${POINTER_PREFIX}${stack}`;
}

/** `<repositoryUrl>@sha256:<hex>` from a pushed reference such as `repo:tag@sha256:<hex>` or a bare digest. */
export function pinByDigest(repositoryUrl: string, refOrDigest: string): string {
  const m = /sha256:[a-f0-9]{64}$/.exec(refOrDigest);
  if (!m) throw new Error(`not a digest-pinned reference: ${refOrDigest}`);
  return `${repositoryUrl}@${m[0]}`;
}
