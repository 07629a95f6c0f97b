/**
 * FargateService: one Ferry service on ECS Fargate / Fargate Spot. Children: log group, IAM roles,
 * task definition, security group, load balancer wiring (components/serviceTraffic.ts), deployment
 * alarms (components/serviceAlarms.ts), the ECS service, the deployment check that refuses a false
 * green (components/deploymentCheck.ts) and autoscaling (components/serviceScaling.ts).
 * Built on @pulumi/aws primitives so every child is visible to tests and to the offline plan.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ServiceConfig } from "../config";
import type { AwsAccess } from "../config/awsAccess";
import { containerDefinition, SCRATCH_VOLUME } from "../lib/containers";
import { deploymentSettings } from "../lib/deployment";
import { assumeRolePolicy, executionPolicy, taskPolicy } from "../lib/iam";
import { DeploymentCheck } from "./deploymentCheck";
import { alarmNames, declareAlarms } from "./serviceAlarms";
import { declareScaling } from "./serviceScaling";
import { declareTraffic, Traffic } from "./serviceTraffic";
import { applyTransform, Transform } from "./transform";
import { HEALTH_CHECK_GRACE_SECONDS } from "../lib/rollout";
import { X86_REASON_TAG } from "../lib/names";

// ---------------------------------------------------------------------------------------------
// Args
// ---------------------------------------------------------------------------------------------

export interface ServiceRouting {
  /** Listener the service's rules are added to (the production listener). */
  listenerArn: pulumi.Input<string>;
  /** Security group of the load balancer; the only source allowed to reach the task port. */
  loadBalancerSecurityGroupId: pulumi.Input<string>;
  /** ARN suffix of the load balancer (alarm dimensions, request-count scaling). */
  loadBalancerArnSuffix: pulumi.Input<string>;
  /** Rule priority on the listener (unique per listener; the test rule takes priority - 1). */
  priority: number;
}

export interface FargateServiceArgs {
  /** The validated service settings (plain values: they decide which children exist). */
  service: ServiceConfig;
  /** Image to run, pinned by digest (`<repository>@sha256:<digest>`). */
  image: pulumi.Input<string>;
  /** ARN of the ECR repository the image is pulled from; undefined for images outside ECR. */
  repositoryArn?: pulumi.Input<string | undefined>;
  /** Cluster the service runs in (with FARGATE and FARGATE_SPOT capacity providers). */
  clusterArn: pulumi.Input<string>;
  /** The same cluster's name (autoscaling resource ids, the deployment check). */
  clusterName: pulumi.Input<string>;
  /** VPC of the task security group and target groups. */
  vpcId: pulumi.Input<string>;
  /** Subnets for the tasks: private ones (public ones only with `assignPublicIp`). */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Give each task a public IP: only for tasks in public subnets without a NAT gateway (ECS.2 fails). @default false */
  assignPublicIp?: boolean;
  /** Load balancer routing; required when the service has a port. */
  routing?: ServiceRouting;
  /** The stack's AWS access, for Ferry's own calls at deploy time (the deployment check). @default this process's AWS settings */
  awsAccess?: AwsAccess;
  /** Log retention in days (0 keeps logs forever). @default 30 */
  logRetentionDays?: number;
  /** Stable task definition family, so revision history stays continuous for rollback. */
  family: string;
  /** Escape hatches for the main children (applied last; Ferry's checks do not see their changes). */
  transforms?: {
    taskDefinition?: Transform<aws.ecs.TaskDefinitionArgs>;
    service?: Transform<aws.ecs.ServiceArgs>;
    targetGroup?: Transform<aws.lb.TargetGroupArgs>;
  };
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

// ---------------------------------------------------------------------------------------------
// Wiring
// ---------------------------------------------------------------------------------------------

export class FargateService extends pulumi.ComponentResource {
  readonly serviceName: pulumi.Output<string>;
  /** The ECS service's ARN (`…:service/<cluster>/<service>`). */
  readonly serviceArn: pulumi.Output<string>;
  readonly logGroupName: pulumi.Output<string>;
  readonly taskDefinitionArn: pulumi.Output<string>;
  /** Alarms that roll this service's deployments back. */
  readonly alarmNames: string[];

  constructor(name: string, args: FargateServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ferry:ecs:FargateService", name, {}, opts);
    const svc = args.service;
    if (svc.port !== undefined && !args.routing) {
      throw new Error(`service "${svc.name}" has a port but no load balancer routing in the "${name}" FargateService component`);
    }
    const parent = { parent: this };
    const region = aws.getRegionOutput({}, parent).region;

    // Logs and roles.
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
      description: `Runs as the ${svc.name} application`,
    }, parent);
    const appPolicy = taskPolicy({ exec: svc.exec });
    if (appPolicy) new aws.iam.RolePolicy(`${name}-task`, { role: taskRole.id, policy: JSON.stringify(appPolicy) }, parent);

    // Task definition.
    const [tdArgs, tdOpts] = applyTransform(args.transforms?.taskDefinition, name, {
      family: args.family,
      cpu: String(svc.cpu),
      memory: String(svc.memory),
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      runtimePlatform: { cpuArchitecture: svc.architecture === "arm64" ? "ARM64" : "X86_64", operatingSystemFamily: "LINUX" },
      executionRoleArn: executionRole.arn,
      taskRoleArn: taskRole.arn,
      volumes: svc.readonlyRootFilesystem ? [{ name: SCRATCH_VOLUME }] : [],
      // The stated exception to arm64 travels with the task definition, where policies see it.
      tags: svc.x86Reason !== undefined ? { [X86_REASON_TAG]: svc.x86Reason } : undefined,
      containerDefinitions: pulumi
        .all([args.image, logGroup.name, region])
        .apply(([image, logGroupName, r]) => JSON.stringify([containerDefinition({ service: svc, image, logGroupName, region: r })])),
    } as aws.ecs.TaskDefinitionArgs, { parent: this });
    const taskDefinition = new aws.ecs.TaskDefinition(name, tdArgs, tdOpts);

    // Network: the task port is open to the load balancer only.
    const sg = new aws.ec2.SecurityGroup(`${name}-tasks`, {
      vpcId: args.vpcId,
      description: `${svc.name} tasks: ${svc.port === undefined ? "no inbound traffic" : `port ${svc.port} from the load balancer only`}`,
      ingress: svc.port === undefined || !args.routing ? [] : [{
        protocol: "tcp", fromPort: svc.port, toPort: svc.port, securityGroups: [args.routing.loadBalancerSecurityGroupId], description: "from the load balancer",
      }],
      egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "image pulls, logs, secrets, dependencies" }],
    }, parent);

    // The load balancer's side of the same path: egress to this service's tasks on their port only.
    if (svc.port !== undefined && args.routing) {
      new aws.vpc.SecurityGroupEgressRule(`${name}-alb-to-tasks`, {
        securityGroupId: args.routing.loadBalancerSecurityGroupId,
        referencedSecurityGroupId: sg.id,
        ipProtocol: "tcp",
        fromPort: svc.port,
        toPort: svc.port,
        description: `to the ${svc.name} tasks on port ${svc.port}`,
      }, parent);
    }

    // Load balancer wiring and the alarms that roll deployments back.
    let traffic: Traffic | undefined;
    const ownAlarms: string[] = [];
    if (svc.port !== undefined && args.routing) {
      traffic = declareTraffic(name, this, {
        service: svc,
        vpcId: args.vpcId,
        listenerArn: args.routing.listenerArn,
        priority: args.routing.priority,
        targetGroupTransform: args.transforms?.targetGroup,
      });
      const targets = [{ suffix: "", targetGroupArnSuffix: traffic.primary.arnSuffix }];
      if (traffic.alternate) targets.push({ suffix: "-green", targetGroupArnSuffix: traffic.alternate.arnSuffix });
      declareAlarms(name, this, args.routing.loadBalancerArnSuffix, targets);
      ownAlarms.push(...alarmNames(name, targets.map((t) => t.suffix)));
    }
    this.alarmNames = [...ownAlarms, ...svc.deployment.alarms];

    // The ECS service.
    const deployment = deploymentSettings(svc.deployment, this.alarmNames);
    const [serviceArgs, serviceOpts] = applyTransform(args.transforms?.service, name, {
      cluster: args.clusterArn,
      taskDefinition: taskDefinition.arn,
      desiredCount: svc.desiredCount,
      capacityProviderStrategies: capacityStrategy(svc),
      // A change of the capacity mix needs a new deployment; forcing one keeps the service in place.
      forceNewDeployment: true,
      platformVersion: "LATEST",
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      enableExecuteCommand: svc.exec,
      networkConfiguration: { subnets: args.subnetIds, securityGroups: [sg.id], assignPublicIp: args.assignPublicIp ?? false },
      ...deployment,
      healthCheckGracePeriodSeconds: traffic ? HEALTH_CHECK_GRACE_SECONDS : undefined,
      loadBalancers: traffic
        ? [{
            targetGroupArn: traffic.primary.arn,
            containerName: svc.name,
            containerPort: svc.port!,
            advancedConfiguration: traffic.alternate && traffic.shiftRole
              ? { alternateTargetGroupArn: traffic.alternate.arn, productionListenerRule: traffic.productionRule.arn, testListenerRule: traffic.testRule?.arn, roleArn: traffic.shiftRole.arn }
              : undefined,
          }]
        : [],
      // The deployment check below waits, and tells a rollback from a success; ECS's own
      // steady-state wait would report both as success.
      waitForSteadyState: false,
    } as aws.ecs.ServiceArgs, {
      parent: this,
      dependsOn: traffic ? [traffic.productionRule, ...(traffic.testRule ? [traffic.testRule] : [])] : [],
      // Autoscaling owns the task count once it is on.
      ignoreChanges: svc.autoscaling ? ["desiredCount"] : [],
    });
    const service = new aws.ecs.Service(name, serviceArgs, serviceOpts);

    new DeploymentCheck(`${name}-deployment-check`, {
      cluster: args.clusterName,
      service: service.name,
      taskDefinition: taskDefinition.arn,
      capacity: JSON.stringify(capacityStrategy(svc)),
      region,
      access: args.awsAccess ? (args.awsAccess.staticKeys ? pulumi.secret(JSON.stringify(args.awsAccess)) : JSON.stringify(args.awsAccess)) : undefined,
      timeoutMinutes: svc.deployment.checkTimeoutMinutes,
    }, { parent: this, dependsOn: [service] });

    if (svc.autoscaling) {
      declareScaling(`${name}-scaling`, this, {
        clusterName: args.clusterName,
        serviceName: service.name,
        minCount: svc.minCount,
        maxCount: svc.maxCount,
        autoscaling: svc.autoscaling,
        requestLabel: traffic && args.routing ? pulumi.interpolate`${args.routing.loadBalancerArnSuffix}/${traffic.primary.arnSuffix}` : undefined,
      });
    }

    this.serviceName = service.name;
    this.serviceArn = service.arn;
    this.logGroupName = logGroup.name;
    this.taskDefinitionArn = taskDefinition.arn;
    this.registerOutputs({ serviceName: this.serviceName, logGroupName: this.logGroupName, taskDefinitionArn: this.taskDefinitionArn });
  }
}
