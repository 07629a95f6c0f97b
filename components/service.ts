/**
 * FargateService: one Ferry service on ECS Fargate / Fargate Spot: log group, IAM roles, task
 * definition, security group, optional target group and listener rule, and the ECS service.
 * Built on @pulumi/aws primitives so every child is visible to tests and to the offline plan.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ServiceConfig } from "../config";
import { containerDefinition } from "../lib/containers";
import { assumeRolePolicy, executionPolicy } from "../lib/iam";

// ---------------------------------------------------------------------------------------------
// Args
// ---------------------------------------------------------------------------------------------

export interface ServiceRouting {
  /** Listener the service's rule is added to. */
  listenerArn: pulumi.Input<string>;
  /** Security group of the load balancer; the only source allowed to reach the task port. */
  loadBalancerSecurityGroupId: pulumi.Input<string>;
  /** Rule priority on the listener (unique per listener). */
  priority: number;
}

export interface FargateServiceArgs {
  /** The validated service settings (plain values: they decide which children exist). */
  service: ServiceConfig;
  /** Image to run, pinned by digest (`<repository>@sha256:<digest>`). */
  image: pulumi.Input<string>;
  /** ARN of the ECR repository the image is pulled from; omit for images outside ECR. */
  repositoryArn?: pulumi.Input<string | undefined>;
  clusterArn: pulumi.Input<string>;
  vpcId: pulumi.Input<string>;
  /** Private subnets for the tasks (tasks never get public IPs). */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Load balancer routing; required when the service has a port. */
  routing?: ServiceRouting;
  /** Log retention in days (0 keeps logs forever). @default 30 */
  logRetentionDays?: number;
  /** Stable task definition family, so revision history stays continuous for rollback. */
  family: string;
}

// ---------------------------------------------------------------------------------------------
// Pure decisions
// ---------------------------------------------------------------------------------------------

/** ECS capacity provider strategy for a service's mix; zero-weight providers are left out. */
export function capacityStrategy(service: ServiceConfig): { capacityProvider: string; base: number; weight: number }[] {
  const { base, onDemandWeight, spotWeight } = service.capacity;
  const out = [];
  if (onDemandWeight > 0 || base > 0) out.push({ capacityProvider: "FARGATE", base, weight: onDemandWeight });
  if (spotWeight > 0) out.push({ capacityProvider: "FARGATE_SPOT", base: 0, weight: spotWeight });
  return out;
}

/** The listener rule's path patterns: the service's paths, or everything for the default route. */
export function routePatterns(service: ServiceConfig): string[] {
  return service.paths.length > 0 ? service.paths : ["/*"];
}

// ---------------------------------------------------------------------------------------------
// Wiring
// ---------------------------------------------------------------------------------------------

export class FargateService extends pulumi.ComponentResource {
  readonly serviceName: pulumi.Output<string>;
  readonly logGroupName: pulumi.Output<string>;
  readonly taskDefinitionArn: pulumi.Output<string>;
  readonly targetGroupArn?: pulumi.Output<string>;

  constructor(name: string, args: FargateServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ferry:ecs:FargateService", name, {}, opts);
    const svc = args.service;
    if (svc.port !== undefined && !args.routing) {
      throw new Error(`service "${svc.name}" has a port but no load balancer routing in the "${name}" FargateService component`);
    }
    const parent = { parent: this };
    const region = aws.getRegionOutput({}, parent).region;

    const logGroup = new aws.cloudwatch.LogGroup(name, { retentionInDays: args.logRetentionDays ?? 30 }, parent);

    const executionRole = new aws.iam.Role(`${name}-execution`, {
      assumeRolePolicy: assumeRolePolicy("ecs-tasks.amazonaws.com"),
      description: `Starts ${svc.name} tasks: pulls the image, writes logs, reads its secrets`,
    }, parent);
    new aws.iam.RolePolicy(`${name}-execution`, {
      role: executionRole.id,
      policy: pulumi.all([args.repositoryArn, logGroup.arn]).apply(([repositoryArn, logGroupArn]) =>
        JSON.stringify(executionPolicy({ repositoryArn, logGroupArn, secretArns: Object.values(svc.secrets) })),
      ),
    }, parent);
    const taskRole = new aws.iam.Role(`${name}-task`, {
      assumeRolePolicy: assumeRolePolicy("ecs-tasks.amazonaws.com"),
      description: `Runs as the ${svc.name} application; no permissions unless granted`,
    }, parent);

    const taskDefinition = new aws.ecs.TaskDefinition(name, {
      family: args.family,
      cpu: String(svc.cpu),
      memory: String(svc.memory),
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      runtimePlatform: { cpuArchitecture: svc.architecture === "arm64" ? "ARM64" : "X86_64", operatingSystemFamily: "LINUX" },
      executionRoleArn: executionRole.arn,
      taskRoleArn: taskRole.arn,
      containerDefinitions: pulumi
        .all([args.image, logGroup.name, region])
        .apply(([image, logGroupName, r]) => JSON.stringify([containerDefinition({ service: svc, image, logGroupName, region: r })])),
    }, parent);

    const sg = new aws.ec2.SecurityGroup(`${name}-tasks`, {
      vpcId: args.vpcId,
      description: `${svc.name} tasks: ${svc.port === undefined ? "no inbound traffic" : `port ${svc.port} from the load balancer only`}`,
      ingress: svc.port === undefined || !args.routing ? [] : [{
        protocol: "tcp", fromPort: svc.port, toPort: svc.port, securityGroups: [args.routing.loadBalancerSecurityGroupId], description: "from the load balancer",
      }],
      egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "image pulls, logs, secrets, dependencies" }],
    }, parent);

    let targetGroup: aws.lb.TargetGroup | undefined;
    let rule: aws.lb.ListenerRule | undefined;
    if (svc.port !== undefined && args.routing) {
      targetGroup = new aws.lb.TargetGroup(name, {
        vpcId: args.vpcId,
        targetType: "ip",
        port: svc.port,
        protocol: "HTTP",
        // 30 s drain instead of 300 s: requests to a web service finish in seconds, and every rollout
        // waits for the drain.
        deregistrationDelay: 30,
        // Healthy after 2 × 10 s instead of 5 × 30 s, so a rollout does not wait minutes per task.
        healthCheck: { path: svc.healthCheckPath, protocol: "HTTP", matcher: "200-399", interval: 10, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3 },
      }, parent);
      rule = new aws.lb.ListenerRule(name, {
        listenerArn: args.routing.listenerArn,
        priority: args.routing.priority,
        actions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
        conditions: [{ pathPattern: { values: routePatterns(svc) } }],
      }, parent);
    }

    const service = new aws.ecs.Service(name, {
      cluster: args.clusterArn,
      taskDefinition: taskDefinition.arn,
      desiredCount: svc.desiredCount,
      capacityProviderStrategies: capacityStrategy(svc),
      // A change of the capacity mix needs a new deployment; forcing one keeps the service in place.
      forceNewDeployment: true,
      platformVersion: "LATEST",
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      networkConfiguration: { subnets: args.subnetIds, securityGroups: [sg.id], assignPublicIp: false },
      deploymentCircuitBreaker: { enable: svc.deployment.circuitBreaker, rollback: svc.deployment.circuitBreaker },
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      healthCheckGracePeriodSeconds: targetGroup ? 30 : undefined,
      loadBalancers: targetGroup ? [{ targetGroupArn: targetGroup.arn, containerName: svc.name, containerPort: svc.port! }] : [],
      waitForSteadyState: true,
    }, { parent: this, dependsOn: rule ? [rule] : [] });

    this.serviceName = service.name;
    this.logGroupName = logGroup.name;
    this.taskDefinitionArn = taskDefinition.arn;
    this.targetGroupArn = targetGroup?.arn;
    this.registerOutputs({ serviceName: this.serviceName, logGroupName: this.logGroupName, taskDefinitionArn: this.taskDefinitionArn });
  }
}
