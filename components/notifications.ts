/**
 * Notifications: who hears about a stack. EventBridge rules scoped to the stack's own cluster,
 * services, repository and alarms (lib/notificationRules.ts) publish to one SNS topic; e-mail
 * subscribes to it, and so does the notifier function, which posts one message per event to Slack
 * and/or Chatwork (functions/notifier.ts). What it cannot deliver lands in a dead-letter queue,
 * whose alarm is itself one of the stack's notified alarms. With Slack's signing secret and
 * approvers, a function URL takes Approve/Reject from Slack (components/approvalEndpoint.ts).
 * Pulumi Cloud's own events for the stack go to the Slack webhook through a Pulumi Cloud webhook.
 *
 * Credentials live in Secrets Manager: a `{ secretArn }` the team made, or a Pulumi secret Ferry
 * stores in a secret of its own. The functions read them at run time; no credential is ever in a
 * function's environment, and none is printed.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as pulumiservice from "@pulumi/pulumiservice";
import type { NotificationsConfig, SecretRef } from "../config/types";
import type { StackContext } from "../lib/notifications";
import { NotificationScope, notificationRules } from "../lib/notificationRules";
import { repositoryNameOfArn } from "../lib/ecrRepository";
import { assumeRolePolicy } from "../lib/iam";
import { undeliveredAlarmName } from "../lib/names";
import { notifierPolicy, topicPolicy } from "../lib/notificationPolicies";
import { ApprovalEndpoint } from "./approvalEndpoint";
import { functionCode, RUNTIME } from "./functionCode";

// ---------------------------------------------------------------------------------------------
// Args
// ---------------------------------------------------------------------------------------------

export interface NotifiedService {
  /** Ferry's name for the service (`web`). */
  name: string;
  /** The ECS service's ARN (`…:service/<cluster>/<service>`). */
  arn: pulumi.Input<string>;
  /** The image it runs, pinned by digest. */
  image: pulumi.Input<string>;
  /** Its deployment alarms. */
  alarmNames: string[];
}

export interface NotificationsArgs {
  /** The validated `ferry:notifications`. */
  settings: NotificationsConfig;
  /** The stack's name (release tags are `release-<stack>-<generation>`). */
  stack: string;
  /** `<project>/<stack>`, as messages name the stack. */
  stackLabel: string;
  clusterArn: pulumi.Input<string>;
  clusterName: pulumi.Input<string>;
  /** The cluster is the stack's own; else Spot interruptions are narrowed to the services' tasks. */
  ownCluster: boolean;
  services: NotifiedService[];
  /** The ECR repository the images come from (scan findings, generations); undefined outside ECR. */
  repositoryArn?: pulumi.Input<string | undefined>;
  /** A stack that runs promoted images hears of scan findings in those digests only. @default every image of the repository */
  imageDigests?: string[];
  /** Log retention of the functions' logs in days (0 keeps them forever). @default 30 */
  logRetentionDays?: number;
}

/** What a Pulumi secret's value is offline (`ferry plan` never decrypts the stack's secrets); a real run always has the value. */
const NOT_DECRYPTED = "(not decrypted offline)";

// ---------------------------------------------------------------------------------------------
// Pure decisions
// ---------------------------------------------------------------------------------------------

/** The rules' scope from resolved values. */
export function scopeOf(args: Pick<NotificationsArgs, "ownCluster" | "imageDigests" | "settings">, v: { clusterArn: string; serviceArns: string[]; repositoryArn?: string; alarmNames: string[] }): NotificationScope {
  return {
    clusterArn: v.clusterArn,
    ownCluster: args.ownCluster,
    // A service's tasks are grouped under its ECS name (`service:<name>`), the last part of its ARN.
    services: v.serviceArns.map((arn) => ({ name: arn.split("/").pop()!, arn })),
    repositoryName: repositoryNameOfArn(v.repositoryArn),
    imageDigests: args.imageDigests,
    alarmNames: v.alarmNames,
    scanSeverity: args.settings.scanSeverity,
  };
}

// ---------------------------------------------------------------------------------------------
// Wiring
// ---------------------------------------------------------------------------------------------

export class Notifications extends pulumi.ComponentResource {
  readonly topicArn: pulumi.Output<string>;
  readonly deadLetterQueueUrl: pulumi.Output<string>;
  /** Slack's Interactivity request URL, when approval from chat is on. */
  readonly approvalUrl?: pulumi.Output<string>;

  constructor(name: string, args: NotificationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ferry:notifications:Notifications", name, {}, opts);
    const parent = { parent: this };
    const s = args.settings;
    const region = aws.getRegionOutput({}, parent).region;

    // Credentials: the team's secrets by ARN, or Ferry's own secret holding a Pulumi secret.
    const secretArn = (key: string, ref: SecretRef, what: string): pulumi.Output<string> => {
      if (ref.kind === "arn") return pulumi.output(ref.arn);
      const secret = new aws.secretsmanager.Secret(`${name}-${key}`, { description: `${args.stackLabel}: ${what}` }, parent);
      // Offline (`ferry plan`) the stack's secrets are not decrypted; the value stays a secret either way.
      const version = new aws.secretsmanager.SecretVersion(`${name}-${key}`, { secretId: secret.id, secretString: pulumi.secret(ref.value ?? NOT_DECRYPTED) }, parent);
      return pulumi.all([secret.arn, version.id]).apply(([arn]) => arn);
    };
    const webhookSecret = s.slack ? secretArn("slack-webhook", s.slack.webhookUrl, "the Slack incoming webhook's URL") : undefined;
    const chatworkSecret = s.chatwork ? secretArn("chatwork-token", s.chatwork.apiToken, "the Chatwork API token") : undefined;

    // What could not be delivered, kept 14 days (SQS's longest), with an alarm on it.
    const deadLetterAlarm = undeliveredAlarmName(name);
    const deadLetters = new aws.sqs.Queue(deadLetterAlarm, { messageRetentionSeconds: 1_209_600, sqsManagedSseEnabled: true }, parent);
    new aws.cloudwatch.MetricAlarm(deadLetterAlarm, {
      name: deadLetterAlarm,
      alarmDescription: `${args.stackLabel}: notifications that could not be delivered are waiting in the dead-letter queue`,
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: deadLetters.name },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      treatMissingData: "notBreaching",
    }, parent);

    // The rules and the topic they publish to.
    const topic = new aws.sns.Topic(`${name}`, { displayName: `Ferry ${args.stackLabel}`.slice(0, 100) }, parent);
    const alarmNames = [...new Set([...args.services.flatMap((x) => x.alarmNames), deadLetterAlarm])];
    const resolved = pulumi.all([args.clusterArn, pulumi.all(args.services.map((x) => x.arn)), args.repositoryArn]).apply(([clusterArn, serviceArns, repositoryArn]) =>
      scopeOf(args, { clusterArn, serviceArns, repositoryArn, alarmNames }),
    );
    // Which rules exist is known before any ARN is: only their patterns wait for the ARNs.
    const placeholder = scopeOf(args, { clusterArn: "", serviceArns: args.services.map(() => ""), repositoryArn: args.repositoryArn === undefined ? undefined : ":repository/(not yet known)", alarmNames });
    const rules = notificationRules(placeholder).map((rule) => {
      const eventRule = new aws.cloudwatch.EventRule(`${name}-${rule.name}`, {
        description: `${args.stackLabel}: ${rule.description}`.slice(0, 512),
        eventPattern: resolved.apply((scope) => JSON.stringify(notificationRules(scope).find((r) => r.name === rule.name)!.pattern)),
      }, parent);
      new aws.cloudwatch.EventTarget(`${name}-${rule.name}`, { rule: eventRule.name, arn: topic.arn }, parent);
      return eventRule;
    });
    new aws.sns.TopicPolicy(name, {
      arn: topic.arn,
      policy: pulumi.all([topic.arn, pulumi.all(rules.map((r) => r.arn))]).apply(([arn, ruleArns]) => JSON.stringify(topicPolicy(arn, ruleArns))),
    }, parent);
    s.email.forEach((address, i) => new aws.sns.TopicSubscription(`${name}-email-${i}`, { topic: topic.arn, protocol: "email", endpoint: address }, parent));

    // The notifier.
    const context = pulumi.all([region, args.clusterName, pulumi.all(args.services.map((x) => pulumi.all([x.arn, x.image])))]).apply(
      ([r, clusterName, arns]): StackContext => ({ stack: args.stackLabel, region: r, clusterName, services: args.services.map((x, i) => ({ name: x.name, arn: arns[i][0], image: arns[i][1] })) }),
    );
    if (s.slack || s.chatwork) {
      const logGroup = new aws.cloudwatch.LogGroup(`${name}-notifier`, { retentionInDays: args.logRetentionDays ?? 30 }, parent);
      const role = new aws.iam.Role(`${name}-notifier`, { assumeRolePolicy: assumeRolePolicy("lambda.amazonaws.com"), description: `Tells ${args.stackLabel}'s team: reads its destinations' secrets, keeps what it cannot deliver` }, parent);
      const policy = new aws.iam.RolePolicy(`${name}-notifier`, {
        role: role.id,
        policy: pulumi.all([logGroup.arn, pulumi.all([webhookSecret, chatworkSecret]), deadLetters.arn, resolved, args.repositoryArn]).apply(([logGroupArn, secrets, deadLetterQueueArn, scope, repositoryArn]) =>
          JSON.stringify(notifierPolicy({ logGroupArn, secretArns: secrets.filter((x): x is string => !!x), deadLetterQueueArn, serviceArns: scope.services.map((x) => x.arn), repositoryArn })),
        ),
      }, parent);
      const notifier = new aws.lambda.Function(`${name}-notifier`, {
        description: `Tells ${args.stackLabel}'s team what happens to it (Slack, Chatwork)`,
        runtime: RUNTIME,
        architectures: ["arm64"],
        handler: "index.notifier",
        code: functionCode(context.apply((c) => ({ context: c, approvers: s.slack?.approvers ?? [] }))),
        role: role.arn,
        memorySize: 256,
        // Up to four tries per destination with backoff, ten seconds each at most.
        timeout: 60,
        loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
        deadLetterConfig: { targetArn: deadLetters.arn },
        environment: {
          variables: pulumi.all([webhookSecret, chatworkSecret, deadLetters.url, args.repositoryArn]).apply(([webhook, chatwork, queueUrl, repositoryArn]) =>
            definedOnly({
              FERRY_STACK_NAME: args.stack,
              FERRY_SLACK_WEBHOOK_SECRET: webhook,
              FERRY_CHATWORK_TOKEN_SECRET: chatwork,
              FERRY_CHATWORK_ROOM: s.chatwork?.roomId,
              FERRY_DEAD_LETTER_QUEUE_URL: queueUrl,
              FERRY_REPOSITORY: repositoryNameOfArn(repositoryArn),
            }),
          ),
        },
      }, { parent: this, dependsOn: [policy] });
      new aws.lambda.Permission(`${name}-notifier`, { function: notifier.name, action: "lambda:InvokeFunction", principal: "sns.amazonaws.com", sourceArn: topic.arn }, parent);
      new aws.sns.TopicSubscription(`${name}-notifier`, { topic: topic.arn, protocol: "lambda", endpoint: notifier.arn }, parent);
    }

    // Approval from Slack.
    if (s.slack?.signingSecret && s.slack.approvers.length) {
      const endpoint = new ApprovalEndpoint(`${name}-approval`, {
        stackLabel: args.stackLabel,
        context,
        signingSecretArn: secretArn("slack-signing-secret", s.slack.signingSecret, "the Slack app's signing secret"),
        approvers: s.slack.approvers,
        serviceArns: resolved.apply((scope) => scope.services.map((x) => x.arn)),
        logRetentionDays: args.logRetentionDays,
      }, parent);
      this.approvalUrl = endpoint.url;
    }

    // Pulumi Cloud's own events (updates, deployments, drift) to the same Slack channel.
    if (s.slack && s.pulumiDeployments) {
      new pulumiservice.Webhook(`${name}-pulumi-cloud`, {
        active: true,
        displayName: `Ferry ${args.stackLabel} → Slack`,
        organizationName: pulumi.getOrganization(),
        projectName: pulumi.getProject(),
        stackName: pulumi.getStack(),
        format: "slack",
        filters: ["update_succeeded", "update_failed", "deployment_failed", "drift_detected"],
        payloadUrl: pulumi.secret(secretValue(s.slack.webhookUrl, this)),
      }, parent);
    }

    this.topicArn = topic.arn;
    this.deadLetterQueueUrl = deadLetters.url;
    this.registerOutputs({ topicArn: this.topicArn, deadLetterQueueUrl: this.deadLetterQueueUrl, approvalUrl: this.approvalUrl });
  }
}

/** A credential's value at deploy time: the Pulumi secret itself, or read from the team's Secrets Manager secret. */
function secretValue(ref: SecretRef, parent: pulumi.Resource): pulumi.Input<string> {
  if (ref.kind === "value") return ref.value ?? NOT_DECRYPTED;
  return aws.secretsmanager.getSecretVersionOutput({ secretId: ref.arn }, { parent }).secretString;
}

/** Environment variables without the unset ones. */
function definedOnly(variables: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(variables).filter(([, v]) => v !== undefined)) as Record<string, string>;
}
