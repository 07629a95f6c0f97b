/**
 * The edges of notifications' pure decisions, as tables: the functions' IAM documents exactly,
 * delivery's status and Retry-After boundaries, Slack payloads that are not button presses,
 * `ferry:notifications` accepted and refused at each pattern's ends, and messages for the states the
 * samples do not show. (Rules against AWS's samples: notifications.test.ts; stacks: notificationsStack.test.ts.)
 */
import { expect } from "chai";
import { parseConfig } from "../config";
import { plannedRules } from "../config/notifications";
import { BASE_DELAY_MS, MAX_DELAY_MS, outcomeOf } from "../lib/delivery";
import { approvalPolicy, notifierPolicy, serviceDeploymentsArn, topicPolicy } from "../lib/notificationPolicies";
import { oversizedRules } from "../lib/notificationRules";
import { chatworkMessage, describeEvent, Notification, slackMessage, StackContext } from "../lib/notifications";
import { readApprovalRequest, verifySlackRequest } from "../lib/slackRequest";
import { stackConfig } from "./harness";

const SERVICE = "arn:aws:ecs:eu-west-1:123456789012:service/ferry-prod-6108927/ferry-prod-web-3bd19e4";
const DEPLOYMENTS = "arn:aws:ecs:eu-west-1:123456789012:service-deployment/ferry-prod-6108927/ferry-prod-web-3bd19e4/*";
const LOGS = "arn:aws:logs:eu-west-1:123456789012:log-group:ferry-prod-notifications-notifier-0a1b2c3";
const QUEUE = "arn:aws:sqs:eu-west-1:123456789012:ferry-prod-notifications-undelivered-0a1b2c3";
const SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ferry/prod/slack-webhook-AbCdEf";
const REPOSITORY = "arn:aws:ecr:eu-west-1:123456789012:repository/ferry-dev";

describe("notifications at their edges", () => {
  describe("the functions' policies, exactly", () => {
    it("a service's deployments: `service-deployment/<cluster>/<service>/*`; a short-format ARN is refused", () => {
      expect(serviceDeploymentsArn(SERVICE)).to.equal(DEPLOYMENTS);
      expect(serviceDeploymentsArn("arn:aws-us-gov:ecs:us-gov-west-1:123456789012:service/c/s")).to.equal("arn:aws-us-gov:ecs:us-gov-west-1:123456789012:service-deployment/c/s/*");
      for (const bad of ["arn:aws:ecs:eu-west-1:123456789012:service/web", "arn:aws:ecs:eu-west-1:123456789012:cluster/c", "arn:aws:ecs:eu-west-1:123456789012:service/c/s/x"]) {
        expect(() => serviceDeploymentsArn(bad), bad).to.throw(`not an ECS service ARN in the long format (…:service/<cluster>/<service>): ${bad}`);
      }
    });

    it("the notifier: every grant, and none it does not need", () => {
      const logs = { Sid: "WriteLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${LOGS}:*` };
      const queue = { Sid: "KeepUndelivered", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: QUEUE };
      expect(notifierPolicy({ logGroupArn: LOGS, secretArns: [SECRET], deadLetterQueueArn: QUEUE, serviceArns: [SERVICE], repositoryArn: REPOSITORY })).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          logs,
          { Sid: "ReadDestinations", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [SECRET] },
          queue,
          { Sid: "FindPausedDeployments", Effect: "Allow", Action: ["ecs:ListServiceDeployments"], Resource: [SERVICE] },
          { Sid: "ReadPausedDeployments", Effect: "Allow", Action: ["ecs:DescribeServiceDeployments"], Resource: [DEPLOYMENTS] },
          { Sid: "ReadGenerations", Effect: "Allow", Action: ["ecr:DescribeImages"], Resource: REPOSITORY },
        ],
      });
      // E-mail only (no secrets), no services, images outside ECR: logs and the queue alone.
      expect(notifierPolicy({ logGroupArn: LOGS, secretArns: [], deadLetterQueueArn: QUEUE, serviceArns: [] })).to.deep.equal({ Version: "2012-10-17", Statement: [logs, queue] });
    });

    it("the approval function and the topic", () => {
      expect(approvalPolicy({ logGroupArn: LOGS, signingSecretArn: SECRET, serviceArns: [SERVICE] }).Statement).to.deep.equal([
        { Sid: "WriteLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${LOGS}:*` },
        { Sid: "ReadSigningSecret", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: SECRET },
        { Sid: "ActOnPausedDeployments", Effect: "Allow", Action: ["ecs:DescribeServiceDeployments", "ecs:ContinueServiceDeployment"], Resource: [DEPLOYMENTS] },
      ]);
      const topic = "arn:aws:sns:eu-west-1:123456789012:ferry-prod-notifications-0a1b2c3";
      const rules = ["arn:aws:events:eu-west-1:123456789012:rule/a", "arn:aws:events:eu-west-1:123456789012:rule/b"];
      expect(topicPolicy(topic, rules)).to.deep.equal({
        Version: "2012-10-17",
        Statement: [{ Sid: "StackRulesPublish", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sns:Publish", Resource: topic, Condition: { ArnEquals: { "aws:SourceArn": rules } } }],
      });
    });
  });

  describe("delivery: what an answer means", () => {
    const cases: [string, number, number | undefined, string | undefined, ReturnType<typeof outcomeOf>][] = [
      ["200", 1, 200, undefined, { kind: "delivered" }],
      ["299", 1, 299, undefined, { kind: "delivered" }],
      ["300 (not delivered, not transient)", 1, 300, undefined, { kind: "give-up", why: "HTTP 300: the request was refused (not tried again)" }],
      ["199", 1, 199, undefined, { kind: "give-up", why: "HTTP 199: the request was refused (not tried again)" }],
      ["404", 1, 404, undefined, { kind: "give-up", why: "HTTP 404: the request was refused (not tried again)" }],
      ["no answer", 1, undefined, undefined, { kind: "retry", afterMs: BASE_DELAY_MS, why: "no answer" }],
      ["429 with Retry-After 3", 2, 429, "3", { kind: "retry", afterMs: 3000, why: "HTTP 429" }],
      ["429 with Retry-After 60: at most the longest wait", 1, 429, "60", { kind: "retry", afterMs: MAX_DELAY_MS, why: "HTTP 429" }],
      ["503 with a date in Retry-After: the backoff", 3, 503, "Wed, 21 Oct 2026 07:28:00 GMT", { kind: "retry", afterMs: 2000, why: "HTTP 503" }],
      ["503 with Retry-After 5s: the backoff", 2, 503, "5s", { kind: "retry", afterMs: 1000, why: "HTTP 503" }],
      ["503 with Retry-After x5: the backoff", 2, 503, "x5", { kind: "retry", afterMs: 1000, why: "HTTP 503" }],
      ["500 on the last try", 4, 500, undefined, { kind: "give-up", why: "HTTP 500 after 4 tries" }],
    ];
    for (const [what, tries, status, retryAfter, expected] of cases) it(what, () => expect(outcomeOf(tries, status, retryAfter)).to.deep.equal(expected));
  });

  describe("Slack requests that are not a button press", () => {
    const payload = (p: object) => `payload=${encodeURIComponent(JSON.stringify(p))}`;
    const value = JSON.stringify({ serviceDeploymentArn: "arn:x", hookId: "h", action: "CONTINUE" });
    const press = { type: "block_actions", user: { id: "U04PRODLEAD" }, actions: [{ action_id: "approve", value }] };
    const cases: [string, string, unknown][] = [
      ["not block_actions", payload({ ...press, type: "view_submission" }), { error: "not a button press" }],
      ["no user", payload({ ...press, user: undefined }), { error: "not a button press" }],
      ["no value", payload({ ...press, actions: [{ action_id: "approve" }] }), { error: "not a button press" }],
      ["no actions", payload({ ...press, actions: undefined }), { error: "not a button press" }],
      ["a value that is not JSON", payload({ ...press, actions: [{ action_id: "approve", value: "yes" }] }), { error: "a button that is not Ferry's" }],
      ["another app's button", payload({ ...press, actions: [{ action_id: "ok", value }] }), { error: "a button that is not Ferry's" }],
      [
        "a press, with nothing to answer in",
        payload({ ...press, response_url: 42 }),
        { userId: "U04PRODLEAD", userName: undefined, action: "CONTINUE", serviceDeploymentArn: "arn:x", hookId: "h", channelId: undefined, messageTs: undefined, responseUrl: undefined },
      ],
    ];
    for (const [what, body, expected] of cases) it(what, () => expect(readApprovalRequest(body)).to.deep.equal(expected));

    it("timestamps: digits only, at most twelve", () => {
      for (const ts of ["12a", "a12", "1234567890123", "-1"]) {
        expect(verifySlackRequest("s", { "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=00" }, "", 0), ts).to.deep.equal({ ok: false, why: "a malformed X-Slack-Request-Timestamp" });
      }
    });
  });

  describe("messages for the states the samples do not show", () => {
    const ctx: StackContext = { stack: "ferry/prod", region: "eu-west-1", clusterName: "c", services: [{ arn: SERVICE, name: "web", image: "registry/app:latest" }] };
    const alarm = (value: string) => describeEvent({ id: "1", "detail-type": "CloudWatch Alarm State Change", source: "aws.cloudwatch", detail: { alarmName: "a", state: { value } } }, ctx)?.level;
    it("alarm states: ALARM an error, OK a success, anything else information", () => {
      expect(["ALARM", "OK", "INSUFFICIENT_DATA"].map(alarm)).to.deep.equal(["error", "success", "info"]);
    });

    it("scan findings below HIGH are a warning; an image not pinned by digest shows no image field", () => {
      const scan = (counts: object) => describeEvent({ id: "1", "detail-type": "ECR Image Scan", source: "aws.ecr", account: "1", detail: { "repository-name": "r", "image-digest": "sha256:x", "finding-severity-counts": counts } }, ctx)?.level;
      expect([scan({ MEDIUM: 3 }), scan({ HIGH: 1 }), scan({ CRITICAL: 1 }), scan({})]).to.deep.equal(["warning", "error", "error", "warning"]);
      const deployed = describeEvent({ id: "1", "detail-type": "ECS Deployment State Change", source: "aws.ecs", resources: [SERVICE], detail: { eventName: "SERVICE_DEPLOYMENT_COMPLETED" } }, ctx);
      expect(deployed?.fields).to.deep.equal([{ label: "Stack", value: "ferry/prod" }, { label: "Service", value: "web" }]);
    });

    it("events without a detail, or not about the stack's services, tell nothing", () => {
      expect(describeEvent({ id: "1", "detail-type": "ECS Deployment State Change" }, ctx)).to.equal(undefined);
      expect(describeEvent(null, ctx)).to.equal(undefined);
      expect(describeEvent({ id: "1", "detail-type": "ECS Hook State Change", resources: [SERVICE], detail: { eventName: "HOOK_SUCCEEDED" } }, ctx)).to.equal(undefined);
      expect(describeEvent({ id: "1", "detail-type": "ECS Service Action", resources: [SERVICE], detail: { eventName: "SERVICE_STEADY_STATE" } }, ctx)).to.equal(undefined);
    });

    it("a Spot interruption in a shared cluster names the service whose task it was", () => {
      const n = describeEvent({ id: "1", "detail-type": "ECS Task State Change", source: "aws.ecs", resources: ["arn:aws:ecs:eu-west-1:1:task/c/abc"], detail: { stopCode: "SpotInterruption", group: "service:ferry-prod-web-3bd19e4" } }, ctx);
      expect([n?.title, n?.links]).to.deep.equal(["ferry/prod web: a Fargate Spot task was interrupted", [{ label: "Task", url: "https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/c/tasks/abc?region=eu-west-1" }]]);
    });

    it("Slack's blocks and Chatwork's lines, field by field", () => {
      const n: Notification = { level: "warning", title: "t <x>", reason: "r & s", fields: [{ label: "A", value: "1" }], links: [{ label: "L", url: "https://x" }], eventId: "e", approval: { serviceDeploymentArn: "d", hookId: "h", service: "web" } };
      const m = slackMessage(n);
      expect(m.blocks.slice(0, 3)).to.deep.equal([
        { type: "section", text: { type: "mrkdwn", text: "*:warning: t &lt;x&gt;*\nr &amp; s" } },
        { type: "section", fields: [{ type: "mrkdwn", text: "*A*\n1" }] },
        { type: "context", elements: [{ type: "mrkdwn", text: "<https://x|L>" }] },
      ]);
      expect(m.blocks[3]).to.deep.equal({
        type: "actions",
        block_id: "ferry-approval",
        elements: [
          { type: "button", action_id: "approve", style: "primary", text: { type: "plain_text", text: "Approve" }, value: JSON.stringify({ serviceDeploymentArn: "d", hookId: "h", action: "CONTINUE" }) },
          { type: "button", action_id: "reject", style: "danger", text: { type: "plain_text", text: "Reject (roll back)" }, value: JSON.stringify({ serviceDeploymentArn: "d", hookId: "h", action: "ROLLBACK" }) },
        ],
      });
      expect(chatworkMessage(n)).to.equal("[info][title]t <x>[/title]r & s\nA: 1\nL: https://x\nApprove or reject in Slack, or with: ferry approve / ferry reject[/info]");
      expect(chatworkMessage({ ...n, reason: undefined, approval: undefined })).to.equal("[info][title]t <x>[/title]A: 1\nL: https://x[/info]");
    });
  });

  describe("ferry:notifications accepted and refused at each pattern's ends", () => {
    const arn = (suffix: string, partition = "aws") => `arn:${partition}:secretsmanager:eu-west-1:123456789012:secret:ferry/x-${suffix}`;
    const parse = (n: object, more: Record<string, unknown> = {}) => {
      const c = stackConfig("staging", { notifications: n, ...more });
      try {
        return parseConfig("staging", c.values, c.secretKeys).notifications;
      } catch (e) {
        return (e as Error).message.split("\n").slice(1).map((l) => l.trim());
      }
    };
    const ok = (n: object) => expect(Array.isArray(parse(n)), JSON.stringify(parse(n))).to.equal(false);
    const refused = (n: object, key: string) => {
      const got = parse(n);
      expect(Array.isArray(got) && got.some((l) => l.startsWith(`${key}: `)), `${JSON.stringify(n)}: ${JSON.stringify(got)}`).to.equal(true);
    };

    it("defaults: HIGH, Pulumi Cloud's events with Slack only, no e-mail", () => {
      expect(parse({ slack: { webhookUrl: { secretArn: arn("AbCdEf") } } })).to.deep.equal({ slack: { webhookUrl: { kind: "arn", arn: arn("AbCdEf") }, signingSecret: undefined, approvers: [] }, chatwork: undefined, email: [], scanSeverity: "HIGH", pulumiDeployments: true });
      expect(parse({ slack: { webhookUrl: { secretArn: arn("AbCdEf") } }, pulumiDeployments: false })).to.deep.include({ pulumiDeployments: false });
      expect(parse({ email: ["a@b.co"] })).to.deep.include({ pulumiDeployments: false, email: ["a@b.co"] });
      expect(parse({ chatwork: { roomId: 318924570, apiToken: { secretArn: arn("AbCdEf") } } })).to.deep.include({ chatwork: { roomId: "318924570", apiToken: { kind: "arn", arn: arn("AbCdEf") } } });
      // An encrypted value read offline (the stack file's `secure:`): a secret whose value the plan never sees.
      expect(parse({ slack: { webhookUrl: { secure: "v1:abc" } } })).to.deep.include({ slack: { webhookUrl: { kind: "value" }, signingSecret: undefined, approvers: [] } });
    });

    it("secret ARNs: any partition, exactly six characters after the name", () => {
      ok({ slack: { webhookUrl: { secretArn: arn("AbCdEf", "aws-us-gov") } } });
      refused({ slack: { webhookUrl: { secretArn: arn("AbCdEfG") } } }, "ferry:notifications.slack.webhookUrl.secretArn");
      refused({ slack: { webhookUrl: { secretArn: `x${arn("AbCdEf")}` } } }, "ferry:notifications.slack.webhookUrl.secretArn");
      refused({ slack: { webhookUrl: { secretArn: arn("AbCdEf", "aws1") } } }, "ferry:notifications.slack.webhookUrl.secretArn");
      refused({ slack: { webhookUrl: {} } }, "ferry:notifications.slack.webhookUrl.secretArn");
    });

    it("what each destination needs", () => {
      refused({ slack: {} }, "ferry:notifications.slack.webhookUrl");
      refused({ chatwork: { apiToken: { secretArn: arn("AbCdEf") } } }, "ferry:notifications.chatwork.roomId");
      refused({ chatwork: { roomId: "1" } }, "ferry:notifications.chatwork.apiToken");
      refused({ slack: { webhookUrl: { secretArn: arn("AbCdEf") }, signingSecret: { secretArn: arn("AbCdEf") }, approvers: [] } }, "ferry:notifications.slack.approvers");
    });

    it("Slack member ids, Chatwork rooms and e-mail addresses, matched whole", () => {
      const slack = (approvers: string[]) => ({ slack: { webhookUrl: { secretArn: arn("AbCdEf") }, signingSecret: { secretArn: arn("AbCdEf") }, approvers } });
      ok(slack(["U04PRODLEA", "W0123456789ABCDEFGHIJ"]));
      for (const bad of ["xU04PRODLEAD", "U04PRODLEAD!", "U0123456", "u04prodlead"]) refused(slack([bad]), "ferry:notifications.slack.approvers[0]");
      for (const bad of ["a123", "123a"]) refused({ chatwork: { roomId: bad, apiToken: { secretArn: arn("AbCdEf") } } }, "ferry:notifications.chatwork.roomId");
      for (const bad of [" a@b.co", "a@b.co ", "a@b", "a@@b.co"]) refused({ email: [bad] }, "ferry:notifications.email[0]");
    });

    it("planned rules are measured in the stack's partition", () => {
      const c = stackConfig("staging", { notifications: { email: ["a@b.co"] } });
      const parsed = parseConfig("staging", c.values, c.secretKeys);
      const cluster = (region: string) => (plannedRules(parsed, parsed.notifications!, region).find((r) => r.name === "spot-interruptions")!.pattern as { detail: { clusterArn: string[] } }).detail.clusterArn[0];
      expect(["eu-west-1", "us-gov-west-1", "cn-north-1"].map(cluster)).to.deep.equal([
        "arn:aws:ecs:eu-west-1:000000000000:cluster/ferry-staging-0000000",
        "arn:aws-us-gov:ecs:us-gov-west-1:000000000000:cluster/ferry-staging-0000000",
        "arn:aws-cn:ecs:cn-north-1:000000000000:cluster/ferry-staging-0000000",
      ]);
      const scan = plannedRules(parsed, parsed.notifications!, "eu-west-1").find((r) => r.name === "scan-findings")!.pattern as { detail: Record<string, unknown> };
      expect([scan.detail["repository-name"], scan.detail["image-digest"]]).to.deep.equal([["ferry-dev"], [parsed.imageRef!.split("@")[1]]]);
      const dev = stackConfig("dev", { notifications: { email: ["a@b.co"] } });
      const devParsed = parseConfig("dev", dev.values, dev.secretKeys);
      const devScan = plannedRules(devParsed, devParsed.notifications!, "eu-west-1").find((r) => r.name === "scan-findings")!.pattern as { detail: Record<string, unknown> };
      expect([devScan.detail["repository-name"], devScan.detail["image-digest"]]).to.deep.equal([["ferry-dev-0000000"], undefined]);
    });

    it("a pattern of exactly the limit fits; one character more does not", () => {
      const rule = (chars: number) => ({ name: "r", description: "", pattern: { s: ["x".repeat(chars - '{"s":[""]}'.length)] } });
      expect(oversizedRules([rule(2048)])).to.deep.equal([]);
      expect(oversizedRules([rule(2049)])).to.deep.equal([{ name: "r", chars: 2049 }]);
    });
  });
});
