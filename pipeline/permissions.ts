/**
 * What each stack's deployments may do in AWS: least-privilege IAM policies for the deployment roles,
 * decided from data (pure; pipeline/index.ts declares them as managed policies).
 *
 * A stack needs the features its resources belong to (`TYPE_FEATURE`: every resource type Ferry's and
 * the network's programs declare, checked against their plans in the tests). Each feature grants the
 * provider's create/read/update/delete/tag calls on resources named after the stack — Ferry names
 * everything `<project>-<stack>-…` (lib/names.ts) — and `Resource: "*"` only for actions AWS does not
 * scope to a resource (Describe*, GetAuthorizationToken, RegisterTaskDefinition's reads). Two kinds
 * of resource cannot be told apart by name and are scoped to the account instead: EC2's (ARNs carry
 * ids, not names) and target groups (named after the service alone, to fit ELB's 32 characters).
 *
 * The review-stack template (dev) is assumed by stacks Pulumi Cloud names itself: its grants cover
 * `<project>-*`, and an explicit Deny keeps it off the long-lived stacks' resources (`<project>-prod-*`…).
 */

import type { NotificationsConfig } from "../config/types";

/** A group of resources a stack creates, and the grants its deployments need for it. */
export type Feature = "services" | "securityGroups" | "cluster" | "loadBalancer" | "accessLogBucket" | "ownNetwork" | "endpoints" | "build" | "pullThroughCache" | "notifications";

/** Which feature each resource type (Pulumi type token) of Ferry's and the network's programs belongs to. */
export const TYPE_FEATURE: Record<string, Feature> = {
  "aws:ecs/taskDefinition:TaskDefinition": "services",
  "aws:ecs/service:Service": "services",
  "aws:cloudwatch/logGroup:LogGroup": "services",
  "aws:cloudwatch/metricAlarm:MetricAlarm": "services",
  "aws:iam/role:Role": "services",
  "aws:iam/rolePolicy:RolePolicy": "services",
  "aws:appautoscaling/target:Target": "services",
  "aws:appautoscaling/policy:Policy": "services",
  "aws:ec2/securityGroup:SecurityGroup": "securityGroups",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "securityGroups",
  "pulumi-nodejs:dynamic/ferry:DeploymentCheck": "services",
  "aws:ecs/cluster:Cluster": "cluster",
  "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": "cluster",
  "aws:lb/loadBalancer:LoadBalancer": "loadBalancer",
  "aws:lb/listener:Listener": "loadBalancer",
  "aws:lb/listenerRule:ListenerRule": "loadBalancer",
  "aws:lb/targetGroup:TargetGroup": "loadBalancer",
  "aws:s3/bucket:Bucket": "accessLogBucket",
  "aws:s3/bucketPolicy:BucketPolicy": "accessLogBucket",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "accessLogBucket",
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "accessLogBucket",
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "accessLogBucket",
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "accessLogBucket",
  "aws:ec2/vpc:Vpc": "ownNetwork",
  "aws:ec2/subnet:Subnet": "ownNetwork",
  "aws:ec2/internetGateway:InternetGateway": "ownNetwork",
  "aws:ec2/routeTable:RouteTable": "ownNetwork",
  "aws:ec2/routeTableAssociation:RouteTableAssociation": "ownNetwork",
  "aws:ec2/eip:Eip": "ownNetwork",
  "aws:ec2/natGateway:NatGateway": "ownNetwork",
  // awsx's Vpc is a component of the VPC resources above plus the S3 gateway endpoint.
  "awsx:ec2:Vpc": "ownNetwork",
  "aws:ec2/vpcEndpoint:VpcEndpoint": "endpoints",
  "aws:ecr/repository:Repository": "build",
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": "build",
  "docker-build:index:Image": "build",
  "docker-build:index:Index": "build",
  "aws:ecr/pullThroughCacheRule:PullThroughCacheRule": "pullThroughCache",
  "aws:sns/topic:Topic": "notifications",
  "aws:sns/topicPolicy:TopicPolicy": "notifications",
  "aws:sns/topicSubscription:TopicSubscription": "notifications",
  "aws:sqs/queue:Queue": "notifications",
  "aws:lambda/function:Function": "notifications",
  "aws:lambda/functionUrl:FunctionUrl": "notifications",
  "aws:lambda/permission:Permission": "notifications",
  "aws:cloudwatch/eventRule:EventRule": "notifications",
  "aws:cloudwatch/eventTarget:EventTarget": "notifications",
  "aws:secretsmanager/secret:Secret": "notifications",
  "aws:secretsmanager/secretVersion:SecretVersion": "notifications",
};

/** What a Ferry stack's config says it creates (the subset of its config the grants depend on). */
export interface FerryStackShape {
  build: boolean;
  pullThroughCache: boolean;
  ownNetwork: boolean;
  ownCluster: boolean;
  loadBalancer: boolean;
  accessLogBucket: boolean;
  notifications: boolean;
  /** Secrets of the team's own that deployments read (the Slack webhook Pulumi Cloud's webhook posts to). */
  readSecretArns: string[];
}

export function ferryFeatures(s: FerryStackShape): Feature[] {
  const on: [boolean, Feature][] = [
    [true, "services"],
    [true, "securityGroups"],
    [s.ownCluster, "cluster"],
    [s.loadBalancer, "loadBalancer"],
    [s.accessLogBucket, "accessLogBucket"],
    [s.ownNetwork, "ownNetwork"],
    [s.build, "build"],
    [s.build && s.pullThroughCache, "pullThroughCache"],
    [s.notifications, "notifications"],
  ];
  return on.filter(([yes]) => yes).map(([, f]) => f);
}

/** The network project's stacks: the VPC (awsx), and interface endpoints behind their security group when configured. */
export function networkFeatures(s: { interfaceEndpoints: unknown[] }): Feature[] {
  return s.interfaceEndpoints.length ? ["ownNetwork", "endpoints", "securityGroups"] : ["ownNetwork"];
}

export interface DeployerScope {
  account: string;
  partition: string;
  /** The name prefix of the stack's resources, e.g. `ferry-prod-`; `ferry-` for the review-stack template. */
  namePrefix: string;
  /** Prefixes of other stacks' resources this role must never touch (the template's Deny). */
  deniedPrefixes: string[];
  /** Secrets of the team's own the deployments read, by ARN. @default none */
  readSecretArns?: string[];
}

export interface Statement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: Statement[];
}

/** One grant: actions on the resources named by `on` (given the name prefix), or on `*`. */
interface Grant {
  sid: string;
  actions: string[];
  on: ((arn: Arns, prefix: string) => string[]) | "*";
  condition?: Statement["Condition"];
}

interface Arns {
  region(service: string, path: string): string;
  global(service: string, path: string): string;
}

const ECS_READ = ["ecs:DescribeTaskDefinition", "ecs:DeregisterTaskDefinition"];
const UNSCOPED: Record<Feature, string[]> = {
  services: [...ECS_READ, "logs:DescribeLogGroups", "application-autoscaling:DescribeScalableTargets", "application-autoscaling:DescribeScalingPolicies",
    "ec2:DescribeVpcs", "ec2:DescribeSubnets"],
  securityGroups: ["ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules", "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs"],
  cluster: [],
  loadBalancer: ["elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeListenerAttributes", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTags"],
  accessLogBucket: [],
  ownNetwork: ["ec2:DescribeInternetGateways", "ec2:DescribeRouteTables", "ec2:DescribeAddresses", "ec2:DescribeAddressesAttribute", "ec2:DescribeNatGateways",
    "ec2:DescribeAvailabilityZones", "ec2:DescribeAccountAttributes"],
  endpoints: ["ec2:DescribeVpcEndpoints", "ec2:DescribeVpcEndpointServices", "ec2:DescribePrefixLists"],
  build: ["ecr:GetAuthorizationToken"],
  pullThroughCache: ["ecr:CreatePullThroughCacheRule", "ecr:DeletePullThroughCacheRule", "ecr:DescribePullThroughCacheRules"],
  // Subscriptions have no resource type in IAM: their calls cannot be scoped.
  notifications: ["sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes", "sns:Unsubscribe"],
};

const GRANTS: Record<Feature, Grant[]> = {
  services: [
    {
      sid: "TaskDefinitions",
      actions: ["ecs:RegisterTaskDefinition", "ecs:TagResource", "ecs:UntagResource", "ecs:ListTagsForResource"],
      on: (a, p) => [a.region("ecs", `task-definition/${p}*:*`)],
    },
    {
      sid: "Services",
      actions: ["ecs:CreateService", "ecs:UpdateService", "ecs:DeleteService", "ecs:DescribeServices", "ecs:TagResource", "ecs:UntagResource",
        "ecs:ListTagsForResource", "ecs:ListServiceDeployments", "ecs:DescribeServiceDeployments", "ecs:DescribeServiceRevisions"],
      on: (a, p) => [a.region("ecs", `service/${p}*/${p}*`), a.region("ecs", `service-deployment/${p}*/${p}*/*`), a.region("ecs", `service-revision/${p}*/${p}*/*`)],
    },
    {
      sid: "LogGroups",
      actions: ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource"],
      on: (a, p) => [a.region("logs", `log-group:${p}*`)],
    },
    {
      sid: "Alarms",
      actions: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource", "cloudwatch:ListTagsForResource"],
      on: (a, p) => [a.region("cloudwatch", `alarm:${p}*`)],
    },
    {
      sid: "Roles",
      actions: ["iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole",
        "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"],
      on: (a, p) => [a.global("iam", `role/${p}*`)],
    },
    {
      // Task roles to ECS tasks, the traffic-shift role to ECS: to those services only.
      sid: "PassRoles",
      actions: ["iam:PassRole"],
      on: (a, p) => [a.global("iam", `role/${p}*`)],
      condition: { StringEquals: { "iam:PassedToService": ["ecs-tasks.amazonaws.com", "ecs.amazonaws.com"] } },
    },
    {
      // Scalable target ARNs carry a random id, not the service's name.
      sid: "Scaling",
      actions: ["application-autoscaling:RegisterScalableTarget", "application-autoscaling:DeregisterScalableTarget", "application-autoscaling:PutScalingPolicy",
        "application-autoscaling:DeleteScalingPolicy", "application-autoscaling:TagResource", "application-autoscaling:ListTagsForResource"],
      on: (a) => [a.region("application-autoscaling", "scalable-target/*")],
    },
    {
      sid: "ServiceLinkedRoles",
      actions: ["iam:CreateServiceLinkedRole"],
      on: (a) => [a.global("iam", "role/aws-service-role/*")],
      condition: { StringEquals: { "iam:AWSServiceName": ["ecs.amazonaws.com", "ecs.application-autoscaling.amazonaws.com", "elasticloadbalancing.amazonaws.com"] } },
    },
  ],
  securityGroups: [
    {
      // EC2 ARNs carry ids, not names: security groups are scoped to the account.
      sid: "SecurityGroups",
      actions: ["ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup", "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress",
        "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress", "ec2:ModifySecurityGroupRules", "ec2:CreateTags", "ec2:DeleteTags"],
      on: (a) => [a.region("ec2", "security-group/*"), a.region("ec2", "security-group-rule/*"), a.region("ec2", "vpc/*")],
    },
  ],
  cluster: [
    {
      sid: "Cluster",
      actions: ["ecs:CreateCluster", "ecs:DeleteCluster", "ecs:DescribeClusters", "ecs:UpdateCluster", "ecs:UpdateClusterSettings", "ecs:PutClusterCapacityProviders",
        "ecs:TagResource", "ecs:UntagResource", "ecs:ListTagsForResource"],
      on: (a, p) => [a.region("ecs", `cluster/${p}*`)],
    },
  ],
  loadBalancer: [
    {
      sid: "LoadBalancer",
      actions: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets", "elasticloadbalancing:CreateListener", "elasticloadbalancing:AddTags",
        "elasticloadbalancing:RemoveTags"],
      on: (a, p) => [a.region("elasticloadbalancing", `loadbalancer/app/${p}*/*`)],
    },
    {
      sid: "Listeners",
      actions: ["elasticloadbalancing:DeleteListener", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyListenerAttributes",
        "elasticloadbalancing:CreateRule", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      on: (a, p) => [a.region("elasticloadbalancing", `listener/app/${p}*/*/*`)],
    },
    {
      sid: "ListenerRules",
      actions: ["elasticloadbalancing:DeleteRule", "elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities", "elasticloadbalancing:AddTags",
        "elasticloadbalancing:RemoveTags"],
      on: (a, p) => [a.region("elasticloadbalancing", `listener-rule/app/${p}*/*/*/*`)],
    },
    {
      // Target groups are named after the service alone (lib/names.ts): scoped to the account.
      sid: "TargetGroups",
      actions: ["elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      on: (a) => [a.region("elasticloadbalancing", "targetgroup/*/*")],
    },
  ],
  accessLogBucket: [
    {
      sid: "AccessLogBucket",
      actions: ["s3:CreateBucket", "s3:DeleteBucket", "s3:ListBucket", "s3:GetBucketLocation", "s3:GetBucketAcl", "s3:GetBucketCORS", "s3:GetBucketWebsite",
        "s3:GetBucketVersioning", "s3:GetAccelerateConfiguration", "s3:GetBucketRequestPayment", "s3:GetBucketLogging", "s3:GetReplicationConfiguration",
        "s3:GetBucketObjectLockConfiguration", "s3:GetBucketTagging", "s3:PutBucketTagging", "s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy",
        "s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock", "s3:GetBucketOwnershipControls", "s3:PutBucketOwnershipControls",
        "s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration", "s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration"],
      on: (a, p) => [a.global("s3", `${p}*`)],
    },
  ],
  ownNetwork: [
    {
      sid: "Network",
      actions: ["ec2:CreateVpc", "ec2:DeleteVpc", "ec2:ModifyVpcAttribute", "ec2:DescribeVpcAttribute", "ec2:CreateSubnet", "ec2:DeleteSubnet", "ec2:ModifySubnetAttribute",
        "ec2:CreateInternetGateway", "ec2:DeleteInternetGateway", "ec2:AttachInternetGateway", "ec2:DetachInternetGateway",
        "ec2:CreateRouteTable", "ec2:DeleteRouteTable", "ec2:CreateRoute", "ec2:DeleteRoute", "ec2:ReplaceRoute", "ec2:AssociateRouteTable", "ec2:DisassociateRouteTable",
        "ec2:AllocateAddress", "ec2:ReleaseAddress", "ec2:DisassociateAddress", "ec2:CreateNatGateway", "ec2:DeleteNatGateway", "ec2:CreateTags", "ec2:DeleteTags"],
      on: (a) => ["vpc", "subnet", "internet-gateway", "route-table", "elastic-ip", "natgateway", "network-interface"].map((t) => a.region("ec2", `${t}/*`)),
    },
  ],
  endpoints: [
    {
      sid: "Endpoints",
      actions: ["ec2:CreateVpcEndpoint", "ec2:DeleteVpcEndpoints", "ec2:ModifyVpcEndpoint"],
      on: (a) => ["vpc-endpoint", "vpc", "subnet", "route-table", "security-group"].map((t) => a.region("ec2", `${t}/*`)),
    },
  ],
  build: [
    {
      sid: "Repository",
      actions: ["ecr:CreateRepository", "ecr:DeleteRepository", "ecr:DescribeRepositories", "ecr:PutLifecyclePolicy", "ecr:GetLifecyclePolicy", "ecr:DeleteLifecyclePolicy",
        "ecr:PutImageScanningConfiguration", "ecr:PutImageTagMutability", "ecr:TagResource", "ecr:UntagResource", "ecr:ListTagsForResource",
        "ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage",
        "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:DescribeImages"],
      on: (a, p) => [a.region("ecr", `repository/${p}*`)],
    },
  ],
  pullThroughCache: [],
  notifications: [
    {
      sid: "Topics",
      actions: ["sns:CreateTopic", "sns:DeleteTopic", "sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:GetDataProtectionPolicy", "sns:Subscribe",
        "sns:ListSubscriptionsByTopic", "sns:TagResource", "sns:UntagResource", "sns:ListTagsForResource"],
      on: (a, p) => [a.region("sns", `${p}*`)],
    },
    {
      sid: "DeadLetterQueues",
      actions: ["sqs:CreateQueue", "sqs:DeleteQueue", "sqs:GetQueueAttributes", "sqs:SetQueueAttributes", "sqs:GetQueueUrl", "sqs:TagQueue", "sqs:UntagQueue", "sqs:ListQueueTags"],
      on: (a, p) => [a.region("sqs", `${p}*`)],
    },
    {
      sid: "Functions",
      actions: ["lambda:CreateFunction", "lambda:DeleteFunction", "lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:UpdateFunctionCode",
        "lambda:UpdateFunctionConfiguration", "lambda:ListVersionsByFunction", "lambda:GetFunctionCodeSigningConfig", "lambda:GetRuntimeManagementConfig",
        "lambda:GetFunctionRecursionConfig", "lambda:AddPermission", "lambda:RemovePermission", "lambda:GetPolicy", "lambda:CreateFunctionUrlConfig",
        "lambda:UpdateFunctionUrlConfig", "lambda:DeleteFunctionUrlConfig", "lambda:GetFunctionUrlConfig", "lambda:TagResource", "lambda:UntagResource", "lambda:ListTags"],
      on: (a, p) => [a.region("lambda", `function:${p}*`)],
    },
    {
      // The functions' roles, to Lambda only.
      sid: "PassFunctionRoles",
      actions: ["iam:PassRole"],
      on: (a, p) => [a.global("iam", `role/${p}*`)],
      condition: { StringEquals: { "iam:PassedToService": ["lambda.amazonaws.com"] } },
    },
    {
      sid: "Rules",
      actions: ["events:PutRule", "events:DeleteRule", "events:DescribeRule", "events:PutTargets", "events:RemoveTargets", "events:ListTargetsByRule",
        "events:TagResource", "events:UntagResource", "events:ListTagsForResource"],
      on: (a, p) => [a.region("events", `rule/${p}*`)],
    },
    {
      // Ferry's own secrets (credentials given as Pulumi secrets).
      sid: "Secrets",
      actions: ["secretsmanager:CreateSecret", "secretsmanager:DeleteSecret", "secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue",
        "secretsmanager:GetSecretValue", "secretsmanager:UpdateSecret", "secretsmanager:GetResourcePolicy", "secretsmanager:ListSecretVersionIds",
        "secretsmanager:TagResource", "secretsmanager:UntagResource"],
      on: (a, p) => [a.region("secretsmanager", `secret:${p}*`)],
    },
  ],
};

/** The statements a stack's deployments need, in the order of `features`. */
export function deployerStatements(features: Feature[], scope: DeployerScope): Statement[] {
  const arns: Arns = {
    region: (service, path) => `arn:${scope.partition}:${service}:*:${scope.account}:${path}`,
    global: (service, path) => (service === "s3" ? `arn:${scope.partition}:s3:::${path}` : `arn:${scope.partition}:${service}::${scope.account}:${path}`),
  };
  const wanted = [...new Set(features)].sort((x, y) => Object.keys(GRANTS).indexOf(x) - Object.keys(GRANTS).indexOf(y));
  // The provider asks who it is before anything else.
  const reads = [...new Set(["sts:GetCallerIdentity", ...wanted.flatMap((f) => UNSCOPED[f])])];
  const out: Statement[] = reads.length ? [{ Sid: "Unscoped", Effect: "Allow", Action: reads, Resource: "*" }] : [];
  for (const g of wanted.flatMap((f) => GRANTS[f])) {
    const on = g.on as (arn: Arns, prefix: string) => string[];
    out.push({ Sid: g.sid, Effect: "Allow", Action: g.actions, Resource: on(arns, scope.namePrefix), ...(g.condition ? { Condition: g.condition } : {}) });
    // Deny the same actions on the long-lived stacks' resources, where the grant is scoped by name.
    const denied = scope.deniedPrefixes.flatMap((p) => on(arns, p)).filter((arn) => !on(arns, scope.namePrefix).includes(arn));
    if (denied.length) out.push({ Sid: `${g.sid}NotOtherStacks`, Effect: "Deny", Action: g.actions, Resource: denied });
  }
  if (wanted.includes("notifications") && scope.readSecretArns?.length) {
    out.push({ Sid: "ReadTeamSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: scope.readSecretArns });
  }
  return out;
}

/** IAM's limit on a managed policy: 6,144 characters, whitespace not counted (IAM and STS quotas). */
export const MANAGED_POLICY_MAX_CHARS = 6144;

export function policySize(doc: PolicyDocument): number {
  return JSON.stringify(doc).replace(/\s/g, "").length;
}

/** The statements packed, in order, into as few managed policies as fit IAM's size limit. */
export function packPolicies(statements: Statement[], max = MANAGED_POLICY_MAX_CHARS): PolicyDocument[] {
  return packGroups(statements, max).map((group) => ({ Version: "2012-10-17", Statement: group.map((i) => statements[i]) }));
}

/** The same as indexes into `statements`: which statements go into which policy. */
export function packGroups(statements: Statement[], max = MANAGED_POLICY_MAX_CHARS): number[][] {
  const groups: number[][] = [];
  const size = (group: number[]) => policySize({ Version: "2012-10-17", Statement: group.map((i) => statements[i]) });
  statements.forEach((s, i) => {
    const last = groups[groups.length - 1];
    if (last && size([...last, i]) <= max) last.push(i);
    else if (size([i]) > max) throw new Error(`statement ${s.Sid} alone is ${size([i])} characters, over IAM's ${max} for a managed policy`);
    else groups.push([i]);
  });
  return groups;
}

/**
 * A stack's managed policies: packed for the longest partition name (`aws-us-gov`), so the same
 * split fits in every partition and the number of policies is known before the account is.
 */
export function deployerPolicyGroups(features: Feature[], scope: Omit<DeployerScope, "account" | "partition">): number[][] {
  return packGroups(deployerStatements(features, { ...scope, account: "000000000000", partition: "aws-us-gov" }));
}

export function deployerPolicies(features: Feature[], scope: DeployerScope): PolicyDocument[] {
  const statements = deployerStatements(features, scope);
  return deployerPolicyGroups(features, scope).map((group) => ({ Version: "2012-10-17", Statement: group.map((i) => statements[i]) }));
}

/** What a Ferry stack creates, read from its validated config (the same reading `pulumi up` does). */
export function ferryStackShape(c: {
  build: boolean;
  image: { pullThroughCache: unknown[] };
  network: { mode: string };
  cluster: { arn?: string };
  services: { port?: number }[];
  loadBalancer: { accessLogs?: { mode: string } };
  notifications?: NotificationsConfig;
}): FerryStackShape {
  const n = c.notifications;
  return {
    build: c.build,
    pullThroughCache: c.image.pullThroughCache.length > 0,
    ownNetwork: c.network.mode === "create",
    ownCluster: c.cluster.arn === undefined,
    loadBalancer: c.services.some((s) => s.port !== undefined),
    accessLogBucket: c.loadBalancer.accessLogs?.mode === "create",
    notifications: n !== undefined,
    // Pulumi Cloud's webhook is given the Slack webhook's URL, read at deploy time from the team's secret.
    readSecretArns: n?.slack && n.pulumiDeployments && n.slack.webhookUrl.kind === "arn" ? [n.slack.webhookUrl.arn] : [],
  };
}

/** IAM's default quota of managed policies attached to one role (IAM and STS quotas; up to 20 on request). */
export const MAX_ATTACHED_POLICIES = 10;
