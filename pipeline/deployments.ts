/**
 * What Pulumi Deployments does for each stack, decided from data (pure; pipeline/index.ts declares it):
 * - ferry/dev deploys on pushes to the branch that change what dev runs (the app, the program, its
 *   config, the lockfile), previews pull requests, and is the template of review stacks;
 * - ferry/staging and ferry/prod deploy only when their own stack file changes — the commit
 *   `ferry promote --commit --push` makes — so a plain push never deploys them;
 * - the network's stacks deploy when the network project or their own stack file changes;
 * - prod stacks are checked for drift on a schedule;
 * - every deployment installs with `npm ci` at the repository's root and runs from its project's
 *   folder, with AWS credentials from the stack's own role through OIDC (no stored keys; the role
 *   trusts that organization, project and stack only, pipeline/trust.ts).
 */
import type { PipelineSettings, StackId } from "./config";
import { ConfigError } from "../config/reader";
import { deployerPolicyGroups, Feature, FerryStackShape, ferryFeatures, MAX_ATTACHED_POLICIES, networkFeatures } from "./permissions";

/** The repository paths whose change can change what a Ferry stack runs (besides its stack file). */
export const FERRY_PROGRAM_PATHS = ["app/**", "index.ts", "components/**", "config/**", "lib/**", "aws/**", "package.json", "package-lock.json", "Pulumi.yaml"];
/** The same for the network project (its program reads config/'s shared readers). */
export const NETWORK_PROGRAM_PATHS = ["network/index.ts", "network/config.ts", "network/Pulumi.yaml", "config/network.ts", "config/reader.ts", "config/validate.ts", "package.json", "package-lock.json"];

export interface StackDeployment {
  organization: string;
  project: string;
  stack: string;
  /** The project's folder in the repository. */
  repoDir: string;
  branch: string;
  repository: string;
  /** `pulumi up` on a push to the branch that touches one of `paths`. */
  deployCommits: boolean;
  paths: string[];
  previewPullRequests: boolean;
  /** Pull requests get a review stack made from this one. */
  pullRequestTemplate: boolean;
  preRunCommands: string[];
  /** The deployment role's name, and the managed policies of the account's own also attached to it. */
  roleName: string;
  policyArns: string[];
  /** What the stack creates: the deployment role's permissions are granted for these (permissions.ts). */
  features: Feature[];
  /** The prefix of the resource names the role may touch, and the other stacks' it must not. */
  namePrefix: string;
  deniedPrefixes: string[];
  /** Secrets of the team's own the deployments read (by ARN). */
  readSecretArns: string[];
  /** How many managed policies the generated permissions take (IAM's size limit splits them). */
  generatedPolicies: number;
  /** The review-stack template's role trusts the project's stacks but these (trust.ts). */
  reviewStacksExcept?: string[];
  sessionName: string;
  /** Cron of the drift detection, for prod stacks. */
  driftSchedule?: string;
}

/** What each stack creates, read from its stack file (pipeline/repository.ts): `ferry/<stack>` or `network/<stack>`. */
export interface StackShapes {
  ferry: Record<string, FerryStackShape>;
  network: Record<string, { interfaceEndpoints: unknown[] }>;
}

export function stackDeployments(s: PipelineSettings, shapes: StackShapes): StackDeployment[] {
  const ids = Object.keys(s.stacks) as StackId[];
  const out = ids.map((id): StackDeployment => {
    const [project, stack] = id.split("/");
    const repoDir = project === "ferry" ? "." : project;
    const stackFile = `${repoDir === "." ? "" : `${repoDir}/`}Pulumi.${stack}.yaml`;
    const isDev = id === "ferry/dev";
    // The template's role serves review stacks too: every `<project>-…` name but the other stacks'.
    const others = ids.filter((o) => o !== id && o.startsWith(`${project}/`)).map((o) => o.split("/")[1]);
    const namePrefix = isDev ? `${project}-` : `${project}-${stack}-`;
    const deniedPrefixes = isDev ? others.map((o) => `${project}-${o}-`) : [];
    const features = project === "ferry" ? ferryFeatures(shapes.ferry[stack]) : networkFeatures(shapes.network[stack]);
    const readSecretArns = project === "ferry" ? shapes.ferry[stack].readSecretArns : [];
    const paths = project === "network" ? [...NETWORK_PROGRAM_PATHS, stackFile] : isDev ? [...FERRY_PROGRAM_PATHS, stackFile] : [stackFile];
    return {
      organization: s.organization,
      project,
      stack,
      repoDir,
      branch: s.branch,
      repository: s.repository,
      deployCommits: true,
      paths,
      previewPullRequests: true,
      pullRequestTemplate: isDev,
      // Dependencies live at the repository's root; Deployments' own install is skipped for `npm ci`.
      preRunCommands: [repoDir === "." ? "npm ci" : `npm ci --prefix ${repoDir.split("/").map(() => "..").join("/")}`],
      roleName: `pulumi-deployments-${project}-${stack}`,
      policyArns: s.stacks[id].policyArns,
      features,
      namePrefix,
      deniedPrefixes,
      readSecretArns,
      generatedPolicies: deployerPolicyGroups(features, { namePrefix, deniedPrefixes, readSecretArns }).length,
      ...(isDev ? { reviewStacksExcept: others } : {}),
      sessionName: `pulumi-deployments-${project}-${stack}`,
      ...(stack === "prod" ? { driftSchedule: s.driftSchedule } : {}),
    };
  });
  // Every role's policies must fit IAM's quota of managed policies per role.
  const over = out.filter((d) => d.generatedPolicies + d.policyArns.length > MAX_ATTACHED_POLICIES);
  if (over.length) {
    throw new ConfigError(
      over.map((d) => ({
        key: `pipeline:stacks.${d.project}/${d.stack}.policyArns`,
        given: `${d.policyArns.length} policies`,
        allowed: `at most ${MAX_ATTACHED_POLICIES - d.generatedPolicies}: the generated least-privilege policies take ${d.generatedPolicies} of IAM's ${MAX_ATTACHED_POLICIES} managed policies per role`,
      })),
      "pipeline",
    );
  }
  return out;
}
