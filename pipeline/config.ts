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
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]{1,512}$/;
/** Five cron fields (minute hour day month weekday), as Pulumi Cloud's schedules take them. */
const CRON = /^(\S+\s+){4}\S+$/;

export interface StackSettings {
  /** The IAM role Deployments assumes through OIDC for this stack. */
  roleArn: string;
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

  const stacks = {} as Record<StackId, StackSettings>;
  const o = r.object(k("stacks"), given.get("stacks"), STACKS) ?? {};
  if (!given.has("stacks")) r.report(k("stacks"), undefined, `a map of ${STACKS.join(", ")} to { roleArn }`);
  for (const id of STACKS) {
    const key = `${k("stacks")}.${id}`;
    if (given.has("stacks") && o[id] === undefined) r.report(key, undefined, "{ roleArn: <the IAM role Pulumi Deployments assumes for this stack> }");
    const s = r.object(key, o[id], ["roleArn"]) ?? {};
    const roleArn = o[id] === undefined ? "" : (r.string(`${key}.roleArn`, s.roleArn, { pattern: ROLE_ARN, describe: "an IAM role ARN (arn:aws:iam::<account>:role/<name>)" }) ?? "");
    if (o[id] !== undefined && s.roleArn === undefined) r.report(`${key}.roleArn`, undefined, "an IAM role ARN (arn:aws:iam::<account>:role/<name>)");
    stacks[id] = { roleArn };
  }
  if (r.problems.length) throw new ConfigError(r.problems, "pipeline");
  return { organization, repository, branch, stacks, driftSchedule };
}
