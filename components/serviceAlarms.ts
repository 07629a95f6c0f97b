/**
 * Deployment alarms for a load-balanced service: a target 5xx rate alarm and an unhealthy-host alarm
 * per target group. ECS rolls a deployment back when any of them (or the user's own) goes off.
 * Alarm names are fixed (`<service>-5xx[-green]`, `<service>-unhealthy[-green]`) so the service can
 * name them before they exist.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ALARM } from "../lib/rollout";

/** Target 5xx responses above this share of requests (percent) count as failing. */
export const ERROR_RATE_PERCENT = 5;

export interface AlarmTarget {
  /** Suffix of the alarm name for this target group ("" or "-green"). */
  suffix: string;
  targetGroupArnSuffix: pulumi.Input<string>;
}

export { alarmNames } from "../lib/names";

export function declareAlarms(name: string, parent: pulumi.Resource, loadBalancerArnSuffix: pulumi.Input<string>, targets: AlarmTarget[]): aws.cloudwatch.MetricAlarm[] {
  return targets.flatMap(({ suffix, targetGroupArnSuffix }) => {
    const dimensions = { LoadBalancer: loadBalancerArnSuffix, TargetGroup: targetGroupArnSuffix };
    const metric = (id: string, metricName: string) => ({
      id,
      returnData: false,
      metric: { namespace: "AWS/ApplicationELB", metricName, dimensions, period: ALARM.periodSeconds, stat: "Sum" },
    });
    const errors = new aws.cloudwatch.MetricAlarm(`${name}-5xx${suffix}`, {
      name: `${name}-5xx${suffix}`,
      alarmDescription: `Target 5xx responses above ${ERROR_RATE_PERCENT}% of requests: rolls the deployment back`,
      comparisonOperator: "GreaterThanThreshold",
      threshold: ERROR_RATE_PERCENT,
      evaluationPeriods: ALARM.evaluationPeriods,
      datapointsToAlarm: ALARM.datapointsToAlarm,
      treatMissingData: "notBreaching",
      metricQueries: [
        metric("errors", "HTTPCode_Target_5XX_Count"),
        metric("requests", "RequestCount"),
        { id: "rate", expression: "IF(requests > 0, 100 * errors / requests, 0)", label: "5xx rate (%)", returnData: true },
      ],
    }, { parent });
    const unhealthy = new aws.cloudwatch.MetricAlarm(`${name}-unhealthy${suffix}`, {
      name: `${name}-unhealthy${suffix}`,
      alarmDescription: "Unhealthy targets behind the load balancer: rolls the deployment back",
      namespace: "AWS/ApplicationELB",
      metricName: "UnHealthyHostCount",
      dimensions,
      statistic: "Maximum",
      period: ALARM.periodSeconds,
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: ALARM.evaluationPeriods,
      datapointsToAlarm: ALARM.datapointsToAlarm,
      treatMissingData: "notBreaching",
    }, { parent });
    return [errors, unhealthy];
  });
}
