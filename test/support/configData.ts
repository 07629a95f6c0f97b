/** Stack config as structured data for config tests, and the problems parseConfig reports for it. */
import { expect } from "chai";
import { ConfigError, parseConfig } from "../../config";

export const DIGEST = "a".repeat(64);
export const REF = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ferry@sha256:${DIGEST}`;

/** Sets `a.b.c` in a nested object (creating objects on the way); `undefined` deletes. */
export function setPath(obj: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const parts = path.split(".");
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    if (typeof cur[p] !== "object" || cur[p] === null) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1];
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return obj;
}

/** Flat config map as Pulumi hands it to the program (`ferry:` keys unless namespaced; undefined left out). */
export function flat(data: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(data)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k.includes(":") ? k : `ferry:${k}`, typeof v === "object" ? JSON.stringify(v) : String(v)]),
  );
}

/** Every problem parseConfig reports, as `key: got value; allowed`; [] when the config is valid. */
export function problemsFor(data: Record<string, unknown>, secretKeys: string[] = [], stack = "test"): string[] {
  try {
    parseConfig(stack, flat(data), secretKeys);
    return [];
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => `${p.key}: got ${p.given}; ${p.allowed}`);
  }
}
