/**
 * A service's load balancer wiring: target group(s) and listener rules, and for blue/green, linear and
 * canary deployments the alternate target group, the test listener rule and the role ECS assumes to
 * shift traffic. Declared as children of the FargateService component.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ServiceConfig } from "../config";
import { shiftsTraffic } from "../lib/deployment";
import { assumeRolePolicy, trafficShiftPolicy } from "../lib/iam";
import { targetGroupResourceName } from "../lib/names";
import { applyTransform, Transform } from "./transform";
import { DEREGISTRATION_DELAY_SECONDS, TARGET_HEALTH } from "../lib/rollout";

/** Header that sends a request to the new revision through the test listener rule. */
export const TEST_TRAFFIC_HEADER = { name: "x-ferry-test", value: "1" };

export interface TrafficArgs {
  service: ServiceConfig;
  vpcId: pulumi.Input<string>;
  listenerArn: pulumi.Input<string>;
  priority: number;
  targetGroupTransform?: Transform<aws.lb.TargetGroupArgs>;
}

export interface Traffic {
  /** The target group ECS registers tasks in first (blue). */
  primary: aws.lb.TargetGroup;
  /** The alternate (green) target group, for traffic-shifting strategies. */
  alternate?: aws.lb.TargetGroup;
  productionRule: aws.lb.ListenerRule;
  testRule?: aws.lb.ListenerRule;
  /** The IAM role ECS assumes to move traffic, for traffic-shifting strategies. */
  shiftRole?: aws.iam.Role;
}

/** The listener rule's path patterns: the service's paths, or everything for the default route. */
export function routePatterns(service: ServiceConfig): string[] {
  return service.paths.length > 0 ? service.paths : ["/*"];
}

export function declareTraffic(name: string, parent: pulumi.Resource, args: TrafficArgs): Traffic {
  const s = args.service;
  const targetGroup = (suffix: "" | "-green") => {
    // Named after the service alone: AWS allows 32 characters and Pulumi appends 8 (lib/names.ts).
    const tgName = targetGroupResourceName(s.name, suffix);
    const [tgArgs, tgOpts] = applyTransform(args.targetGroupTransform, tgName, {
      vpcId: args.vpcId,
      targetType: "ip",
      port: s.port,
      protocol: "HTTP",
      // 30 s drain instead of 300 s: requests to a web service finish in seconds, and every rollout
      // waits for the drain.
      deregistrationDelay: DEREGISTRATION_DELAY_SECONDS,
      // Healthy after 2 × 10 s instead of 5 × 30 s, so a rollout does not wait minutes per task.
      healthCheck: {
        path: s.healthCheckPath,
        protocol: "HTTP",
        matcher: "200-399",
        interval: TARGET_HEALTH.intervalSeconds,
        timeout: TARGET_HEALTH.timeoutSeconds,
        healthyThreshold: TARGET_HEALTH.healthyThreshold,
        unhealthyThreshold: TARGET_HEALTH.unhealthyThreshold,
      },
    } as aws.lb.TargetGroupArgs, { parent });
    return new aws.lb.TargetGroup(tgName, tgArgs, tgOpts);
  };
  const primary = targetGroup("");
  const paths = { pathPattern: { values: routePatterns(s) } };

  if (!shiftsTraffic(s.deployment)) {
    const productionRule = new aws.lb.ListenerRule(name, {
      listenerArn: args.listenerArn,
      priority: args.priority,
      actions: [{ type: "forward", targetGroupArn: primary.arn }],
      conditions: [paths],
    }, { parent });
    return { primary, productionRule };
  }

  const alternate = targetGroup("-green");
  const weighted = (blue: number, green: number) => [{
    type: "forward",
    forward: { targetGroups: [{ arn: primary.arn, weight: blue }, { arn: alternate.arn, weight: green }] },
  }];
  // ECS moves the weights during each deployment; Pulumi must not move them back.
  const managedByEcs = { parent, ignoreChanges: ["actions"] };
  const productionRule = new aws.lb.ListenerRule(name, {
    listenerArn: args.listenerArn,
    priority: args.priority,
    actions: weighted(100, 0),
    conditions: [paths],
  }, managedByEcs);
  const testRule = s.deployment.testTraffic
    ? new aws.lb.ListenerRule(`${name}-test`, {
        listenerArn: args.listenerArn,
        priority: args.priority - 1,
        actions: weighted(0, 100),
        conditions: [paths, { httpHeader: { httpHeaderName: TEST_TRAFFIC_HEADER.name, values: [TEST_TRAFFIC_HEADER.value] } }],
      }, managedByEcs)
    : undefined;

  const shiftRole = new aws.iam.Role(`${name}-traffic`, {
    assumeRolePolicy: assumeRolePolicy("ecs.amazonaws.com"),
    description: `Lets ECS shift ${s.name} traffic between its target groups`,
  }, { parent });
  new aws.iam.RolePolicy(`${name}-traffic`, {
    role: shiftRole.id,
    policy: pulumi
      .all([primary.arn, alternate.arn, args.listenerArn, productionRule.arn, testRule?.arn])
      .apply(([blue, green, listenerArn, prod, test]) =>
        JSON.stringify(trafficShiftPolicy({ targetGroupArns: [blue, green], listenerArn, ruleArns: test ? [prod, test] : [prod] })),
      ),
  }, { parent });
  return { primary, alternate, productionRule, testRule, shiftRole };
}
