/**
 * AWS's published sample events (test/fixtures/events), and the same events rewritten to name a
 * given stack's resources instead of the documentation's, so a test can ask which of a stack's rules
 * match what AWS would send about it.
 */
import * as fs from "fs";
import * as path from "path";
import { FIXTURES } from "./paths";

export const SAMPLES = [
  "ecs-deployment-in-progress",
  "ecs-deployment-rolling-back",
  "ecs-deployment-completed",
  "ecs-deployment-failed",
  "ecs-service-steady-state",
  "ecs-service-task-start-impaired",
  "ecs-service-task-placement-failure",
  "ecs-task-running",
  "ecs-task-spot-interruption",
  "ecr-image-scan",
  "cloudwatch-alarm-state-change",
] as const;
export type Sample = (typeof SAMPLES)[number];

/** Which of a stack's rules hear each sample when it is about the stack's own resources. */
export const HEARD_BY: Record<Sample, string[]> = {
  "ecs-deployment-in-progress": ["deployments"],
  "ecs-deployment-rolling-back": ["deployments"],
  "ecs-deployment-completed": ["deployments"],
  "ecs-deployment-failed": ["deployments"],
  "ecs-service-steady-state": [],
  "ecs-service-task-start-impaired": ["service-trouble"],
  "ecs-service-task-placement-failure": ["service-trouble"],
  "ecs-task-running": [],
  "ecs-task-spot-interruption": ["spot-interruptions"],
  "ecr-image-scan": ["scan-findings"],
  "cloudwatch-alarm-state-change": ["alarms"],
};

export type AwsEvent = Record<string, unknown> & { detail: Record<string, unknown>; resources?: string[] };

export function sample(name: Sample): AwsEvent {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, "events", `${name}.json`), "utf8"));
}

/** The resources of one stack an event is made to name. */
export interface Resources {
  account: string;
  region: string;
  clusterArn: string;
  serviceArn: string;
  repositoryName: string;
  imageDigest: string;
  alarmName: string;
}

/** The sample as AWS would send it about these resources: ids, ARNs and names replaced, nothing else. */
export function about(name: Sample, r: Resources): AwsEvent {
  const e = sample(name);
  const clusterName = r.clusterArn.split("/").pop()!;
  e.account = r.account;
  e.region = r.region;
  const d = e.detail;
  if (name.startsWith("ecs-deployment") || name.startsWith("ecs-service")) e.resources = [r.serviceArn];
  if (d.clusterArn) d.clusterArn = r.clusterArn;
  if (name.startsWith("ecs-task")) {
    const task = `arn:aws:ecs:${r.region}:${r.account}:task/${clusterName}/0123456789abcdef0123456789abcdef`;
    e.resources = [task];
    d.taskArn = task;
  }
  if (name === "ecr-image-scan") {
    e.resources = [`arn:aws:ecr:${r.region}:${r.account}:repository/${r.repositoryName}`];
    d["repository-name"] = r.repositoryName;
    d["image-digest"] = r.imageDigest;
  }
  if (name === "cloudwatch-alarm-state-change") {
    e.resources = [`arn:aws:cloudwatch:${r.region}:${r.account}:alarm:${r.alarmName}`];
    d.alarmName = r.alarmName;
  }
  return e;
}
