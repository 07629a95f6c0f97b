/**
 * Least-privilege policy documents, built as plain data so they are tested without any runtime.
 * No statement grants `*` actions, and `*` resources appear only for actions that AWS does not
 * scope to a resource (ecr:GetAuthorizationToken).
 */

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string | string[];
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export interface ExecutionPolicyInput {
  /** ARN of the ECR repository the image is pulled from; undefined for images outside ECR. */
  repositoryArn?: string;
  /** ARN of the service's log group. */
  logGroupArn: string;
  /** ARNs of SSM parameters and Secrets Manager secrets the container reads at start. */
  secretArns: string[];
}

/** The policy ECS uses to start a service's tasks: pull the image, write logs, read its secrets. */
export function executionPolicy(input: ExecutionPolicyInput): PolicyDocument {
  const statements: PolicyStatement[] = [];
  if (input.repositoryArn) {
    statements.push(
      { Sid: "EcrToken", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
      {
        Sid: "PullImage",
        Effect: "Allow",
        Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        Resource: input.repositoryArn,
      },
    );
  }
  statements.push({
    Sid: "WriteLogs",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: `${input.logGroupArn}:*`,
  });
  const ssm = input.secretArns.filter((a) => a.split(":")[2] === "ssm");
  const secretsManager = input.secretArns.filter((a) => a.split(":")[2] === "secretsmanager");
  if (ssm.length) statements.push({ Sid: "ReadParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: ssm });
  if (secretsManager.length) {
    statements.push({ Sid: "ReadSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: secretsManager });
  }
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * Actions AWS does not scope to a resource, so their statements name `*`: the only `*` resources
 * Ferry writes. Tests hold every policy to this list.
 */
export const UNSCOPED_ACTIONS = [
  "ecr:GetAuthorizationToken",
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
  "elasticloadbalancing:DescribeListeners",
  "elasticloadbalancing:DescribeRules",
  "elasticloadbalancing:DescribeTargetGroups",
  "elasticloadbalancing:DescribeTargetHealth",
];

/** What the application itself may do: nothing, unless ECS Exec is on (Session Manager channels). */
export function taskPolicy(input: { exec: boolean }): PolicyDocument | undefined {
  if (!input.exec) return undefined;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "EcsExec",
        Effect: "Allow",
        Action: ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"],
        Resource: "*",
      },
    ],
  };
}

/**
 * The role ECS assumes to shift traffic in blue/green, linear and canary deployments: the AWS managed
 * AmazonECSInfrastructureRolePolicyForLoadBalancers, narrowed to this service's target groups,
 * listener and listener rules.
 */
export function trafficShiftPolicy(input: { targetGroupArns: string[]; listenerArn: string; ruleArns: string[] }): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadLoadBalancing",
        Effect: "Allow",
        Action: ["elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth"],
        Resource: "*",
      },
      { Sid: "MoveTargets", Effect: "Allow", Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"], Resource: input.targetGroupArns },
      { Sid: "ShiftTraffic", Effect: "Allow", Action: ["elasticloadbalancing:ModifyListener", "elasticloadbalancing:ModifyRule"], Resource: [input.listenerArn, ...input.ruleArns] },
    ],
  };
}

/** Trust policy letting an AWS service principal assume a role. */
export function assumeRolePolicy(service: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
}

/**
 * The ECR repository ARN behind an image reference such as
 * `123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app@sha256:…`; undefined when the image is not in ECR.
 */
export function ecrRepositoryArn(imageRef: string, partition = "aws"): string | undefined {
  const m = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^@:]+)/.exec(imageRef);
  if (!m) return undefined;
  return `arn:${partition}:ecr:${m[2]}:${m[1]}:repository/${m[3]}`;
}
