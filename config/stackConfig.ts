/**
 * A stack's config as the Pulumi CLI would hand it to the program: Pulumi.yaml's project-level
 * defaults, overlaid by `Pulumi.<stack>.yaml` (or any file in that format). Structured values become
 * JSON text, as the CLI passes them. Encrypted (`secure:`) values cannot be read offline: they are
 * kept as secret keys with a placeholder value.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export interface StackConfig {
  /** `<namespace>:<key>` → value text. */
  values: Record<string, string>;
  /** Keys whose values are secret. */
  secretKeys: string[];
}

export class StackNotFoundError extends Error {
  constructor(readonly stack: string, readonly known: string[]) {
    super(`no stack named "${stack}": this project has ${known.length ? known.map((s) => `"${s}"`).join(", ") : "no stack files"} (Pulumi.<stack>.yaml)`);
    this.name = "StackNotFoundError";
  }
}

export const SECRET_PLACEHOLDER = "[secret]";

/** Stack names that have a `Pulumi.<stack>.yaml` in the project directory. */
export function knownStacks(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

export function stackConfigFile(dir: string, stack: string): string {
  const file = ["yaml", "yml"].map((ext) => path.join(dir, `Pulumi.${stack}.${ext}`)).find((f) => fs.existsSync(f));
  if (!file) throw new StackNotFoundError(stack, knownStacks(dir));
  return file;
}

/** Reads the project defaults and a stack file (default: the stack's own file). */
export function readStackConfig(dir: string, stack: string, configFile?: string): StackConfig {
  const file = configFile ?? stackConfigFile(dir, stack);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`cannot read stack config ${file}: ${(err as Error).message}`);
  }
  return stackConfigFromText(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"), text, file);
}

/** The same from the texts of Pulumi.yaml and a stack file. */
export function stackConfigFromText(projectText: string, stackText: string, stackFileName = "the stack file"): StackConfig {
  const projectDoc = parse(projectText) ?? {};
  const project = { name: String(projectDoc.name), config: (projectDoc.config ?? {}) as Record<string, unknown> };
  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  const qualify = (key: string) => (key.includes(":") ? key : `${project.name}:${key}`);

  for (const [key, decl] of Object.entries(project.config)) {
    // Project-level entries are either a schema ({ type, default, ... }) or { value }, or a bare value.
    const isDecl = typeof decl === "object" && decl !== null && !Array.isArray(decl);
    const d = decl as Record<string, unknown>;
    const value = !isDecl ? decl : "value" in d ? d.value : d.default;
    if (value !== undefined) values[qualify(key)] = encode(value);
  }

  let doc: { config?: Record<string, unknown> };
  try {
    doc = parse(stackText) ?? {};
  } catch (err) {
    throw new Error(`cannot read stack config ${stackFileName}: ${(err as Error).message}`);
  }
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    const full = qualify(key);
    if (isSecure(value) || containsSecure(value)) secretKeys.add(full);
    values[full] = isSecure(value) ? SECRET_PLACEHOLDER : encode(value);
  }
  return { values, secretKeys: [...secretKeys] };
}

function encode(value: unknown): string {
  return typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
}

function isSecure(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && "secure" in v;
}

function containsSecure(v: unknown): boolean {
  if (typeof v !== "object" || v === null) return false;
  return isSecure(v) || Object.values(v).some(containsSecure);
}
