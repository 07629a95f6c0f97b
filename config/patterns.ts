/** Patterns and small readers shared by the config sections. */
import { Reader } from "./reader";

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const SECRET_ARN = /^arn:aws[a-z-]*:(ssm:[a-z0-9-]+:\d{12}:parameter\/.+|secretsmanager:[a-z0-9-]+:\d{12}:secret:.+)$/;

/** A map of names (matching `keyPattern`) to scalar values, returned as strings. */
export function readStringMap(r: Reader, key: string, value: unknown, keyPattern: RegExp): Record<string, string> {
  const o = r.anyObject(key, value) ?? {};
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(o)) {
    if (!keyPattern.test(name)) {
      r.report(`${key}.${name}`, name, `a name matching ${keyPattern}`);
      continue;
    }
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[name] = String(v);
    else r.report(`${key}.${name}`, v, "a string, number or boolean");
  }
  return out;
}
