/**
 * EventBridge's event-pattern matching, for the operators Ferry's rules use (Amazon EventBridge user
 * guide, "Event patterns" and "Content filtering"): a pattern's field names a list of values the
 * event's field must equal one of (an event array matches when any element does); nested objects
 * match nested fields; `prefix`, `anything-but` (a value, a list, or a prefix), `exists` and
 * `numeric` (with up to two comparisons) are content filters; `$or` is a list of patterns of which
 * one must match. A field the pattern names and the event lacks never matches, except `exists: false`.
 */
export type Pattern = Record<string, unknown>;
type Json = unknown;

export function matches(pattern: Pattern, event: Json): boolean {
  if (typeof event !== "object" || event === null || Array.isArray(event)) return false;
  const obj = event as Record<string, Json>;
  return Object.entries(pattern).every(([key, rule]) => {
    if (key === "$or") return (rule as Pattern[]).some((alt) => matches(alt, event));
    if (Array.isArray(rule)) return fieldMatches(rule, key in obj, obj[key]);
    if (typeof rule === "object" && rule !== null) return key in obj && matches(rule as Pattern, obj[key]);
    throw new Error(`pattern field ${key}: a list of values or a nested pattern, got ${JSON.stringify(rule)}`);
  });
}

function fieldMatches(filters: Json[], present: boolean, value: Json): boolean {
  const values = Array.isArray(value) ? value : [value];
  return filters.some((f) => {
    if (isFilter(f, "exists")) return f.exists === present;
    if (!present) return false;
    return values.some((v) => filterMatches(f, v));
  });
}

function isFilter<K extends string>(f: Json, key: K): f is Record<K, Json> {
  return typeof f === "object" && f !== null && !Array.isArray(f) && key in f;
}

function filterMatches(f: Json, v: Json): boolean {
  if (typeof f !== "object" || f === null) return f === v;
  if (isFilter(f, "prefix")) return typeof v === "string" && v.startsWith(String(f.prefix));
  if (isFilter(f, "anything-but")) {
    const but = f["anything-but"];
    if (isFilter(but, "prefix")) return typeof v === "string" && !v.startsWith(String(but.prefix));
    return !(Array.isArray(but) ? but : [but]).some((x) => x === v);
  }
  if (isFilter(f, "numeric")) {
    if (typeof v !== "number") return false;
    const ops = f.numeric as (string | number)[];
    for (let i = 0; i < ops.length; i += 2) if (!compare(v, String(ops[i]), Number(ops[i + 1]))) return false;
    return true;
  }
  throw new Error(`unsupported content filter ${JSON.stringify(f)}`);
}

function compare(v: number, op: string, n: number): boolean {
  switch (op) {
    case ">":
      return v > n;
    case ">=":
      return v >= n;
    case "<":
      return v < n;
    case "<=":
      return v <= n;
    case "=":
      return v === n;
    default:
      throw new Error(`unsupported numeric operator ${op}`);
  }
}
