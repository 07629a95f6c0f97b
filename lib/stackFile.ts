/**
 * Editing one value of a stack file (`Pulumi.<stack>.yaml`) the way a reviewer wants to see it in a
 * diff: that value's text changes, every other byte stays (comments, order, quoting, the CLI's
 * `encryptionsalt`). Pure: text in, text out; the result is parsed back and checked.
 */
import { isMap, isScalar, parseDocument, Scalar } from "yaml";

/** A scalar as YAML text: plain where YAML reads it back as the same string, double-quoted otherwise. */
function scalarText(value: string): string {
  const plain = /^[A-Za-z0-9_./@:+-]+$/.test(value) && !/^(true|false|null|yes|no|on|off|~|[-+]?[\d.]+(e[-+]?\d+)?)$/i.test(value) && !value.includes(": ");
  return plain ? value : JSON.stringify(value);
}

function configOf(text: string): Record<string, unknown> {
  const doc = parseDocument(text);
  if (doc.errors.length) throw new Error(`not valid YAML: ${doc.errors[0].message}`);
  return ((doc.toJS() ?? {}) as { config?: Record<string, unknown> }).config ?? {};
}

/**
 * The stack file with `config.<key>` set to `value` (a string). Only that value's text changes; a
 * missing key is added as the first entry under `config:`.
 */
export function setStackValue(text: string, key: string, value: string): string {
  const doc = parseDocument(text, { keepSourceTokens: true });
  if (doc.errors.length) throw new Error(`the stack file is not valid YAML: ${doc.errors[0].message}`);
  const config = isMap(doc.contents) ? doc.contents.get("config", true) : undefined;
  let out: string;
  if (isMap(config)) {
    const node = config.get(key, true);
    if (isScalar(node) && node.range) {
      const [start, end] = node.range;
      // Keep the value's quoting style.
      const written = node.type === "QUOTE_DOUBLE" ? JSON.stringify(value) : node.type === "QUOTE_SINGLE" ? `'${value.replace(/'/g, "''")}'` : scalarText(value);
      out = text.slice(0, start) + written + text.slice(end);
    } else if (node === undefined) {
      const first = config.items[0];
      const at = first && isScalar(first.key) && (first.key as Scalar).range ? (first.key as Scalar).range![0] : undefined;
      if (at === undefined) throw new Error("config: has no entries to take the indentation from");
      const lineStart = text.lastIndexOf("\n", at - 1) + 1;
      const indent = text.slice(lineStart, at);
      out = `${text.slice(0, lineStart)}${indent}${key}: ${scalarText(value)}\n${text.slice(lineStart)}`;
    } else {
      throw new Error(`config.${key} is not a single value`);
    }
  } else if (config === undefined || config === null) {
    const sep = text === "" || text.endsWith("\n") ? "" : "\n";
    out = `${text}${sep}config:\n  ${key}: ${scalarText(value)}\n`;
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
