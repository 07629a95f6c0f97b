/**
 * Target-tracking autoscaling of a service's task count on CPU, memory and/or load balancer requests
 * per task, between the service's minCount and maxCount.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AutoscalingConfig } from "../config";

export interface ScalingArgs {
  clusterName: pulumi.Input<string>;
  serviceName: pulumi.Input<string>;
  minCount: number;
  maxCount: number;
  autoscaling: AutoscalingConfig;
  /** `<load balancer arn suffix>/<target group arn suffix>`, for requests per target. */
  requestLabel?: pulumi.Input<string>;
}

/** The target-tracking metrics a config asks for, as (name suffix, predefined metric, target) rows. */
export function scalingTargets(a: AutoscalingConfig): { suffix: string; metric: string; target: number }[] {
  return [
    a.cpu !== undefined ? { suffix: "cpu", metric: "ECSServiceAverageCPUUtilization", target: a.cpu } : undefined,
    a.memory !== undefined ? { suffix: "memory", metric: "ECSServiceAverageMemoryUtilization", target: a.memory } : undefined,
    a.requestsPerTarget !== undefined ? { suffix: "requests", metric: "ALBRequestCountPerTarget", target: a.requestsPerTarget } : undefined,
  ].filter((t): t is { suffix: string; metric: string; target: number } => t !== undefined);
}

export function declareScaling(name: string, parent: pulumi.Resource, args: ScalingArgs): aws.appautoscaling.Target {
  const target = new aws.appautoscaling.Target(name, {
    serviceNamespace: "ecs",
    scalableDimension: "ecs:service:DesiredCount",
    resourceId: pulumi.interpolate`service/${args.clusterName}/${args.serviceName}`,
    minCapacity: args.minCount,
    maxCapacity: args.maxCount,
  }, { parent });
  for (const t of scalingTargets(args.autoscaling)) {
    new aws.appautoscaling.Policy(`${name}-${t.suffix}`, {
      policyType: "TargetTrackingScaling",
      serviceNamespace: target.serviceNamespace,
      scalableDimension: target.scalableDimension,
      resourceId: target.resourceId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: t.target,
        scaleInCooldown: args.autoscaling.scaleInCooldown,
        scaleOutCooldown: args.autoscaling.scaleOutCooldown,
        predefinedMetricSpecification: {
          predefinedMetricType: t.metric,
          resourceLabel: t.metric === "ALBRequestCountPerTarget" ? args.requestLabel : undefined,
        },
      },
    }, { parent });
  }
  return target;
}
