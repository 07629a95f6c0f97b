/**
 * The delivery pipeline as code: Pulumi Cloud's OIDC issuer as an IAM identity provider, one
 * deployment role per stack trusted for that stack only, and Pulumi Deployments settings for the
 * network's and Ferry's stacks (triggers, path filters, review stacks, `npm ci`, credentials through
 * OIDC) with prod's drift detection. config → decisions (deployments.ts, trust.ts) → resources.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";
import { parsePipelineConfig } from "./config";
import { stackDeployments } from "./deployments";
import { deployerPolicies } from "./permissions";
import { checkBranch, readShapes } from "./repository";
import { ISSUER, trustPolicy } from "./trust";

const settings = parsePipelineConfig(pulumi.runtime.allConfig());
checkBranch(settings.branch);
const deployments = stackDeployments(settings, readShapes(Object.keys(settings.stacks)));
const account = aws.getCallerIdentityOutput().accountId;
const partition = aws.getPartitionOutput().partition;

const issuer = new aws.iam.OpenIdConnectProvider("pulumi-cloud", { url: ISSUER, clientIdLists: [settings.organization] });

const roles: Record<string, pulumi.Output<string>> = {};
for (const d of deployments) {
  const name = `${d.project}-${d.stack}`;
  const role = new aws.iam.Role(name, {
    name: d.roleName,
    description: `Pulumi Deployments of ${d.organization}/${d.project}/${d.stack}`,
    assumeRolePolicy: issuer.arn.apply((arn) => trustPolicy(arn, d.organization, d.project, d.stack, { reviewStacksExcept: d.reviewStacksExcept })),
    maxSessionDuration: 3600,
  });
  // What the stack's deployments may do: generated for what its stack file creates, least privilege.
  const scope = { namePrefix: d.namePrefix, deniedPrefixes: d.deniedPrefixes, readSecretArns: d.readSecretArns };
  const documents = pulumi.all([account, partition]).apply(([acct, part]) => deployerPolicies(d.features, { ...scope, account: acct, partition: part }));
  const count = d.generatedPolicies;
  const generated = Array.from({ length: count }, (_, i) =>
    new aws.iam.Policy(`${name}-deploy-${i}`, {
      name: `${d.roleName}-${i}`,
      description: `What Pulumi Deployments of ${d.organization}/${d.project}/${d.stack} may do (${i + 1} of ${count})`,
      policy: documents.apply((docs) => JSON.stringify(docs[i])),
    }).arn,
  );
  [...generated, ...d.policyArns].forEach((policyArn, i) => new aws.iam.RolePolicyAttachment(`${name}-${i}`, { role: role.name, policyArn }));
  roles[`${d.organization}/${d.project}/${d.stack}`] = role.arn;

  const deploymentSettings = new pulumiservice.DeploymentSettings(name, {
    organization: d.organization,
    project: d.project,
    stack: d.stack,
    sourceContext: { git: { branch: d.branch, repoDir: d.repoDir } },
    github: {
      repository: d.repository,
      deployCommits: d.deployCommits,
      previewPullRequests: d.previewPullRequests,
      pullRequestTemplate: d.pullRequestTemplate,
      paths: d.paths,
    },
    operationContext: {
      preRunCommands: d.preRunCommands,
      options: { skipInstallDependencies: true },
      oidc: { aws: { roleARN: role.arn, sessionName: d.sessionName } },
    },
  });
  if (d.driftSchedule) {
    new pulumiservice.DriftSchedule(name, { organization: d.organization, project: d.project, stack: d.stack, scheduleCron: d.driftSchedule, autoRemediate: false }, { dependsOn: [deploymentSettings] });
  }
}

/** Each stack's deployment role. */
export const deploymentRoles = roles;
