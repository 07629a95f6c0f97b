/**
 * What the AWS provider sends for each resource Ferry declares: a planned resource's inputs
 * translated into the API requests that create it (a task definition → ECS RegisterTaskDefinition,
 * a service → CreateService, a listener rule → ELBv2 CreateRule, …), member names and shapes as the
 * API models spell them. Names the provider generates (Pulumi autonaming: the resource name, "-" and
 * seven random hex characters) are filled in the same way, so name limits are checked too.
 *
 * Every input of a translated type must be consumed or listed as provider-only; an input this file
 * does not know is reported, so a new argument cannot slip past the API-model check unexamined.
 */
import * as pulumi from "@pulumi/pulumi";
import { PlannedResource } from "../../plan/run";

export interface ApiCall {
  /** botocore service folder, e.g. "ecs", "elbv2". */
  service: string;
  operation: string;
  request: Record<string, unknown>;
  /** `<type> <name>` of the resource the call is for. */
  resource: string;
}

export interface Translation {
  calls: ApiCall[];
  /** Inputs this file cannot translate (a gap in the checker, reported as a problem). */
  untranslated: string[];
}

/** The seven characters Pulumi's autonaming appends (random in real runs; fixed here). */
export const AUTONAME_SUFFIX = "-0a1b2c3";

type Inputs = Record<string, unknown>;
type Translator = (inputs: Inputs, r: PlannedResource, call: (service: string, operation: string, request: Inputs) => void, ctx: { region: string }) => void;

interface TypeInfo {
  /** Inputs the translator reads. */
  uses: string[];
  /** Inputs the provider keeps to itself (no API member), e.g. `forceDelete`. */
  providerOnly?: string[];
  translate: Translator;
}

/** Removes undefined members, so optional inputs left out are left out of the request too. */
function clean<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clean) as T;
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, clean(x)])) as T;
  }
  return v;
}

/** Secrets arrive wrapped from the mock runtime; the provider receives the plain value. */
export function unwrapSecrets(v: unknown): unknown {
  if (pulumi.runtime.isRpcSecret(v)) return unwrapSecrets(pulumi.runtime.unwrapRpcSecret(v));
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
  return v;
}

const nameOf = (inputs: Inputs, r: PlannedResource, key = "name") => (inputs[key] as string | undefined) ?? `${r.name}${AUTONAME_SUFFIX}`;
const int = (v: unknown) => (v === undefined ? undefined : Number(v));
const bool = (v: unknown) => (v === undefined ? undefined : v === true || v === "true");
const tagSpec = (resourceType: string, tags: unknown) =>
  tags ? [{ ResourceType: resourceType, Tags: Object.entries(tags as Record<string, string>).map(([Key, Value]) => ({ Key, Value })) }] : undefined;
const list = (v: unknown) => (v as Inputs[] | undefined) ?? [];

function ipPermission(rule: Inputs) {
  const description = rule.description as string | undefined;
  return {
    IpProtocol: rule.protocol,
    FromPort: rule.fromPort,
    ToPort: rule.toPort,
    IpRanges: (rule.cidrBlocks as string[] | undefined)?.map((CidrIp) => ({ CidrIp, Description: description })),
    Ipv6Ranges: (rule.ipv6CidrBlocks as string[] | undefined)?.map((CidrIpv6) => ({ CidrIpv6, Description: description })),
    UserIdGroupPairs: (rule.securityGroups as string[] | undefined)?.map((GroupId) => ({ GroupId, Description: description })),
    PrefixListIds: (rule.prefixListIds as string[] | undefined)?.map((PrefixListId) => ({ PrefixListId, Description: description })),
  };
}

/** One rule resource (aws.vpc.SecurityGroup*Rule) is one permission with one source or destination. */
function vpcRulePermission(i: Inputs) {
  const Description = i.description;
  return {
    IpProtocol: i.ipProtocol,
    FromPort: i.fromPort,
    ToPort: i.toPort,
    IpRanges: i.cidrIpv4 ? [{ CidrIp: i.cidrIpv4, Description }] : undefined,
    Ipv6Ranges: i.cidrIpv6 ? [{ CidrIpv6: i.cidrIpv6, Description }] : undefined,
    UserIdGroupPairs: i.referencedSecurityGroupId ? [{ GroupId: i.referencedSecurityGroupId, Description }] : undefined,
    PrefixListIds: i.prefixListId ? [{ PrefixListId: i.prefixListId, Description }] : undefined,
  };
}

function elbAction(a: Inputs) {
  const forward = a.forward as Inputs | undefined;
  const fixed = a.fixedResponse as Inputs | undefined;
  const redirect = a.redirect as Inputs | undefined;
  return {
    Type: a.type,
    Order: a.order,
    TargetGroupArn: a.targetGroupArn,
    ForwardConfig: forward
      ? {
          TargetGroups: list(forward.targetGroups).map((t) => ({ TargetGroupArn: t.arn, Weight: t.weight })),
          TargetGroupStickinessConfig: forward.stickiness
            ? { Enabled: (forward.stickiness as Inputs).enabled, DurationSeconds: (forward.stickiness as Inputs).duration }
            : undefined,
        }
      : undefined,
    FixedResponseConfig: fixed ? { ContentType: fixed.contentType, StatusCode: fixed.statusCode, MessageBody: fixed.messageBody } : undefined,
    RedirectConfig: redirect
      ? { Protocol: redirect.protocol, Port: redirect.port, Host: redirect.host, Path: redirect.path, Query: redirect.query, StatusCode: redirect.statusCode }
      : undefined,
  };
}

function elbCondition(c: Inputs) {
  const values = (o: unknown) => (o as Inputs | undefined)?.values;
  if (c.pathPattern) return { Field: "path-pattern", PathPatternConfig: { Values: values(c.pathPattern) } };
  if (c.hostHeader) return { Field: "host-header", HostHeaderConfig: { Values: values(c.hostHeader) } };
  if (c.httpHeader) {
    const h = c.httpHeader as Inputs;
    return { Field: "http-header", HttpHeaderConfig: { HttpHeaderName: h.httpHeaderName, Values: h.values } };
  }
  if (c.httpRequestMethod) return { Field: "http-request-method", HttpRequestMethodConfig: { Values: values(c.httpRequestMethod) } };
  if (c.sourceIp) return { Field: "source-ip", SourceIpConfig: { Values: values(c.sourceIp) } };
  if (c.queryStrings) return { Field: "query-string", QueryStringConfig: { Values: list(c.queryStrings).map((q) => ({ Key: q.key, Value: q.value })) } };
  return { Field: undefined };
}

const dimensions = (d: unknown) => (d ? Object.entries(d as Record<string, string>).map(([Name, Value]) => ({ Name, Value })) : undefined);

const TYPES: Record<string, TypeInfo> = {
  "aws:ec2/vpc:Vpc": {
    uses: ["cidrBlock", "enableDnsHostnames", "enableDnsSupport", "tags"],
    translate: (i, r, call) => {
      call("ec2", "CreateVpc", { CidrBlock: i.cidrBlock, TagSpecifications: tagSpec("vpc", i.tags) });
      if (i.enableDnsSupport !== undefined) call("ec2", "ModifyVpcAttribute", { VpcId: r.name, EnableDnsSupport: { Value: i.enableDnsSupport } });
      if (i.enableDnsHostnames !== undefined) call("ec2", "ModifyVpcAttribute", { VpcId: r.name, EnableDnsHostnames: { Value: i.enableDnsHostnames } });
    },
  },
  "aws:ec2/subnet:Subnet": {
    uses: ["vpcId", "cidrBlock", "availabilityZone", "mapPublicIpOnLaunch", "tags"],
    translate: (i, r, call) => {
      call("ec2", "CreateSubnet", { VpcId: i.vpcId, CidrBlock: i.cidrBlock, AvailabilityZone: i.availabilityZone, TagSpecifications: tagSpec("subnet", i.tags) });
      if (i.mapPublicIpOnLaunch !== undefined) call("ec2", "ModifySubnetAttribute", { SubnetId: r.name, MapPublicIpOnLaunch: { Value: i.mapPublicIpOnLaunch } });
    },
  },
  "aws:ec2/internetGateway:InternetGateway": {
    uses: ["vpcId", "tags"],
    translate: (i, r, call) => {
      call("ec2", "CreateInternetGateway", { TagSpecifications: tagSpec("internet-gateway", i.tags) });
      call("ec2", "AttachInternetGateway", { InternetGatewayId: r.name, VpcId: i.vpcId });
    },
  },
  "aws:ec2/routeTable:RouteTable": {
    uses: ["vpcId", "routes", "tags"],
    translate: (i, r, call) => {
      call("ec2", "CreateRouteTable", { VpcId: i.vpcId, TagSpecifications: tagSpec("route-table", i.tags) });
      for (const route of list(i.routes)) {
        call("ec2", "CreateRoute", {
          RouteTableId: r.name,
          DestinationCidrBlock: route.cidrBlock,
          DestinationIpv6CidrBlock: route.ipv6CidrBlock,
          GatewayId: route.gatewayId,
          NatGatewayId: route.natGatewayId,
          VpcEndpointId: route.vpcEndpointId,
        });
      }
    },
  },
  "aws:ec2/routeTableAssociation:RouteTableAssociation": {
    uses: ["routeTableId", "subnetId", "gatewayId"],
    translate: (i, _r, call) => call("ec2", "AssociateRouteTable", { RouteTableId: i.routeTableId, SubnetId: i.subnetId, GatewayId: i.gatewayId }),
  },
  "aws:ec2/eip:Eip": {
    uses: ["domain", "tags"],
    translate: (i, _r, call) => call("ec2", "AllocateAddress", { Domain: i.domain, TagSpecifications: tagSpec("elastic-ip", i.tags) }),
  },
  "aws:ec2/natGateway:NatGateway": {
    uses: ["allocationId", "subnetId", "connectivityType", "tags"],
    translate: (i, _r, call) =>
      call("ec2", "CreateNatGateway", { AllocationId: i.allocationId, SubnetId: i.subnetId, ConnectivityType: i.connectivityType, TagSpecifications: tagSpec("natgateway", i.tags) }),
  },
  "aws:ec2/securityGroup:SecurityGroup": {
    uses: ["name", "description", "vpcId", "ingress", "egress", "tags"],
    providerOnly: ["revokeRulesOnDelete"],
    translate: (i, r, call) => {
      // The provider's default description when none is given.
      call("ec2", "CreateSecurityGroup", { GroupName: nameOf(i, r), Description: i.description ?? "Managed by Pulumi", VpcId: i.vpcId, TagSpecifications: tagSpec("security-group", i.tags) });
      for (const rule of list(i.ingress)) call("ec2", "AuthorizeSecurityGroupIngress", { GroupId: r.name, IpPermissions: [ipPermission(rule)] });
      for (const rule of list(i.egress)) call("ec2", "AuthorizeSecurityGroupEgress", { GroupId: r.name, IpPermissions: [ipPermission(rule)] });
    },
  },
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
    uses: ["securityGroupId", "ipProtocol", "fromPort", "toPort", "cidrIpv4", "cidrIpv6", "referencedSecurityGroupId", "prefixListId", "description", "tags"],
    translate: (i, _r, call) => call("ec2", "AuthorizeSecurityGroupEgress", { GroupId: i.securityGroupId, IpPermissions: [vpcRulePermission(i)] }),
  },
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
    uses: ["securityGroupId", "ipProtocol", "fromPort", "toPort", "cidrIpv4", "cidrIpv6", "referencedSecurityGroupId", "prefixListId", "description", "tags"],
    translate: (i, _r, call) => call("ec2", "AuthorizeSecurityGroupIngress", { GroupId: i.securityGroupId, IpPermissions: [vpcRulePermission(i)] }),
  },
  "aws:lb/loadBalancer:LoadBalancer": {
    uses: ["name", "internal", "loadBalancerType", "subnets", "securityGroups", "dropInvalidHeaderFields", "enableDeletionProtection", "idleTimeout", "accessLogs", "ipAddressType", "tags"],
    translate: (i, r, call) => {
      call("elbv2", "CreateLoadBalancer", {
        Name: nameOf(i, r),
        Subnets: i.subnets,
        SecurityGroups: i.securityGroups,
        Scheme: i.internal ? "internal" : "internet-facing",
        Type: i.loadBalancerType,
        IpAddressType: i.ipAddressType,
      });
      const logs = i.accessLogs as Inputs | undefined;
      const attributes: [string, unknown][] = [
        ["deletion_protection.enabled", i.enableDeletionProtection],
        ["idle_timeout.timeout_seconds", i.idleTimeout],
        ["routing.http.drop_invalid_header_fields.enabled", i.dropInvalidHeaderFields],
        ["access_logs.s3.enabled", logs?.enabled],
        ["access_logs.s3.bucket", logs?.bucket],
        ["access_logs.s3.prefix", logs?.prefix],
      ];
      call("elbv2", "ModifyLoadBalancerAttributes", {
        LoadBalancerArn: `arn:${r.name}`,
        Attributes: attributes.filter(([, v]) => v !== undefined).map(([Key, v]) => ({ Key, Value: String(v) })),
      });
    },
  },
  "aws:lb/targetGroup:TargetGroup": {
    uses: ["name", "vpcId", "targetType", "port", "protocol", "deregistrationDelay", "healthCheck", "tags"],
    translate: (i, r, call) => {
      const hc = (i.healthCheck as Inputs | undefined) ?? {};
      call("elbv2", "CreateTargetGroup", {
        Name: nameOf(i, r),
        Protocol: i.protocol,
        Port: i.port,
        VpcId: i.vpcId,
        TargetType: i.targetType,
        HealthCheckEnabled: hc.enabled ?? true,
        HealthCheckProtocol: hc.protocol,
        HealthCheckPath: hc.path,
        HealthCheckPort: hc.port,
        HealthCheckIntervalSeconds: hc.interval,
        HealthCheckTimeoutSeconds: hc.timeout,
        HealthyThresholdCount: hc.healthyThreshold,
        UnhealthyThresholdCount: hc.unhealthyThreshold,
        Matcher: hc.matcher !== undefined ? { HttpCode: hc.matcher } : undefined,
      });
      if (i.deregistrationDelay !== undefined) {
        call("elbv2", "ModifyTargetGroupAttributes", {
          TargetGroupArn: `arn:${r.name}`,
          Attributes: [{ Key: "deregistration_delay.timeout_seconds", Value: String(i.deregistrationDelay) }],
        });
      }
    },
  },
  "aws:lb/listener:Listener": {
    uses: ["loadBalancerArn", "port", "protocol", "sslPolicy", "certificateArn", "defaultActions", "tags"],
    translate: (i, _r, call) =>
      call("elbv2", "CreateListener", {
        LoadBalancerArn: i.loadBalancerArn,
        Protocol: i.protocol,
        Port: i.port,
        SslPolicy: i.sslPolicy,
        Certificates: i.certificateArn ? [{ CertificateArn: i.certificateArn }] : undefined,
        DefaultActions: list(i.defaultActions).map(elbAction),
      }),
  },
  "aws:lb/listenerRule:ListenerRule": {
    uses: ["listenerArn", "priority", "actions", "conditions", "tags"],
    translate: (i, _r, call) =>
      call("elbv2", "CreateRule", { ListenerArn: i.listenerArn, Priority: i.priority, Conditions: list(i.conditions).map(elbCondition), Actions: list(i.actions).map(elbAction) }),
  },
  "aws:ecs/cluster:Cluster": {
    uses: ["name", "settings", "tags"],
    translate: (i, r, call) => call("ecs", "CreateCluster", { clusterName: nameOf(i, r), settings: list(i.settings).map((s) => ({ name: s.name, value: s.value })) }),
  },
  "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": {
    uses: ["clusterName", "capacityProviders", "defaultCapacityProviderStrategies"],
    translate: (i, _r, call) =>
      call("ecs", "PutClusterCapacityProviders", {
        cluster: i.clusterName,
        capacityProviders: i.capacityProviders,
        defaultCapacityProviderStrategy: list(i.defaultCapacityProviderStrategies).map((s) => ({ capacityProvider: s.capacityProvider, weight: s.weight, base: s.base })),
      }),
  },
  "aws:ecs/taskDefinition:TaskDefinition": {
    uses: ["family", "cpu", "memory", "networkMode", "requiresCompatibilities", "runtimePlatform", "executionRoleArn", "taskRoleArn", "volumes", "containerDefinitions", "tags"],
    translate: (i, _r, call) => {
      const platform = i.runtimePlatform as Inputs | undefined;
      call("ecs", "RegisterTaskDefinition", {
        family: i.family,
        cpu: i.cpu,
        memory: i.memory,
        networkMode: i.networkMode,
        requiresCompatibilities: i.requiresCompatibilities,
        runtimePlatform: platform ? { cpuArchitecture: platform.cpuArchitecture, operatingSystemFamily: platform.operatingSystemFamily } : undefined,
        executionRoleArn: i.executionRoleArn,
        taskRoleArn: i.taskRoleArn,
        volumes: list(i.volumes).map((v) => ({ name: v.name })),
        containerDefinitions: JSON.parse(i.containerDefinitions as string),
      });
    },
  },
  "aws:ecs/service:Service": {
    uses: [
      "name", "cluster", "taskDefinition", "desiredCount", "capacityProviderStrategies", "launchType", "platformVersion", "propagateTags",
      "enableEcsManagedTags", "enableExecuteCommand", "networkConfiguration", "deploymentCircuitBreaker", "deploymentConfiguration",
      "deploymentMinimumHealthyPercent", "deploymentMaximumPercent", "alarms", "healthCheckGracePeriodSeconds", "loadBalancers", "tags",
    ],
    providerOnly: ["forceNewDeployment", "waitForSteadyState"],
    translate: (i, r, call) => {
      const net = i.networkConfiguration as Inputs | undefined;
      const dc = (i.deploymentConfiguration as Inputs | undefined) ?? {};
      const breaker = i.deploymentCircuitBreaker as Inputs | undefined;
      const alarms = i.alarms as Inputs | undefined;
      const linear = dc.linearConfiguration as Inputs | undefined;
      const canary = dc.canaryConfiguration as Inputs | undefined;
      call("ecs", "CreateService", {
        serviceName: nameOf(i, r),
        cluster: i.cluster,
        taskDefinition: i.taskDefinition,
        desiredCount: i.desiredCount,
        launchType: i.launchType,
        capacityProviderStrategy: list(i.capacityProviderStrategies).map((s) => ({ capacityProvider: s.capacityProvider, weight: s.weight, base: s.base })),
        platformVersion: i.platformVersion,
        propagateTags: i.propagateTags,
        enableECSManagedTags: i.enableEcsManagedTags,
        enableExecuteCommand: i.enableExecuteCommand,
        healthCheckGracePeriodSeconds: i.healthCheckGracePeriodSeconds,
        networkConfiguration: net
          ? { awsvpcConfiguration: { subnets: net.subnets, securityGroups: net.securityGroups, assignPublicIp: net.assignPublicIp ? "ENABLED" : "DISABLED" } }
          : undefined,
        deploymentConfiguration: {
          strategy: dc.strategy,
          maximumPercent: i.deploymentMaximumPercent,
          minimumHealthyPercent: i.deploymentMinimumHealthyPercent,
          deploymentCircuitBreaker: breaker ? { enable: breaker.enable, rollback: breaker.rollback } : undefined,
          alarms: alarms ? { alarmNames: alarms.alarmNames, enable: alarms.enable, rollback: alarms.rollback } : undefined,
          // The provider takes minutes as strings and sends integers.
          bakeTimeInMinutes: int(dc.bakeTimeInMinutes),
          linearConfiguration: linear ? { stepPercent: linear.stepPercent, stepBakeTimeInMinutes: int(linear.stepBakeTimeInMinutes) } : undefined,
          canaryConfiguration: canary ? { canaryPercent: canary.canaryPercent, canaryBakeTimeInMinutes: int(canary.canaryBakeTimeInMinutes) } : undefined,
          lifecycleHooks: (dc.lifecycleHooks as Inputs[] | undefined)?.map((h) => {
            const timeout = h.timeoutConfiguration as Inputs | undefined;
            return {
              targetType: h.targetType,
              hookTargetArn: h.hookTargetArn,
              roleArn: h.roleArn,
              lifecycleStages: h.lifecycleStages,
              timeoutConfiguration: timeout ? { action: timeout.action, timeoutInMinutes: int(timeout.timeoutInMinutes) } : undefined,
            };
          }),
        },
        loadBalancers: list(i.loadBalancers).map((lb) => {
          const adv = lb.advancedConfiguration as Inputs | undefined;
          return {
            targetGroupArn: lb.targetGroupArn,
            containerName: lb.containerName,
            containerPort: lb.containerPort,
            advancedConfiguration: adv
              ? { alternateTargetGroupArn: adv.alternateTargetGroupArn, productionListenerRule: adv.productionListenerRule, testListenerRule: adv.testListenerRule, roleArn: adv.roleArn }
              : undefined,
          };
        }),
      });
    },
  },
  "aws:cloudwatch/logGroup:LogGroup": {
    uses: ["name", "retentionInDays", "kmsKeyId", "tags"],
    translate: (i, r, call) => {
      const logGroupName = nameOf(i, r);
      call("logs", "CreateLogGroup", { logGroupName, kmsKeyId: i.kmsKeyId });
      if (i.retentionInDays !== undefined && i.retentionInDays !== 0) call("logs", "PutRetentionPolicy", { logGroupName, retentionInDays: i.retentionInDays });
    },
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": {
    uses: [
      "name", "alarmDescription", "comparisonOperator", "threshold", "evaluationPeriods", "datapointsToAlarm", "treatMissingData", "namespace",
      "metricName", "dimensions", "statistic", "period", "metricQueries", "alarmActions", "okActions", "actionsEnabled", "tags",
    ],
    translate: (i, r, call) =>
      call("cloudwatch", "PutMetricAlarm", {
        AlarmName: nameOf(i, r),
        AlarmDescription: i.alarmDescription,
        ActionsEnabled: i.actionsEnabled,
        AlarmActions: i.alarmActions,
        OKActions: i.okActions,
        ComparisonOperator: i.comparisonOperator,
        Threshold: i.threshold,
        EvaluationPeriods: i.evaluationPeriods,
        DatapointsToAlarm: i.datapointsToAlarm,
        TreatMissingData: i.treatMissingData,
        Namespace: i.namespace,
        MetricName: i.metricName,
        Dimensions: dimensions(i.dimensions),
        Statistic: i.statistic,
        Period: i.period,
        Metrics: (i.metricQueries as Inputs[] | undefined)?.map((q) => {
          const m = q.metric as Inputs | undefined;
          return {
            Id: q.id,
            ReturnData: q.returnData,
            Expression: q.expression,
            Label: q.label,
            Period: q.period,
            MetricStat: m
              ? { Metric: { Namespace: m.namespace, MetricName: m.metricName, Dimensions: dimensions(m.dimensions) }, Period: m.period, Stat: m.stat, Unit: m.unit }
              : undefined,
          };
        }),
      }),
  },
  "aws:iam/role:Role": {
    uses: ["name", "assumeRolePolicy", "description", "path", "maxSessionDuration", "tags"],
    translate: (i, r, call) =>
      call("iam", "CreateRole", { RoleName: nameOf(i, r), AssumeRolePolicyDocument: i.assumeRolePolicy, Description: i.description, Path: i.path, MaxSessionDuration: i.maxSessionDuration }),
  },
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
    uses: ["url", "clientIdLists", "thumbprintLists", "tags"],
    translate: (i, _r, call) => call("iam", "CreateOpenIDConnectProvider", { Url: i.url, ClientIDList: i.clientIdLists, ThumbprintList: i.thumbprintLists }),
  },
  "aws:iam/policy:Policy": {
    uses: ["name", "description", "path", "policy", "tags"],
    translate: (i, r, call) => call("iam", "CreatePolicy", { PolicyName: nameOf(i, r), Description: i.description, Path: i.path, PolicyDocument: i.policy }),
  },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
    uses: ["role", "policyArn"],
    translate: (i, _r, call) => call("iam", "AttachRolePolicy", { RoleName: i.role, PolicyArn: i.policyArn }),
  },
  "aws:ec2/vpcEndpoint:VpcEndpoint": {
    uses: ["vpcId", "serviceName", "vpcEndpointType", "privateDnsEnabled", "subnetIds", "securityGroupIds", "routeTableIds", "tags"],
    translate: (i, _r, call) =>
      call("ec2", "CreateVpcEndpoint", {
        VpcId: i.vpcId,
        ServiceName: i.serviceName,
        VpcEndpointType: i.vpcEndpointType,
        PrivateDnsEnabled: i.privateDnsEnabled,
        SubnetIds: i.subnetIds,
        SecurityGroupIds: i.securityGroupIds,
        RouteTableIds: i.routeTableIds,
        TagSpecifications: tagSpec("vpc-endpoint", i.tags),
      }),
  },
  "aws:iam/rolePolicy:RolePolicy": {
    uses: ["name", "role", "policy"],
    translate: (i, r, call) => call("iam", "PutRolePolicy", { RoleName: i.role, PolicyName: nameOf(i, r), PolicyDocument: i.policy }),
  },
  "aws:appautoscaling/target:Target": {
    uses: ["serviceNamespace", "resourceId", "scalableDimension", "minCapacity", "maxCapacity", "tags"],
    translate: (i, _r, call) =>
      call("application-autoscaling", "RegisterScalableTarget", {
        ServiceNamespace: i.serviceNamespace,
        ResourceId: i.resourceId,
        ScalableDimension: i.scalableDimension,
        MinCapacity: i.minCapacity,
        MaxCapacity: i.maxCapacity,
      }),
  },
  "aws:appautoscaling/policy:Policy": {
    uses: ["name", "policyType", "serviceNamespace", "resourceId", "scalableDimension", "targetTrackingScalingPolicyConfiguration"],
    translate: (i, r, call) => {
      const t = i.targetTrackingScalingPolicyConfiguration as Inputs | undefined;
      const predefined = t?.predefinedMetricSpecification as Inputs | undefined;
      call("application-autoscaling", "PutScalingPolicy", {
        PolicyName: nameOf(i, r),
        ServiceNamespace: i.serviceNamespace,
        ResourceId: i.resourceId,
        ScalableDimension: i.scalableDimension,
        PolicyType: i.policyType,
        TargetTrackingScalingPolicyConfiguration: t
          ? {
              TargetValue: t.targetValue,
              DisableScaleIn: t.disableScaleIn,
              ScaleInCooldown: t.scaleInCooldown,
              ScaleOutCooldown: t.scaleOutCooldown,
              PredefinedMetricSpecification: predefined ? { PredefinedMetricType: predefined.predefinedMetricType, ResourceLabel: predefined.resourceLabel } : undefined,
            }
          : undefined,
      });
    },
  },
  "aws:ecr/repository:Repository": {
    uses: ["name", "imageScanningConfiguration", "imageTagMutability", "imageTagMutabilityExclusionFilters", "encryptionConfigurations", "tags"],
    providerOnly: ["forceDelete"],
    translate: (i, r, call) => {
      const scan = i.imageScanningConfiguration as Inputs | undefined;
      const [enc] = list(i.encryptionConfigurations);
      call("ecr", "CreateRepository", {
        repositoryName: nameOf(i, r),
        imageScanningConfiguration: scan ? { scanOnPush: scan.scanOnPush } : undefined,
        imageTagMutability: i.imageTagMutability,
        imageTagMutabilityExclusionFilters: (i.imageTagMutabilityExclusionFilters as Inputs[] | undefined)?.map((f) => ({ filterType: f.filterType, filter: f.filter })),
        encryptionConfiguration: enc ? { encryptionType: enc.encryptionType, kmsKey: enc.kmsKey } : undefined,
      });
    },
  },
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": {
    uses: ["repository", "policy"],
    translate: (i, _r, call) => call("ecr", "PutLifecyclePolicy", { repositoryName: i.repository, lifecyclePolicyText: i.policy }),
  },
  "aws:ecr/pullThroughCacheRule:PullThroughCacheRule": {
    uses: ["ecrRepositoryPrefix", "upstreamRegistryUrl", "credentialArn"],
    translate: (i, _r, call) =>
      call("ecr", "CreatePullThroughCacheRule", { ecrRepositoryPrefix: i.ecrRepositoryPrefix, upstreamRegistryUrl: i.upstreamRegistryUrl, credentialArn: i.credentialArn }),
  },
  "aws:s3/bucket:Bucket": {
    uses: ["bucket", "tags"],
    providerOnly: ["forceDestroy"],
    translate: (i, r, call, ctx) =>
      // Outside us-east-1 the provider sends the region as the location constraint.
      call("s3", "CreateBucket", {
        Bucket: nameOf(i, r, "bucket"),
        CreateBucketConfiguration: ctx.region === "us-east-1" ? undefined : { LocationConstraint: ctx.region },
      }),
  },
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": {
    uses: ["bucket", "blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"],
    translate: (i, _r, call) =>
      call("s3", "PutPublicAccessBlock", {
        Bucket: i.bucket,
        PublicAccessBlockConfiguration: { BlockPublicAcls: i.blockPublicAcls, BlockPublicPolicy: i.blockPublicPolicy, IgnorePublicAcls: i.ignorePublicAcls, RestrictPublicBuckets: i.restrictPublicBuckets },
      }),
  },
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": {
    uses: ["bucket", "rule"],
    translate: (i, _r, call) =>
      call("s3", "PutBucketOwnershipControls", { Bucket: i.bucket, OwnershipControls: { Rules: [{ ObjectOwnership: (i.rule as Inputs).objectOwnership }] } }),
  },
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
    uses: ["bucket", "rules"],
    translate: (i, _r, call) =>
      call("s3", "PutBucketEncryption", {
        Bucket: i.bucket,
        ServerSideEncryptionConfiguration: {
          Rules: list(i.rules).map((rule) => {
            const d = rule.applyServerSideEncryptionByDefault as Inputs | undefined;
            return {
              ApplyServerSideEncryptionByDefault: d ? { SSEAlgorithm: d.sseAlgorithm, KMSMasterKeyID: d.kmsMasterKeyId } : undefined,
              BucketKeyEnabled: bool(rule.bucketKeyEnabled),
            };
          }),
        },
      }),
  },
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": {
    uses: ["bucket", "rules"],
    translate: (i, _r, call) =>
      call("s3", "PutBucketLifecycleConfiguration", {
        Bucket: i.bucket,
        LifecycleConfiguration: {
          Rules: list(i.rules).map((rule) => {
            const exp = rule.expiration as Inputs | undefined;
            const filter = rule.filter as Inputs | undefined;
            const abort = rule.abortIncompleteMultipartUpload as Inputs | undefined;
            return {
              ID: rule.id,
              Status: rule.status,
              Filter: filter ? { Prefix: filter.prefix ?? "" } : { Prefix: "" },
              Expiration: exp ? { Days: exp.days } : undefined,
              AbortIncompleteMultipartUpload: abort ? { DaysAfterInitiation: abort.daysAfterInitiation } : undefined,
            };
          }),
        },
      }),
  },
  "aws:s3/bucketPolicy:BucketPolicy": {
    uses: ["bucket", "policy"],
    translate: (i, _r, call) => call("s3", "PutBucketPolicy", { Bucket: i.bucket, Policy: i.policy }),
  },
  // Notifications --------------------------------------------------------------------------------
  "aws:sns/topic:Topic": {
    uses: ["name", "displayName", "tags"],
    translate: (i, r, call) => call("sns", "CreateTopic", { Name: nameOf(i, r), Attributes: i.displayName === undefined ? undefined : { DisplayName: i.displayName } }),
  },
  "aws:sns/topicPolicy:TopicPolicy": {
    uses: ["arn", "policy"],
    translate: (i, _r, call) => call("sns", "SetTopicAttributes", { TopicArn: i.arn, AttributeName: "Policy", AttributeValue: i.policy }),
  },
  "aws:sns/topicSubscription:TopicSubscription": {
    uses: ["topic", "protocol", "endpoint"],
    translate: (i, _r, call) => call("sns", "Subscribe", { TopicArn: i.topic, Protocol: i.protocol, Endpoint: i.endpoint, ReturnSubscriptionArn: true }),
  },
  "aws:sqs/queue:Queue": {
    uses: ["name", "messageRetentionSeconds", "sqsManagedSseEnabled", "tags"],
    translate: (i, r, call) =>
      call("sqs", "CreateQueue", {
        QueueName: nameOf(i, r),
        Attributes: { MessageRetentionPeriod: i.messageRetentionSeconds === undefined ? undefined : String(i.messageRetentionSeconds), SqsManagedSseEnabled: i.sqsManagedSseEnabled === undefined ? undefined : String(i.sqsManagedSseEnabled) },
      }),
  },
  "aws:lambda/function:Function": {
    uses: ["name", "description", "runtime", "architectures", "handler", "code", "role", "memorySize", "timeout", "loggingConfig", "deadLetterConfig", "environment", "tags"],
    translate: (i, r, call) => {
      const logging = i.loggingConfig as Inputs | undefined;
      call("lambda", "CreateFunction", {
        FunctionName: nameOf(i, r),
        Description: i.description,
        Runtime: i.runtime,
        Architectures: i.architectures,
        Handler: i.handler,
        // The provider zips the archive and uploads its bytes.
        Code: { ZipFile: "(zip)" },
        Role: i.role,
        MemorySize: int(i.memorySize),
        Timeout: int(i.timeout),
        LoggingConfig: logging ? { LogFormat: logging.logFormat, LogGroup: logging.logGroup, ApplicationLogLevel: logging.applicationLogLevel, SystemLogLevel: logging.systemLogLevel } : undefined,
        DeadLetterConfig: i.deadLetterConfig ? { TargetArn: (i.deadLetterConfig as Inputs).targetArn } : undefined,
        Environment: i.environment ? { Variables: (i.environment as Inputs).variables } : undefined,
      });
    },
  },
  "aws:lambda/functionUrl:FunctionUrl": {
    uses: ["functionName", "authorizationType", "invokeMode", "cors"],
    translate: (i, _r, call) => call("lambda", "CreateFunctionUrlConfig", { FunctionName: i.functionName, AuthType: i.authorizationType, InvokeMode: i.invokeMode }),
  },
  "aws:lambda/permission:Permission": {
    uses: ["function", "action", "principal", "sourceArn", "sourceAccount", "functionUrlAuthType", "invokedViaFunctionUrl", "statementId"],
    translate: (i, r, call) =>
      call("lambda", "AddPermission", {
        FunctionName: i.function,
        // The provider names an unnamed statement "terraform-" and a 26-character unique id.
        StatementId: (i.statementId as string | undefined) ?? `terraform-${"0".repeat(26)}`,
        Action: i.action,
        Principal: i.principal,
        SourceArn: i.sourceArn,
        SourceAccount: i.sourceAccount,
        FunctionUrlAuthType: i.functionUrlAuthType,
        InvokedViaFunctionUrl: bool(i.invokedViaFunctionUrl),
      }),
  },
  "aws:cloudwatch/eventRule:EventRule": {
    uses: ["name", "description", "eventPattern", "state", "tags"],
    translate: (i, r, call) => call("events", "PutRule", { Name: nameOf(i, r), Description: i.description, EventPattern: i.eventPattern, State: i.state }),
  },
  "aws:cloudwatch/eventTarget:EventTarget": {
    uses: ["rule", "arn", "targetId"],
    translate: (i, _r, call) => call("events", "PutTargets", { Rule: i.rule, Targets: [{ Id: (i.targetId as string | undefined) ?? `terraform-${"0".repeat(26)}`, Arn: i.arn }] }),
  },
  "aws:secretsmanager/secret:Secret": {
    uses: ["name", "description", "kmsKeyId", "tags"],
    translate: (i, r, call) => call("secretsmanager", "CreateSecret", { Name: nameOf(i, r), Description: i.description, KmsKeyId: i.kmsKeyId }),
  },
  "aws:secretsmanager/secretVersion:SecretVersion": {
    uses: ["secretId", "secretString"],
    translate: (i, _r, call) => call("secretsmanager", "PutSecretValue", { SecretId: i.secretId, SecretString: i.secretString }),
  },
};

/** Types that are not AWS API resources: Pulumi's own, docker-build, Ferry's dynamic providers. */
const NOT_AWS = (type: string) => !type.startsWith("aws:");

/** The API calls that create `r`; `untranslated` names inputs (or a whole type) this file cannot translate. */
export function apiCalls(r: PlannedResource, region: string): Translation {
  if (!r.custom || NOT_AWS(r.type)) return { calls: [], untranslated: [] };
  const info = TYPES[r.type];
  if (!info) return { calls: [], untranslated: [`${r.type} (no translation: add one to test/support/awsRequests.ts)`] };
  const inputs = unwrapSecrets(r.inputs) as Inputs;
  const known = new Set([...info.uses, ...(info.providerOnly ?? [])]);
  const untranslated = Object.keys(inputs).filter((k) => !known.has(k)).map((k) => `${r.type} input ${k}`);
  const calls: ApiCall[] = [];
  info.translate(inputs, r, (service, operation, request) => calls.push({ service, operation, request: clean(request), resource: `${r.type} ${r.name}` }), { region });
  return { calls, untranslated };
}
