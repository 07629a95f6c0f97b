/**
 * Small typed readers over untyped config values. Each reader records a problem (full key, value
 * given, what is allowed) instead of throwing, so one run reports every problem at once.
 */

export interface ConfigProblem {
  /** Full config key, e.g. `ferry:services.web.memory`. */
  key: string;
  /** The value given, rendered for humans (`[secret]` for secret keys, `(missing)` when absent). */
  given: string;
  /** What is allowed instead. */
  allowed: string;
}

export class ConfigError extends Error {
  /** A refusal: nothing was declared (the CLI's exit code 2, lib/exitCodes.ts). */
  readonly exitCode = 2;
  /** @param what whose config it is, as the message names it ("Ferry", "network"). */
  constructor(readonly problems: ConfigProblem[], what = "Ferry") {
    super(
      `invalid ${what} config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  ${formatProblem(p)}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.key}: got ${p.given}; ${p.allowed}`;
}

export class Reader {
  readonly problems: ConfigProblem[] = [];

  /** @param secretRoots top-level keys whose values are secret and must never be echoed. */
  constructor(private readonly secretRoots: ReadonlySet<string> = new Set()) {}

  report(key: string, value: unknown, allowed: string): void {
    this.problems.push({ key, given: this.show(key, value), allowed });
  }

  /** A problem with a value that must not be echoed (a credential given in plain text). */
  reportHidden(key: string, allowed: string): void {
    this.reportDescribed(key, "(plain text, not shown)", allowed);
  }

  /** A problem with what the settings add up to, described rather than echoed. */
  reportDescribed(key: string, given: string, allowed: string): void {
    this.problems.push({ key, given, allowed });
  }

  /** Whether the key's top-level value is a Pulumi secret. */
  isSecret(key: string): boolean {
    return this.secretRoots.has(key.split(".")[0]);
  }

  private show(key: string, value: unknown): string {
    if (value === undefined) return "(missing)";
    const root = key.split(".")[0];
    if (this.secretRoots.has(root)) return "[secret]";
    // Top-level scalars arrive as text; show numbers and booleans as the user wrote them.
    const plain = typeof value === "string" && /^(-?\d+(\.\d+)?|true|false)$/.test(value);
    const text = plain ? (value as string) : (JSON.stringify(value) ?? String(value));
    return text.length > 200 ? `${text.slice(0, 197)}...` : text;
  }

  string(key: string, value: unknown, opts: { pattern?: RegExp; describe?: string } = {}): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== "string" || value.length === 0) {
      this.report(key, value, opts.describe ?? "a non-empty string");
      return undefined;
    }
    if (opts.pattern && !opts.pattern.test(value)) {
      this.report(key, value, opts.describe ?? `a string matching ${opts.pattern}`);
      return undefined;
    }
    return value;
  }

  oneOf<T extends string>(key: string, value: unknown, allowed: readonly T[]): T | undefined {
    if (value === undefined) return undefined;
    if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
    this.report(key, value, `one of ${allowed.map((a) => `"${a}"`).join(", ")}`);
    return undefined;
  }

  /** Integers arrive as numbers from structured config and as strings from top-level keys. */
  integer(key: string, value: unknown, min: number, max: number): number | undefined {
    if (value === undefined) return undefined;
    const n = typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
      this.report(key, value, `an integer from ${min} to ${max}`);
      return undefined;
    }
    return n;
  }

  /** Any number (decimals allowed) from min to max. */
  number(key: string, value: unknown, min: number, max: number): number | undefined {
    if (value === undefined) return undefined;
    const n = typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
    if (typeof n !== "number" || !Number.isFinite(n) || n < min || n > max) {
      this.report(key, value, `a number from ${min} to ${max}`);
      return undefined;
    }
    return n;
  }

  boolean(key: string, value: unknown): boolean | undefined {
    if (value === undefined) return undefined;
    if (value === true || value === "true") return true;
    if (value === false || value === "false") return false;
    this.report(key, value, "true or false");
    return undefined;
  }

  /**
   * An object whose keys are all known. Unknown keys are reported by name (with the closest known key
   * as a suggestion), so a typo is never silently ignored.
   */
  object(key: string, value: unknown, known: readonly string[]): Record<string, unknown> | undefined {
    if (value === undefined) return undefined;
    const obj = this.anyObject(key, value);
    if (!obj) return undefined;
    for (const k of Object.keys(obj)) {
      if (!known.includes(k)) this.unknownKey(`${key}.${k}`, obj[k], known);
    }
    return obj;
  }

  /** An object with free-form keys (a map), values unchecked here. */
  anyObject(key: string, value: unknown): Record<string, unknown> | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.report(key, value, "an object (a YAML mapping)");
      return undefined;
    }
    return value as Record<string, unknown>;
  }

  list(key: string, value: unknown): unknown[] | undefined {
    if (value === undefined) return undefined;
    if (!Array.isArray(value)) {
      this.report(key, value, "a list");
      return undefined;
    }
    return value;
  }

  unknownKey(key: string, value: unknown, known: readonly string[]): void {
    const name = key.slice(key.lastIndexOf(".") + 1).replace(/^[a-z][a-z0-9-]*:/, "");
    const guess = closest(name, known);
    this.report(
      key,
      value,
      `unknown key${guess ? ` (did you mean "${guess}"?)` : ""}; known keys: ${known.join(", ")}`,
    );
  }
}

/** The known name within edit distance 2 of `name`, if any. */
function closest(name: string, known: readonly string[]): string | undefined {
  let best: { k: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d <= 2 && (!best || d < best.d)) best = { k, d };
  }
  return best?.k;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}
