/**
 * The images a stack runs, one per Dockerfile target: `{ default: <ref>, worker: <ref> }`, each pinned
 * by digest. A stack whose services all run the default target runs a set of one, written as the
 * plain reference everywhere (`ferry:imageRef`, update messages), so single-image stacks look as they
 * always did; a larger set is `ferry:imageRefs` and, in messages, `default=<ref> worker=<ref>`.
 */

/** The key of the image built without a Dockerfile target (the last stage). */
export const DEFAULT_TARGET = "default";

export type ImageSet = Record<string, string>;

/** A Dockerfile stage name, or `default`. */
export const TARGET_KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** A reference pinned by digest (no whitespace, and no "=", which only separates a target from its image). */
const PINNED = /^[^\s=]+@sha256:[a-f0-9]{64}$/;

export function targetKey(target: string | undefined): string {
  return target ?? DEFAULT_TARGET;
}

/** Whether a set is one default image (written as the plain reference). */
export function isSingle(set: ImageSet): boolean {
  const keys = Object.keys(set);
  return keys.length === 1 && keys[0] === DEFAULT_TARGET;
}

/** The set as one line: the reference alone for a single default image, else `key=ref` pairs in key order. */
export function imageSetText(set: ImageSet): string {
  if (isSingle(set)) return set[DEFAULT_TARGET];
  return Object.keys(set).sort().map((k) => `${k}=${set[k]}`).join(" ");
}

/** Reads `imageSetText` back; throws naming what is wrong. */
export function parseImageSet(text: string): ImageSet {
  const parts = text.trim().split(/\s+/);
  if (parts.length === 1 && !parts[0].includes("=")) {
    if (!PINNED.test(parts[0])) throw new Error(`${JSON.stringify(text)} is not an image pinned by digest (<repository>@sha256:<64 hex>)`);
    return { [DEFAULT_TARGET]: parts[0] };
  }
  const set: ImageSet = {};
  for (const part of parts) {
    const eq = part.indexOf("=");
    const [key, ref] = [part.slice(0, eq), part.slice(eq + 1)];
    if (eq < 1 || !TARGET_KEY.test(key)) throw new Error(`${JSON.stringify(part)} is not <target>=<image pinned by digest>`);
    if (!PINNED.test(ref)) throw new Error(`the image of target "${key}" is ${JSON.stringify(ref)}, not pinned by digest (<repository>@sha256:<64 hex>)`);
    if (set[key] !== undefined) throw new Error(`target "${key}" appears twice`);
    set[key] = ref;
  }
  return set;
}

/** The digests of a set in the same shape (what identifies a release, whatever repository names it). */
export function digestText(set: ImageSet): string {
  const digestOf = (ref: string) => ref.slice(ref.lastIndexOf("@") + 1);
  return imageSetText(Object.fromEntries(Object.entries(set).map(([k, v]) => [k, digestOf(v)])));
}

/** The distinct digests an image set pins (`sha256:…`), in the set's order. */
export function digestsOf(set: ImageSet): string[] {
  return [...new Set(Object.values(set).map((ref) => ref.slice(ref.indexOf("@") + 1)))];
}
