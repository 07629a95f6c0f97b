/**
 * DeploymentCheck: the step of `pulumi up` that refuses a false green. After a service update it
 * waits for the ECS deployment of the new task definition and fails the update, with ECS's reason,
 * when that deployment was rolled back (circuit breaker, alarm, rejected approval) or stopped.
 *
 * A dynamic resource keyed on the task definition and capacity mix: it runs on create and whenever
 * either changes. Under the offline plan and in tests it is declared but never runs (the mock
 * runtime never calls providers).
 */
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { EcsDeployments } from "../aws/ecs";
import { cancelRequested, watchDeployment } from "../lib/deploymentWatch";

// ---------------------------------------------------------------------------------------------
// Args
// ---------------------------------------------------------------------------------------------

export interface DeploymentCheckArgs {
  /** Cluster name or ARN. */
  cluster: pulumi.Input<string>;
  /** Service name. */
  service: pulumi.Input<string>;
  /** Task definition ARN the deployment moves to. */
  taskDefinition: pulumi.Input<string>;
  /** Capacity provider strategy (a change starts a new deployment, so the check runs again). */
  capacity: pulumi.Input<string>;
  region: pulumi.Input<string>;
  /**
   * The stack's AWS access (config/awsAccess.ts) as JSON, so the check reads the account the stack
   * deploys to (profile, role chain, ECS endpoint); a Pulumi secret when it holds static keys.
   * @default this process's AWS settings in `region`
   */
  access?: pulumi.Input<string>;
  /** Minutes to wait before failing the update. */
  timeoutMinutes: number;
}

interface CheckInputs {
  cluster: string;
  service: string;
  taskDefinition: string;
  capacity: string;
  region: string;
  access?: string;
  timeoutMinutes: number;
}

// ---------------------------------------------------------------------------------------------
// Provider (runs in the deployment, never under the mock runtime)
// ---------------------------------------------------------------------------------------------

/** How far back a deployment may have been created and still be the one this update started. */
const LOOKBACK_MS = 60 * 60 * 1000;

async function check(inputs: CheckInputs): Promise<void> {
  const started = Date.now();
  await watchDeployment({
    reader: inputs.access ? EcsDeployments.forAccess({ region: inputs.region, ...JSON.parse(inputs.access) }) : EcsDeployments.forRegion(inputs.region),
    cluster: inputs.cluster,
    service: inputs.service,
    taskDefinition: inputs.taskDefinition,
    since: new Date(started - LOOKBACK_MS),
    timeoutMs: inputs.timeoutMinutes * 60 * 1000,
    onProgress: (message) => pulumi.log.info(`deployment check: ${message}`),
    cancelled: () => cancelRequested(process.env, fs.existsSync),
  });
}

/**
 * Whether an update starts an ECS deployment the check must watch: a new task definition, a new
 * capacity mix (ECS redeploys for it) or another service. Access or timeout changes alone do not.
 */
export function checkNeeded(olds: Pick<CheckInputs, "taskDefinition" | "capacity" | "service">, news: Pick<CheckInputs, "taskDefinition" | "capacity" | "service">): boolean {
  return olds.taskDefinition !== news.taskDefinition || olds.capacity !== news.capacity || olds.service !== news.service;
}

const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: CheckInputs) {
    await check(inputs);
    return { id: `${inputs.service}:${inputs.taskDefinition.slice(inputs.taskDefinition.lastIndexOf(":") + 1)}`, outs: inputs };
  },
  async diff(_id: string, olds: CheckInputs, news: CheckInputs) {
    return { changes: checkNeeded(olds, news), deleteBeforeReplace: false };
  },
  async update(_id: string, _olds: CheckInputs, news: CheckInputs) {
    await check(news);
    return { outs: news };
  },
};

// ---------------------------------------------------------------------------------------------
// Resource
// ---------------------------------------------------------------------------------------------

export class DeploymentCheck extends pulumi.dynamic.Resource {
  constructor(name: string, args: DeploymentCheckArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, args, opts, "ferry", "DeploymentCheck");
  }
}
