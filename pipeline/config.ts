/**
 * `pipeline:*` config → PipelineSettings. Pure: the flat config map Pulumi hands the program in, data
 * or one ConfigError naming every problem out (the same contract as `ferry:*` and `network:*`).
 */
import { ConfigError, Reader } from "../config/reader";
import { readNamespace } from "../config/validate";

export const NAMESPACE = "pipeline";
export const KEYS = ["organization", "repository", "branch", "stacks", "driftSchedule"] as const;

/** The stacks Pulumi Deployments runs: the network's and Ferry's. */
export const STACKS = ["network/staging", "network/prod", "ferry/dev", "ferry/staging", "ferry/prod"] as const;
export type StackId = (typeof STACKS)[number];

/** A Pulumi organization name, as the Pulumi Cloud console allows it. */
const ORGANIZATION = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** GitHub `owner/name`: an owner of letters, digits and single hyphens; a name of letters, digits, `.`, `_`, `-`. */
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\/[A-Za-z0-9._-]{1,100}$/;
/** A git branch name (the subset `git check-ref-format --branch` accepts that deployments use). */
const BRANCH = /^(?!\/|.*(?:\/\/|\.\.|@\{|\/$|\.lock$|\.$))[A-Za-z0-9._\/-]+$/;
/** An IAM managed policy: an AWS one (`iam::aws:`) or the account's own. */
const POLICY_ARN = /^arn:aws[a-z-]*:iam::(?:\d{12}|aws):policy\/[\w+=,.@\/-]{1,512}$/;
/** Five cron fields (minute hour day month weekday), as Pulumi Cloud's schedules take them. */
const CRON = /^(\S+\s+){4}\S+$/;

export interface StackSettings {
  /** Managed policies of the account's own, attached besides the generated least-privilege ones. */
  policyArns: string[];
}

export interface PipelineSettings {
  organization: string;
  repository: string;
  branch: string;
  stacks: Record<StackId, StackSettings>;
  /** When prod's drift detection runs. */
  driftSchedule: string;
}

export const DEFAULTS = { branch: "main", driftSchedule: "0 */6 * * *" } as const;

export function parsePipelineConfig(raw: Record<string, string>): PipelineSettings {
  const r = new Reader();
  const prefix = `${NAMESPACE}:`;
  const given = readNamespace(r, raw, NAMESPACE, KEYS);
  const k = (key: string) => `${prefix}${key}`;
  const required = (key: string, pattern: RegExp, describe: string) => {
    if (!given.has(key)) r.report(k(key), undefined, describe);
    return r.string(k(key), given.get(key), { pattern, describe }) ?? "";
  };
  const organization = required("organization", ORGANIZATION, "your Pulumi organization's name");
  const repository = required("repository", REPOSITORY, "the GitHub repository as owner/name");
  const branch = given.has("branch") ? (r.string(k("branch"), given.get("branch"), { pattern: BRANCH, describe: "a git branch name, e.g. main" }) ?? DEFAULTS.branch) : DEFAULTS.branch;
  const driftSchedule = given.has("driftSchedule")
    ? (r.string(k("driftSchedule"), given.get("driftSchedule"), { pattern: CRON, describe: "a cron expression of five fields, e.g. 0 */6 * * *" }) ?? DEFAULTS.driftSchedule)
    : DEFAULTS.driftSchedule;

  // Every stack Deployments runs; its role's permissions are generated (permissions.ts), and
  // `policyArns` adds managed policies of the account's own (e.g. to read a KMS key the stack uses).
  const stacks = {} as Record<StackId, StackSettings>;
  const o = r.object(k("stacks"), given.get("stacks"), STACKS) ?? {};
  const describe = "an IAM managed policy ARN (arn:aws:iam::<account or aws>:policy/<name>)";
  for (const id of STACKS) {
    const key = `${k("stacks")}.${id}`;
    if (given.has("stacks") && o[id] === undefined) r.report(key, undefined, "{} or { policyArns: [<more managed policies for this stack's deployments>] } (every stack is listed)");
    const s = r.object(key, o[id] ?? {}, ["policyArns"]) ?? {};
    const list = s.policyArns === undefined ? [] : (r.list(`${key}.policyArns`, s.policyArns) ?? []);
    stacks[id] = { policyArns: list.flatMap((a, i) => r.string(`${key}.policyArns[${i}]`, a, { pattern: POLICY_ARN, describe }) ?? []) };
  }
  if (r.problems.length) throw new ConfigError(r.problems, "pipeline");
  return { organization, repository, branch, stacks, driftSchedule };
}

