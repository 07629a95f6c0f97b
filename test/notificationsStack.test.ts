/**
 * Notifications as a stack declares them (components/notifications.ts, components/approvalEndpoint.ts),
 * under Pulumi's mock runtime: AWS's sample events rewritten to the plan's own resources reach exactly
 * the rules that should hear them, and another stack's reach none; every rule publishes to the topic,
 * which only those rules may publish to; undelivered messages land in a dead-letter queue with an
 * alarm; no credential is in a plain input; each function's role touches this stack's resources only.
 * And `ferry:notifications` refuses what it cannot honour, word for word.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { bundleFile } from "../functions/bundle";
import { expect } from "chai";
import { ConfigError, parseConfig } from "../config";
import type { StackFile } from "../functions/stackFile";
import { MAX_PATTERN_CHARS } from "../lib/notificationRules";
import { plannedRules } from "../config/notifications";
import { redact } from "../plan/render";
import { PlannedResource, ProgramRun, runProgram } from "../plan/run";
import { stackConfig } from "./harness";
import { matches } from "./support/eventPattern";
import { policyProblems } from "./support/awsRules";
import { about, HEARD_BY, Resources, SAMPLES } from "./support/sampleEvents";

const RULES = ["deployments", "approvals", "service-trouble", "spot-interruptions", "scan-findings", "alarms"];
const ARN = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:ferry/${name}-AbCdEf`;

const ofType = (run: ProgramRun, type: string) => run.resources.filter((r) => r.type === type);
const policyOf = (r: PlannedResource) => JSON.parse(String(r.inputs.policy)) as { Statement: { Sid: string; Action: string | string[]; Resource: string | string[]; Principal?: unknown; Condition?: Record<string, Record<string, string[]>> }[] };
const stackFileOf = (fn: PlannedResource) => JSON.parse((fn.inputs.code as { files: Record<string, string> }).files["stack.json"]) as StackFile;
const rulesOf = (run: ProgramRun) => ofType(run, "aws:cloudwatch/eventRule:EventRule").map((r) => ({ name: r.name.replace(/^ferry-[a-z]+-notifications-/, ""), pattern: JSON.parse(String(r.inputs.eventPattern)) }));

/** The stack's own resources, as its functions know them and its rules name them. */
function resourcesOf(run: ProgramRun): Resources {
  const ctx = stackFileOf(ofType(run, "aws:lambda/function:Function").find((f) => f.inputs.handler === "index.notifier")!).context;
  const spot = rulesOf(run).find((r) => r.name === "spot-interruptions")!.pattern as { detail: { clusterArn: string[] } };
  const scan = rulesOf(run).find((r) => r.name === "scan-findings")?.pattern as { detail: { "repository-name": string[]; "image-digest"?: string[] } } | undefined;
  const alarms = ofType(run, "aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => String(a.inputs.name));
  return {
    account: "123456789012",
    region: ctx.region,
    clusterArn: spot.detail.clusterArn[0],
    serviceArn: ctx.services[0].arn,
    repositoryName: scan?.detail["repository-name"][0] ?? "none",
    imageDigest: scan?.detail["image-digest"]?.[0] ?? `sha256:${"ef".repeat(32)}`,
    alarmName: alarms[0],
  };
}

describe("notifications, as the stacks declare them", () => {
  let prod: ProgramRun;
  let staging: ProgramRun;
  before(async () => {
    prod = await runProgram("prod", stackConfig("prod"));
    staging = await runProgram("staging", stackConfig("staging"));
  });

  it("dev, as shipped, has none", async () => {
    const dev = await runProgram("dev", stackConfig("dev"));
    expect(dev.resources.filter((r) => r.type.startsWith("ferry:notifications") || r.parentType?.startsWith("ferry:notifications"))).to.deep.equal([]);
    expect(dev.outputs.approvalUrl).to.equal(undefined);
  });

  describe("AWS's sample events, rewritten to the plan's own resources", () => {
    for (const name of SAMPLES) {
      it(`${name}: prod's ${HEARD_BY[name].join(", ") || "no rule"}; staging's event: none of prod's rules`, () => {
        const hearing = (run: ProgramRun, event: unknown) => rulesOf(run).filter((r) => matches(r.pattern, event)).map((r) => r.name);
        expect(hearing(prod, about(name, resourcesOf(prod)))).to.deep.equal(HEARD_BY[name]);
        // A finding in the image both stacks run (the same digest, promoted) is prod's news too; another image's is not.
        const theirs = { ...resourcesOf(staging), imageDigest: `sha256:${"cd".repeat(32)}` };
        expect(hearing(prod, about(name, theirs))).to.deep.equal([]);
        if (name === "ecr-image-scan") expect(hearing(prod, about(name, resourcesOf(staging)))).to.deep.equal(["scan-findings"]);
      });
    }

    it("the stacks' rules: prod's six, each scoped (a service prefix in its own cluster, its alarms, its promoted digest)", () => {
      expect(rulesOf(prod).map((r) => r.name)).to.deep.equal(RULES);
      const own = resourcesOf(prod);
      const byName = Object.fromEntries(rulesOf(prod).map((r) => [r.name, r.pattern]));
      expect(byName.deployments.resources).to.deep.equal([{ prefix: `${own.clusterArn.replace(":cluster/", ":service/")}/` }]);
      expect(byName.alarms.detail.alarmName).to.deep.equal(["ferry-prod-web-5xx", "ferry-prod-web-unhealthy", "ferry-prod-web-5xx-green", "ferry-prod-web-unhealthy-green", "ferry-prod-notifications-undelivered"]);
      expect(byName["scan-findings"].detail["image-digest"]).to.deep.equal([prod.config.imageRef!.split("@")[1]]);
    });

    it("in a cluster of the team's own, the rules list the stack's services and narrow Spot interruptions to their tasks", async () => {
      const cluster = "arn:aws:ecs:eu-west-1:123456789012:cluster/shared";
      const run = await runProgram("staging", stackConfig("staging", { cluster: { arn: cluster } }));
      const ctx = stackFileOf(ofType(run, "aws:lambda/function:Function")[0]).context;
      const byName = Object.fromEntries(rulesOf(run).map((r) => [r.name, r.pattern]));
      expect(byName.deployments.resources).to.deep.equal(ctx.services.map((s) => s.arn));
      expect(ctx.services.map((s) => s.arn).every((a) => a.startsWith("arn:aws:ecs:eu-west-1:123456789012:service/shared/ferry-staging-"))).to.equal(true);
      expect(byName["spot-interruptions"].detail.group).to.deep.equal(ctx.services.map((s) => `service:${s.arn.split("/").pop()}`));
      // The refusal's measure (config/notifications.ts) is the declared patterns' size, character for character.
      expect(plannedRules(run.config, run.config.notifications!, "eu-west-1").map((r) => [r.name, JSON.stringify(r.pattern).length])).to.deep.equal(rulesOf(run).map((r) => [r.name, JSON.stringify(r.pattern).length]));
      const neighbour = { ...resourcesOf(run), serviceArn: "arn:aws:ecs:eu-west-1:123456789012:service/shared/someone-else" };
      expect(rulesOf(run).filter((r) => matches(r.pattern, about("ecs-deployment-failed", neighbour))).map((r) => r.name)).to.deep.equal([]);
    });
  });

  describe("delivery", () => {
    it("every rule targets the topic; only those rules may publish to it", () => {
      const topic = ofType(prod, "aws:sns/topic:Topic");
      expect(topic).to.have.length(1);
      const targets = ofType(prod, "aws:cloudwatch/eventTarget:EventTarget");
      expect(targets.map((t) => t.name.replace("ferry-prod-notifications-", ""))).to.deep.equal(RULES);
      const topicArn = String(targets[0].inputs.arn);
      expect(topicArn).to.match(/^arn:aws:sns:eu-west-1:123456789012:ferry-prod-notifications-[0-9a-f]{7}$/);
      expect(targets.every((t) => t.inputs.arn === topicArn)).to.equal(true);
      const policy = policyOf(ofType(prod, "aws:sns/topicPolicy:TopicPolicy")[0]);
      expect(policy.Statement).to.have.length(1);
      const [s] = policy.Statement;
      expect([s.Principal, s.Action, s.Resource]).to.deep.equal([{ Service: "events.amazonaws.com" }, "sns:Publish", topicArn]);
      const sources = s.Condition!.ArnEquals["aws:SourceArn"];
      expect(sources.map((a) => a.replace(/-[0-9a-f]{7}$/, ""))).to.deep.equal(RULES.map((r) => `arn:aws:events:eu-west-1:123456789012:rule/ferry-prod-notifications-${r}`));
      expect(policyProblems(policy as never)).to.deep.equal([]);
    });

    it("the notifier: Node.js on arm64, subscribed to the topic, only SNS may invoke it, failures to the dead-letter queue", () => {
      const fn = ofType(prod, "aws:lambda/function:Function").find((f) => f.inputs.handler === "index.notifier")!;
      expect([fn.inputs.runtime, fn.inputs.architectures]).to.deep.equal(["nodejs22.x", ["arm64"]]);
      const queue = ofType(prod, "aws:sqs/queue:Queue");
      expect(queue.map((q) => [q.inputs.messageRetentionSeconds, q.inputs.sqsManagedSseEnabled])).to.deep.equal([[1_209_600, true]]);
      const queueArn = (fn.inputs.deadLetterConfig as { targetArn: string }).targetArn;
      expect(queueArn).to.match(/^arn:aws:sqs:eu-west-1:123456789012:ferry-prod-notifications-undelivered-[0-9a-f]{7}$/);
      const env = (fn.inputs.environment as { variables: Record<string, string> }).variables;
      expect(env.FERRY_DEAD_LETTER_QUEUE_URL).to.equal(`https://sqs.eu-west-1.amazonaws.com/123456789012/${queueArn.split(":").pop()}`);
      const alarm = ofType(prod, "aws:cloudwatch/metricAlarm:MetricAlarm").find((a) => a.inputs.name === "ferry-prod-notifications-undelivered")!;
      expect([alarm.inputs.namespace, alarm.inputs.metricName, alarm.inputs.dimensions, alarm.inputs.comparisonOperator, alarm.inputs.threshold]).to.deep.equal(["AWS/SQS", "ApproximateNumberOfMessagesVisible", { QueueName: queueArn.split(":").pop() }, "GreaterThanThreshold", 0]);
      const sub = ofType(prod, "aws:sns/topicSubscription:TopicSubscription").filter((x) => x.inputs.protocol === "lambda");
      expect(sub).to.have.length(1);
      expect(String(sub[0].inputs.endpoint)).to.match(/^arn:aws:lambda:eu-west-1:123456789012:function:ferry-prod-notifications-notifier-[0-9a-f]{7}$/);
      const invoke = ofType(prod, "aws:lambda/permission:Permission").find((p) => p.name === "ferry-prod-notifications-notifier")!;
      expect([invoke.inputs.principal, invoke.inputs.action, invoke.inputs.sourceArn]).to.deep.equal(["sns.amazonaws.com", "lambda:InvokeFunction", ofType(prod, "aws:cloudwatch/eventTarget:EventTarget")[0].inputs.arn]);
    });

    it("e-mail subscriptions when configured, none otherwise", async () => {
      const run = await runProgram("staging", stackConfig("staging", { notifications: { email: ["oncall@example.com", "team@example.com"] } }));
      expect(ofType(run, "aws:sns/topicSubscription:TopicSubscription").map((s) => [s.inputs.protocol, s.inputs.endpoint])).to.deep.equal([["email", "oncall@example.com"], ["email", "team@example.com"]]);
      // E-mail alone: no notifier, no secrets.
      expect(ofType(run, "aws:lambda/function:Function")).to.deep.equal([]);
      expect(ofType(prod, "aws:sns/topicSubscription:TopicSubscription").filter((s) => s.inputs.protocol === "email")).to.deep.equal([]);
    });
  });

  it("the deployed archive runs: its index.js loads beside its stack.json and exports both handlers", () => {
    const fn = ofType(prod, "aws:lambda/function:Function")[0];
    const files = (fn.inputs.code as { files: Record<string, string> }).files;
    expect(Object.keys(files).sort()).to.deep.equal(["index.js", "stack.json"]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-function-"));
    fs.copyFileSync(bundleFile(), path.join(dir, "index.js"));
    expect(`sha256:${createHash("sha256").update(fs.readFileSync(path.join(dir, "index.js"))).digest("hex")}`).to.equal(files["index.js"].split(" ")[0]);
    fs.writeFileSync(path.join(dir, "stack.json"), files["stack.json"]);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const handlers = require(path.join(dir, "index.js")) as Record<string, unknown>;
    expect([typeof handlers.notifier, typeof handlers.approval]).to.deep.equal(["function", "function"]);
    fs.rmSync(dir, { recursive: true });
  });

  describe("credentials", () => {
    it("the stack files name the secrets; the functions' environments hold ARNs, never values", () => {
      for (const run of [prod, staging]) {
        expect(ofType(run, "aws:secretsmanager/secret:Secret")).to.deep.equal([]);
        for (const fn of ofType(run, "aws:lambda/function:Function")) {
          const env = (fn.inputs.environment as { variables: Record<string, string> }).variables;
          for (const [k, v] of Object.entries(env)) if (k.endsWith("_SECRET")) expect(v, k).to.match(/^arn:aws:secretsmanager:eu-west-1:123456789012:secret:ferry\//);
        }
      }
    });

    it("Pulumi secrets go into secrets of Ferry's own, and appear in no plain input", async () => {
      const values = { webhookUrl: "https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX", signingSecret: "8f742231b10e8888abcd99yyyzzz85a5", apiToken: "chatwork-token-0123456789abcdef" };
      const config = stackConfig("prod", {
        notifications: { slack: { webhookUrl: values.webhookUrl, signingSecret: values.signingSecret, approvers: ["U04PRODLEAD"] }, chatwork: { roomId: "42", apiToken: values.apiToken } },
      });
      const run = await runProgram("prod", { ...config, secretKeys: [...config.secretKeys, "ferry:notifications"] });
      const shown = JSON.stringify(run.resources.map((r) => redact(r.inputs)));
      for (const v of Object.values(values)) expect(shown.includes(v), "a credential in a plain input").to.equal(false);
      const versions = ofType(run, "aws:secretsmanager/secretVersion:SecretVersion");
      expect(versions.map((v) => v.name)).to.deep.equal(["ferry-prod-notifications-slack-webhook", "ferry-prod-notifications-chatwork-token", "ferry-prod-notifications-slack-signing-secret"]);
      expect(versions.every((v) => pulumi.runtime.isRpcSecret(v.inputs.secretString))).to.equal(true);
      expect(versions.map((v) => pulumi.runtime.unwrapRpcSecret(v.inputs.secretString))).to.deep.equal([values.webhookUrl, values.apiToken, values.signingSecret]);
      const webhook = ofType(run, "pulumiservice:index:Webhook")[0];
      expect(pulumi.runtime.isRpcSecret(webhook.inputs.payloadUrl)).to.equal(true);
    });

    it("Pulumi Cloud's webhook: Slack format, the stack's update, deployment and drift events, the URL read from the team's secret at deploy time", () => {
      const webhook = ofType(prod, "pulumiservice:index:Webhook");
      expect(webhook.map((w) => [w.inputs.format, w.inputs.filters, w.inputs.organizationName, w.inputs.projectName, w.inputs.stackName])).to.deep.equal([
        ["slack", ["update_succeeded", "update_failed", "deployment_failed", "drift_detected"], "acme", "ferry", "prod"],
      ]);
      expect(pulumi.runtime.isRpcSecret(webhook[0].inputs.payloadUrl)).to.equal(true);
      expect(prod.invokes.filter((i) => i.token === "aws:secretsmanager/getSecretVersion:getSecretVersion").map((i) => i.inputs.secretId)).to.deep.equal([prod.config.notifications!.slack!.webhookUrl.kind === "arn" ? prod.config.notifications!.slack!.webhookUrl.arn : ""]);
    });
  });

  describe("least privilege", () => {
    it("the notifier reads its two secrets, writes its log group and the dead-letter queue, and reads only this stack's deployments and repository", () => {
      const doc = policyOf(ofType(prod, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "ferry-prod-notifications-notifier")!);
      const ctx = stackFileOf(ofType(prod, "aws:lambda/function:Function")[0]).context;
      const byId = Object.fromEntries(doc.Statement.map((s) => [s.Sid, [s.Action, s.Resource]]));
      expect(Object.keys(byId)).to.deep.equal(["WriteLogs", "ReadDestinations", "KeepUndelivered", "FindPausedDeployments", "ReadPausedDeployments", "ReadGenerations"]);
      expect(byId.ReadDestinations[1]).to.deep.equal([ARN("prod/slack-webhook").replace("AbCdEf", "Pr0dWh"), ARN("chatwork-token").replace("AbCdEf", "Chw0rk")]);
      expect(byId.FindPausedDeployments[1]).to.deep.equal(ctx.services.map((s) => s.arn));
      expect(byId.ReadPausedDeployments[1]).to.deep.equal(ctx.services.map((s) => `${s.arn.replace(":service/", ":service-deployment/")}/*`));
      expect(byId.ReadGenerations).to.deep.equal([["ecr:DescribeImages"], "arn:aws:ecr:eu-west-1:123456789012:repository/ferry-dev"]);
      expect(policyProblems(doc as never)).to.deep.equal([]);
    });

    it("the approval function may continue or roll back this stack's services' deployments only", () => {
      const doc = policyOf(ofType(prod, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "ferry-prod-notifications-approval")!);
      const ctx = stackFileOf(ofType(prod, "aws:lambda/function:Function").find((f) => f.inputs.handler === "index.approval")!).context;
      expect(doc.Statement.map((s) => [s.Sid, s.Action, s.Sid === "WriteLogs" ? "(below)" : s.Resource])).to.deep.equal([
        ["WriteLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], "(below)"],
        ["ReadSigningSecret", ["secretsmanager:GetSecretValue"], "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ferry/slack-signing-secret-S1gnS3"],
        ["ActOnPausedDeployments", ["ecs:DescribeServiceDeployments", "ecs:ContinueServiceDeployment"], ctx.services.map((s) => `${s.arn.replace(":service/", ":service-deployment/")}/*`)],
      ]);
      expect(String(doc.Statement[0].Resource)).to.match(/^arn:aws:logs:eu-west-1:123456789012:log-group:ferry-prod-notifications-approval-[0-9a-f]{7}:\*$/);
      expect(policyProblems(doc as never)).to.deep.equal([]);
      expect(stackFileOf(ofType(prod, "aws:lambda/function:Function").find((f) => f.inputs.handler === "index.approval")!).approvers).to.deep.equal(["U04PRODLEAD", "U05ONCALL01"]);
    });

    it("the approval URL: public as Slack needs, both invoke permissions scoped to the function URL; only with a signing secret and approvers", () => {
      const url = ofType(prod, "aws:lambda/functionUrl:FunctionUrl");
      expect(url.map((u) => u.inputs.authorizationType)).to.deep.equal(["NONE"]);
      const perms = ofType(prod, "aws:lambda/permission:Permission").filter((p) => p.name.startsWith("ferry-prod-notifications-approval"));
      expect(perms.map((p) => [p.inputs.action, p.inputs.principal, p.inputs.functionUrlAuthType, p.inputs.invokedViaFunctionUrl])).to.deep.equal([
        ["lambda:InvokeFunctionUrl", "*", "NONE", undefined],
        ["lambda:InvokeFunction", "*", undefined, true],
      ]);
      expect(prod.outputs.approvalUrl.value).to.match(/^https:\/\/[a-z0-9]{32}\.lambda-url\.eu-west-1\.on\.aws\/$/);
      expect(ofType(staging, "aws:lambda/functionUrl:FunctionUrl")).to.deep.equal([]);
      expect(staging.outputs.approvalUrl).to.equal(undefined);
    });
  });
});

describe("ferry:notifications refuses what it cannot honour, before anything is declared", () => {
  const refusal = (value: unknown, secret = false, more: Record<string, unknown> = {}) => {
    const config = stackConfig("staging", { notifications: value as object, ...more });
    try {
      parseConfig("staging", config.values, secret ? [...config.secretKeys, "ferry:notifications"] : config.secretKeys);
    } catch (e) {
      return (e as ConfigError).problems.map((p) => `${p.key}: got ${p.given}; ${p.allowed}`);
    }
    return [];
  };
  const webhook = { secretArn: ARN("slack-webhook") };
  const cases: [string, unknown, string[], boolean?, Record<string, unknown>?][] = [
    ["accepted: Slack by secret ARN", { slack: { webhookUrl: webhook } }, []],
    ["accepted: a Pulumi secret", { slack: { webhookUrl: "https://hooks.slack.com/services/T/B/x" } }, [], true],
    [
      "a credential in plain text",
      { slack: { webhookUrl: "https://hooks.slack.com/services/T/B/x" } },
      ["ferry:notifications.slack.webhookUrl: got (plain text, not shown); { secretArn: <Secrets Manager ARN> } or a Pulumi secret (pulumi config set --secret --path 'ferry:notifications.slack.webhookUrl' <value>), never plain text"],
    ],
    [
      "not a Secrets Manager ARN",
      { chatwork: { roomId: "1", apiToken: { secretArn: "arn:aws:ssm:eu-west-1:123456789012:parameter/token" } } },
      ['ferry:notifications.chatwork.apiToken.secretArn: got "arn:aws:ssm:eu-west-1:123456789012:parameter/token"; a Secrets Manager secret\'s ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>)'],
    ],
    ["nobody to tell", { scanSeverity: "HIGH" }, ["ferry:notifications: got none of slack, chatwork, email; at least one of slack, chatwork or email"]],
    ["approvers without the signing secret", { slack: { webhookUrl: webhook, approvers: ["U04PRODLEAD"] } }, ["ferry:notifications.slack.signingSecret: got (missing); the Slack app's signing secret, so approvals can be verified"]],
    ["a signing secret without approvers", { slack: { webhookUrl: webhook, signingSecret: webhook } }, ["ferry:notifications.slack.approvers: got (missing); at least one Slack member id: who may approve this stack's paused deployments"]],
    ["an approver by name", { slack: { webhookUrl: webhook, signingSecret: webhook, approvers: ["alice"] } }, ['ferry:notifications.slack.approvers[0]: got "alice"; a Slack member id (U… or W…, from the member\'s profile)']],
    ["a Chatwork room by name", { chatwork: { roomId: "ops", apiToken: webhook } }, ['ferry:notifications.chatwork.roomId: got "ops"; the Chatwork room\'s id (digits)']],
    ["a bad e-mail", { email: ["oncall"] }, ['ferry:notifications.email[0]: got "oncall"; an e-mail address']],
    ["an unknown severity", { email: ["a@b.co"], scanSeverity: "SEVERE" }, ['ferry:notifications.scanSeverity: got "SEVERE"; one of "CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"']],
    ["Pulumi Cloud's events without Slack", { email: ["a@b.co"], pulumiDeployments: true }, ["ferry:notifications.pulumiDeployments: got true; false without slack: Pulumi Cloud's events go to the Slack webhook"]],
    ["an unknown key", { slack: { webhookUrl: webhook }, teams: {} }, []],
  ];
  for (const [what, value, expected, secret, more] of cases) {
    it(`${what}${expected.length ? ": refused" : ""}`, () => {
      const got = refusal(value, secret, more);
      if (what === "an unknown key") expect(got).to.have.length(1).and.to.satisfy((p: string[]) => p[0].startsWith("ferry:notifications.teams: "));
      else expect(got).to.deep.equal(expected);
    });
  }

  it(`a rule over EventBridge's ${MAX_PATTERN_CHARS} characters is refused (services listed in a shared cluster); one service fewer is accepted; in the stack's own cluster, any number`, () => {
    const services = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`svc${String(i).padStart(2, "0")}`, { cpu: 256, memory: 512, command: ["node", "w.js"] }]));
    const shared = { cluster: { arn: "arn:aws:ecs:eu-west-1:123456789012:cluster/shared" } };
    let n = 1;
    while (refusal({ email: ["a@b.co"] }, false, { services: services(n), ...shared }).length === 0) n++;
    const got = refusal({ email: ["a@b.co"] }, false, { services: services(n), ...shared });
    const m = /^ferry:notifications: got a "service-trouble" rule of (\d+) characters \(its pattern lists every service or alarm of the stack\); at most 2048 characters, EventBridge's event pattern quota: fewer services or alarms in this stack, or its own cluster \(whose services one prefix matches\)$/.exec(got.join("\n"));
    expect(m, got.join("\n")).to.not.equal(null);
    // The size is the real pattern's: the rule as the plan declares it, one character over at most a service's worth.
    const config = stackConfig("staging", { notifications: { email: ["a@b.co"] }, services: services(n) });
    const own = parseConfig("staging", config.values, config.secretKeys);
    const planned = plannedRules({ ...own, cluster: { ...own.cluster, arn: shared.cluster.arn } }, own.notifications!, "eu-west-1").find((r) => r.name === "service-trouble")!;
    expect(Number(m![1])).to.equal(JSON.stringify(planned.pattern).length).and.to.be.above(MAX_PATTERN_CHARS);
    expect(n).to.be.within(15, 40);
    expect(refusal({ email: ["a@b.co"] }, false, { services: services(n - 1), ...shared })).to.deep.equal([]);
    expect(refusal({ email: ["a@b.co"] }, false, { services: services(n * 3) })).to.deep.equal([]);
  });
});
