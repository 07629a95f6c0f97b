/**
 * The delivery pipeline as code: Pulumi Deployments settings for the network's and Ferry's stacks
 * (triggers, path filters, review stacks, `npm ci`, AWS credentials through OIDC) and prod's drift
 * detection. config → decisions (pipeline/deployments.ts) → Pulumi Cloud resources.
 */
import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";
import { parsePipelineConfig } from "./config";
import { stackDeployments } from "./deployments";

const settings = parsePipelineConfig(pulumi.runtime.allConfig());

for (const d of stackDeployments(settings)) {
  const name = `${d.project}-${d.stack}`;
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
      oidc: { aws: { roleARN: d.roleArn, sessionName: d.sessionName } },
    },
  });
  if (d.driftSchedule) {
    new pulumiservice.DriftSchedule(name, { organization: d.organization, project: d.project, stack: d.stack, scheduleCron: d.driftSchedule, autoRemediate: false }, { dependsOn: [deploymentSettings] });
  }
}

export const stacks = stackDeployments(settings).map((d) => `${d.organization}/${d.project}/${d.stack}`);
