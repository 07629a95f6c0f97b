/**
 * The notification functions' IAM policies and the topic's resource policy, as plain data. Each
 * function may touch only what the stack owns: its own log group, the secrets it was given, the
 * dead-letter queue, and the deployments of this stack's services (ARN formats from the IAM Service
 * Authorization Reference: `service/<cluster>/<service>`, `service-deployment/<cluster>/<service>/<id>`).
 */
import type { PolicyDocument, PolicyStatement } from "./iam";

/** The ARN pattern of every deployment of a service: `…:service/<c>/<s>` → `…:service-deployment/<c>/<s>/*`. */
export function serviceDeploymentsArn(serviceArn: string): string {
  const at = serviceArn.lastIndexOf(":service/");
  if (at < 0 || serviceArn.slice(at + 9).split("/").length !== 2) throw new Error(`not an ECS service ARN in the long format (…:service/<cluster>/<service>): ${serviceArn}`);
  return `${serviceArn.slice(0, at)}:service-deployment/${serviceArn.slice(at + 9)}/*`;
}

const writeLogs = (logGroupArn: string): PolicyStatement => ({ Sid: "WriteLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroupArn}:*` });

export interface NotifierPolicyInput {
  logGroupArn: string;
  /** The Secrets Manager secrets holding the Slack webhook URL and the Chatwork token. */
  secretArns: string[];
  deadLetterQueueArn: string;
  serviceArns: string[];
  /** The repository whose release tags name generations; absent for images outside ECR. */
  repositoryArn?: string;
}

/** The notifier: reads its secrets, finds a paused deployment's hook, reads an image's generation, keeps what it could not deliver. */
export function notifierPolicy(i: NotifierPolicyInput): PolicyDocument {
  const statements: PolicyStatement[] = [writeLogs(i.logGroupArn)];
  if (i.secretArns.length) statements.push({ Sid: "ReadDestinations", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: i.secretArns });
  statements.push({ Sid: "KeepUndelivered", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: i.deadLetterQueueArn });
  if (i.serviceArns.length) {
    statements.push(
      { Sid: "FindPausedDeployments", Effect: "Allow", Action: ["ecs:ListServiceDeployments"], Resource: i.serviceArns },
      { Sid: "ReadPausedDeployments", Effect: "Allow", Action: ["ecs:DescribeServiceDeployments"], Resource: i.serviceArns.map(serviceDeploymentsArn) },
    );
  }
  if (i.repositoryArn) statements.push({ Sid: "ReadGenerations", Effect: "Allow", Action: ["ecr:DescribeImages"], Resource: i.repositoryArn });
  return { Version: "2012-10-17", Statement: statements };
}

export interface ApprovalPolicyInput {
  logGroupArn: string;
  signingSecretArn: string;
  serviceArns: string[];
}

/** The approval endpoint: reads the signing secret, and continues or rolls back deployments of this stack's services only. */
export function approvalPolicy(i: ApprovalPolicyInput): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      writeLogs(i.logGroupArn),
      { Sid: "ReadSigningSecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: i.signingSecretArn },
      { Sid: "ActOnPausedDeployments", Effect: "Allow", Action: ["ecs:DescribeServiceDeployments", "ecs:ContinueServiceDeployment"], Resource: i.serviceArns.map(serviceDeploymentsArn) },
    ],
  };
}

/**
 * Who may publish to the topic: EventBridge, for this stack's rules only (aws:SourceArn), and
 * nobody else. E-mail and the notifier subscribe; the topic's owner keeps its default rights.
 */
export function topicPolicy(topicArn: string, ruleArns: string[]): { Version: "2012-10-17"; Statement: Record<string, unknown>[] } {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "StackRulesPublish",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: { ArnEquals: { "aws:SourceArn": ruleArns } },
      },
    ],
  };
}
