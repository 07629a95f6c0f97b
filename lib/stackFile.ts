/**
 * Editing one value of a stack file (`Pulumi.<stack>.yaml`) the way a reviewer wants to see it in a
 * diff: that value's text changes, every other byte stays (comments, order, quoting, the CLI's
 * `encryptionsalt`). Pure: text in, text out; the result is parsed back and checked.
 */
import { isMap, isScalar, parse, parseDocument, Scalar } from "yaml";
import { ImageSet, isSingle, DEFAULT_TARGET } from "./imageSet";

/** A scalar as YAML text: plain where YAML reads it back as the same string, double-quoted otherwise. */
function scalarText(value: string): string {
  // Plain scalars must not start with an indicator ("-", ":", "@"…) nor read as a boolean, null or number.
  const plain = /^[A-Za-z0-9_./][A-Za-z0-9_./@:+-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|[\d.]+(e[-+]?\d+)?)$/i.test(value) && !value.includes(": ");
  return plain ? value : JSON.stringify(value);
}

function configOf(text: string): Record<string, unknown> {
  const doc = parseDocument(text);
  if (doc.errors.length) throw new Error(`not valid YAML: ${doc.errors[0].message}`);
  return ((doc.toJS() ?? {}) as { config?: Record<string, unknown> }).config ?? {};
}

/** A value as YAML text: a scalar as above; a map of strings on one line, in flow style. */
function valueText(value: string | Record<string, string>): string {
  if (typeof value === "string") return scalarText(value);
  return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(", ")}}`;
}

/**
 * The stack file without `config.<key>`: its lines go, every other byte stays. A missing key
 * changes nothing.
 */
export function removeStackValue(text: string, key: string): string {
  const doc = parseDocument(text, { keepSourceTokens: true });
  if (doc.errors.length) throw new Error(`the stack file is not valid YAML: ${doc.errors[0].message}`);
  const config = isMap(doc.contents) ? doc.contents.get("config", true) : undefined;
  if (!isMap(config)) return text;
  const pair = config.items.find((p) => isScalar(p.key) && (p.key as Scalar).value === key);
  if (!pair) return text;
  const keyStart = (pair.key as Scalar).range![0];
  const valueEnd = (pair.value as { range?: [number, number, number] } | null)?.range?.[2] ?? (pair.key as Scalar).range![2];
  const lineStart = text.lastIndexOf("\n", keyStart - 1) + 1;
  const lineEnd = text.indexOf("\n", valueEnd - 1);
  const out = text.slice(0, lineStart) + (lineEnd === -1 ? "" : text.slice(lineEnd + 1));
  const expected = { ...configOf(text) };
  delete expected[key];
  if (JSON.stringify(sortKeys(configOf(out))) !== JSON.stringify(sortKeys(expected))) {
    throw new Error(`removing config.${key} would change other values of the stack file`);
  }
  return out;
}

/**
 * The stack file with `config.<key>` set to `value` (a string, or a map of strings). Only that value's
 * text changes; a missing key is added as the first entry under `config:`.
 */
export function setStackValue(text: string, key: string, value: string | Record<string, string>): string {
  const doc = parseDocument(text, { keepSourceTokens: true });
  if (doc.errors.length) throw new Error(`the stack file is not valid YAML: ${doc.errors[0].message}`);
  const config = isMap(doc.contents) ? doc.contents.get("config", true) : undefined;
  let out: string;
  const configPair = isMap(doc.contents) ? doc.contents.items.find((p) => isScalar(p.key) && p.key.value === "config") : undefined;
  const emptyConfig = (isMap(config) && config.items.length === 0) || (isScalar(config) && config.value === null);
  if (emptyConfig && configPair && isScalar(configPair.key) && configPair.key.range) {
    // `config:` or `config: {}`: the first entry turns it into a block mapping.
    const start = configPair.key.range[0];
    const end = (config as Scalar).range?.[1] ?? configPair.key.range[2];
    const rest = text.slice(end).replace(/^[^\S\n]*\n?/, "");
    out = `${text.slice(0, start)}config:\n  ${key}: ${valueText(value)}\n${rest}`;
  } else if (isMap(config)) {
    const node = config.get(key, true);
    if (isScalar(node) && node.range && typeof value === "string") {
      const [start, end] = node.range;
      // Keep the value's quoting style.
      const written = node.type === "QUOTE_DOUBLE" ? JSON.stringify(value) : node.type === "QUOTE_SINGLE" ? `'${value.replace(/'/g, "''")}'` : scalarText(value);
      out = text.slice(0, start) + written + text.slice(end);
    } else if (node && typeof value !== "string" && (isMap(node) || isScalar(node)) && node.range) {
      // The new value goes on the key's line, right after its colon, whatever form the old one had.
      const pair = config.items.find((p) => isScalar(p.key) && p.key.value === key)!;
      const colon = text.indexOf(":", (pair.key as Scalar).range![1]);
      const end = node.range[1];
      // A block mapping's range takes its last line break with it; keep that break.
      const keepBreak = text.slice(colon, end).endsWith("\n") ? "\n" : "";
      out = `${text.slice(0, colon)}: ${valueText(value)}${keepBreak}${text.slice(end)}`;
    } else if (node === undefined) {
      const first = config.items[0];
      const at = first && isScalar(first.key) && (first.key as Scalar).range ? (first.key as Scalar).range![0] : undefined;
      if (at === undefined) throw new Error("config: has no entries to take the indentation from");
      const lineStart = text.lastIndexOf("\n", at - 1) + 1;
      const indent = text.slice(lineStart, at);
      out = `${text.slice(0, lineStart)}${indent}${key}: ${valueText(value)}\n${text.slice(lineStart)}`;
    } else {
      throw new Error(`config.${key} is not a single value`);
    }
  } else if (config === undefined || config === null) {
    const sep = text === "" || text.endsWith("\n") ? "" : "\n";
    out = `${text}${sep}config:\n  ${key}: ${valueText(value)}\n`;
  } else {
    throw new Error("config: is not a mapping");
  }

  // The edit must read back as exactly one changed value.
  const before = configOf(text);
  const after = configOf(out);
  const expected = { ...before, [key]: value };
  if (JSON.stringify(sortKeys(after)) !== JSON.stringify(sortKeys(expected))) {
    throw new Error(`editing config.${key} would change other values of the stack file`);
  }
  return out;
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}

/**
 * The stack file pinning a set of images: one default image as `ferry:imageRef`, several as one
 * `ferry:imageRefs` value (target → reference). When the form changes, the new key takes the old
 * one's place.
 */
export function setStackImages(text: string, set: ImageSet): string {
  const [key, other, value] = isSingle(set)
    ? ["ferry:imageRef", "ferry:imageRefs", set[DEFAULT_TARGET] as string | ImageSet]
    : ["ferry:imageRefs", "ferry:imageRef", set as string | ImageSet];
  const doc = parseDocument(text, { keepSourceTokens: true });
  const config = isMap(doc.contents) ? doc.contents.get("config", true) : undefined;
  const old = isMap(config) ? config.items.find((p) => isScalar(p.key) && (p.key as Scalar).value === other) : undefined;
  const valueRange = (old?.value as { range?: [number, number, number] } | null | undefined)?.range;
  if (!old || !isScalar(old.key) || !old.key.range || !valueRange) return setStackValue(text, key, value);
  // The new key and value take the old entry's place, from its key to the end of its value.
  const start = old.key.range[0];
  const end = valueRange[1];
  const keepBreak = isMap(old.value) && text.slice(start, end).endsWith("\n") ? "\n" : "";
  const out = `${text.slice(0, start)}${key}: ${valueText(value)}${keepBreak}${text.slice(end)}`;
  const expected: Record<string, unknown> = { ...configOf(text), [key]: value };
  delete expected[other];
  if (JSON.stringify(sortKeys(configOf(out))) !== JSON.stringify(sortKeys(expected))) {
    throw new Error(`replacing config.${other} with config.${key} would change other values of the stack file`);
  }
  return out;
}

/** Top-level keys the Pulumi CLI adds to a stack file for its secrets provider (`stack init`, first save). */
const SECRETS_PROVIDER_KEYS = ["encryptionsalt", "secretsprovider", "encryptedkey"];

/**
 * Whether `working` differs from `committed` only the way the Pulumi CLI rewrites a stack file on its
 * first save (`stack init` with passphrase secrets, `config set`): top-level config values written as
 * strings (`90` → `"90"`) and its secrets provider's keys added (`encryptionsalt: v1:…`); comments,
 * order and every other byte stay. Such a file says the same as its commit, so it does not block a
 * deploy. Any other difference, a comment included, is a change.
 */
export function cliRewriteOnly(committed: string, working: string): boolean {
  const added = (line: string) => {
    const key = /^([a-z]+):/.exec(line)?.[1];
    return key !== undefined && SECRETS_PROVIDER_KEYS.includes(key) && !new RegExp(`^${key}:`, "m").test(committed);
  };
  const before = committed.replace(/\n$/, "").split("\n");
  const after = working.replace(/\n$/, "").split("\n").filter((l) => !added(l));
  if (before.length !== after.length) return false;
  return before.every((line, i) => line === after[i] || sameScalarEntry(line, after[i]));
}

/** `  key: 90` and `  key: "90"`: one config entry (indented two spaces), the same value as text. */
function sameScalarEntry(a: string, b: string): boolean {
  const entry = /^ {2}([^\s#][^:]*:[^:\s]*):\s+(\S.*)$/;
  const [ma, mb] = [entry.exec(a), entry.exec(b)];
  if (!ma || !mb || ma[1] !== mb[1]) return false;
  try {
    const [va, vb] = [parse(ma[2]), parse(mb[2])];
    return va !== null && vb !== null && typeof va !== "object" && typeof vb !== "object" && String(va) === String(vb);
  } catch {
    return false;
  }
}
