/**
 * Telling the team (lib/notificationRules.ts, lib/notifications.ts, lib/delivery.ts, and the notifier
 * function): AWS's sample events, rewritten to a stack's resources, are matched by exactly the rules
 * that should match them (with EventBridge's matching semantics) and become the expected messages;
 * other stacks' events match nothing; delivery retries what is transient and keeps what fails.
 */
import { expect } from "chai";
import { handleRecords, NotifierEnv, NotifierPorts } from "../functions/notifier";
import { MAX_TRIES, outcomeOf } from "../lib/delivery";
import { notificationRules, NotificationScope } from "../lib/notificationRules";
import { chatworkMessage, describeEvent, escapeSlack, slackMessage, StackContext } from "../lib/notifications";
import { matches, Pattern } from "./support/eventPattern";
import { about, HEARD_BY, Resources, Sample, SAMPLES, sample } from "./support/sampleEvents";

const DIGEST = `sha256:${"ab".repeat(32)}`;
const OURS: Resources = {
  account: "123456789012",
  region: "eu-west-1",
  clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/ferry-prod-6108927",
  serviceArn: "arn:aws:ecs:eu-west-1:123456789012:service/ferry-prod-6108927/ferry-prod-web-3bd19e4",
  repositoryName: "ferry-dev-1a2b3c4",
  imageDigest: DIGEST,
  alarmName: "ferry-prod-web-5xx",
};
const THEIRS: Resources = {
  ...OURS,
  clusterArn: "arn:aws:ecs:eu-west-1:123456789012:cluster/ferry-staging-5550001",
  serviceArn: "arn:aws:ecs:eu-west-1:123456789012:service/ferry-staging-5550001/ferry-staging-web-0000001",
  repositoryName: "other-team-app",
  imageDigest: `sha256:${"cd".repeat(32)}`,
  alarmName: "ferry-staging-web-5xx",
};
const SCOPE: NotificationScope = {
  clusterArn: OURS.clusterArn,
  ownCluster: true,
  services: [{ name: "ferry-prod-web-3bd19e4", arn: OURS.serviceArn }],
  repositoryName: OURS.repositoryName,
  imageDigests: [DIGEST],
  alarmNames: ["ferry-prod-web-5xx", "ferry-prod-web-unhealthy"],
  scanSeverity: "HIGH",
};
const CTX: StackContext = {
  stack: "ferry/prod",
  region: "eu-west-1",
  clusterName: "ferry-prod-6108927",
  services: [{ arn: OURS.serviceArn, name: "web", image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ferry-dev-1a2b3c4@${DIGEST}` }],
};
const matching = (scope: NotificationScope, event: unknown) => notificationRules(scope).filter((r) => matches(r.pattern, event)).map((r) => r.name);

describe("notifications", () => {
  describe("the EventBridge matcher the rules are tested with", () => {
    const cases: [string, Pattern, unknown, boolean][] = [
      ["a listed value", { source: ["aws.ecs"] }, { source: "aws.ecs" }, true],
      ["a value not listed", { source: ["aws.ecs"] }, { source: "aws.ecr" }, false],
      ["an event array: any element", { resources: ["b"] }, { resources: ["a", "b"] }, true],
      ["an event array: none", { resources: ["c"] }, { resources: ["a", "b"] }, false],
      ["a missing field", { source: ["aws.ecs"] }, {}, false],
      ["nested", { detail: { eventName: ["X"] } }, { detail: { eventName: "X" } }, true],
      ["nested, not an object", { detail: { eventName: ["X"] } }, { detail: "X" }, false],
      ["prefix", { group: [{ prefix: "service:" }] }, { group: "service:web" }, true],
      ["prefix, other", { group: [{ prefix: "service:" }] }, { group: "family:web" }, false],
      ["anything-but a list", { s: [{ "anything-but": ["a", "b"] }] }, { s: "c" }, true],
      ["anything-but a listed value", { s: [{ "anything-but": ["a", "b"] }] }, { s: "b" }, false],
      ["anything-but on a missing field", { s: [{ "anything-but": "a" }] }, {}, false],
      ["anything-but a prefix", { s: [{ "anything-but": { prefix: "x" } }] }, { s: "xy" }, false],
      ["exists: true", { s: [{ exists: true }] }, { s: 1 }, true],
      ["exists: false", { s: [{ exists: false }] }, {}, true],
      ["exists: false on a present field", { s: [{ exists: false }] }, { s: 1 }, false],
      ["numeric > 0 with 1", { n: [{ numeric: [">", 0] }] }, { n: 1 }, true],
      ["numeric > 0 with 0", { n: [{ numeric: [">", 0] }] }, { n: 0 }, false],
      ["numeric range, inside", { n: [{ numeric: [">=", 1, "<", 3] }] }, { n: 2 }, true],
      ["numeric range, at the open end", { n: [{ numeric: [">=", 1, "<", 3] }] }, { n: 3 }, false],
      ["numeric on a string", { n: [{ numeric: [">", 0] }] }, { n: "1" }, false],
      ["$or: the second", { $or: [{ a: ["1"] }, { b: ["2"] }] }, { b: "2" }, true],
      ["$or: neither", { $or: [{ a: ["1"] }, { b: ["2"] }] }, { a: "2", b: "1" }, false],
    ];
    for (const [what, pattern, event, expected] of cases) it(`${what}: ${expected ? "matches" : "does not match"}`, () => expect(matches(pattern, event)).to.equal(expected));
  });

  describe("which rule hears which of AWS's sample events, about this stack and about another", () => {
    const expected = HEARD_BY;
    for (const name of SAMPLES) {
      it(`${name}: ${expected[name].join(", ") || "no rule"}; about another stack: no rule`, () => {
        expect(matching(SCOPE, about(name, OURS))).to.deep.equal(expected[name]);
        expect(matching(SCOPE, about(name, THEIRS))).to.deep.equal([]);
        // As published (the documentation's own account and names), nothing of this stack.
        expect(matching(SCOPE, sample(name))).to.deep.equal([]);
      });
    }

    it("scan findings: at or above the configured severity only, both sides", () => {
      const scan = (counts: Record<string, number>) => ({ ...about("ecr-image-scan", OURS), detail: { ...about("ecr-image-scan", OURS).detail, "finding-severity-counts": counts } });
      expect(matching(SCOPE, scan({ HIGH: 1 }))).to.deep.equal(["scan-findings"]);
      expect(matching(SCOPE, scan({ MEDIUM: 9, LOW: 2 }))).to.deep.equal([]);
      expect(matching({ ...SCOPE, scanSeverity: "MEDIUM" }, scan({ MEDIUM: 9 }))).to.deep.equal(["scan-findings"]);
      expect(matching({ ...SCOPE, scanSeverity: "CRITICAL" }, scan({ HIGH: 3 }))).to.deep.equal([]);
      expect(matching(SCOPE, scan({}))).to.deep.equal([]);
    });

    it("scan findings: a stack that runs promoted images hears of its own images only; a building stack of all", () => {
      const other = { ...about("ecr-image-scan", OURS) };
      other.detail = { ...other.detail, "image-digest": THEIRS.imageDigest };
      expect(matching(SCOPE, other)).to.deep.equal([]);
      expect(matching({ ...SCOPE, imageDigests: undefined }, other)).to.deep.equal(["scan-findings"]);
    });

    it("alarms: ALARM and OK are told, INSUFFICIENT_DATA is not", () => {
      const state = (value: string) => {
        const e = about("cloudwatch-alarm-state-change", OURS);
        (e.detail.state as { value: string }).value = value;
        return e;
      };
      expect([state("ALARM"), state("OK"), state("INSUFFICIENT_DATA")].map((e) => matching(SCOPE, e))).to.deep.equal([["alarms"], ["alarms"], []]);
    });

    it("Spot interruptions in a shared cluster: narrowed to this stack's services' tasks (their group)", () => {
      const shared = { ...SCOPE, ownCluster: false };
      const e = about("ecs-task-spot-interruption", OURS);
      expect(matching(shared, e)).to.deep.equal([]);
      expect(matching(shared, { ...e, detail: { ...e.detail, group: "service:ferry-prod-web-3bd19e4" } })).to.deep.equal(["spot-interruptions"]);
      expect(matching(shared, { ...e, detail: { ...e.detail, group: "service:someone-else" } })).to.deep.equal([]);
    });

    it("a paused deployment (ECS Hook State Change, HOOK_AWAITING_ACTION) of this stack's services", () => {
      // AWS documents this event's detail-type and name but publishes no sample; its service is in
      // `resources`, as in ECS's other service events.
      const hook = (eventName: string, arn: string) => ({ source: "aws.ecs", "detail-type": "ECS Hook State Change", resources: [arn], detail: { eventName } });
      expect(matching(SCOPE, hook("HOOK_AWAITING_ACTION", OURS.serviceArn))).to.deep.equal(["approvals"]);
      expect(matching(SCOPE, hook("HOOK_AWAITING_ACTION", THEIRS.serviceArn))).to.deep.equal([]);
      expect(matching(SCOPE, hook("HOOK_SUCCEEDED", OURS.serviceArn))).to.deep.equal([]);
    });

    it("no repository, no alarms: no scan or alarm rule", () => {
      expect(notificationRules({ ...SCOPE, repositoryName: undefined, alarmNames: [] }).map((r) => r.name)).to.deep.equal(["deployments", "approvals", "service-trouble", "spot-interruptions"]);
    });
  });

  describe("the message of each sample event", () => {
    const deployments = "https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/ferry-prod-6108927/services/ferry-prod-web-3bd19e4/deployments?region=eu-west-1";
    const service = [{ label: "Stack", value: "ferry/prod" }, { label: "Service", value: "web" }, { label: "Image", value: DIGEST }, { label: "Generation", value: "7" }];
    const expected: Partial<Record<Sample, object | undefined>> = {
      "ecs-deployment-in-progress": { level: "info", title: "ferry/prod web: deploying", reason: "ECS deployment deploymentId in progress.", fields: service, links: [{ label: "Deployments", url: deployments }] },
      "ecs-deployment-rolling-back": { level: "error", title: "ferry/prod web: rolling back", reason: "ECS deployment circuit breaker: rolling back to deploymentId deploymentID.", fields: service, links: [{ label: "Deployments", url: deployments }] },
      "ecs-deployment-completed": { level: "success", title: "ferry/prod web: deployed", reason: "ECS deployment deploymentID completed.", fields: service, links: [{ label: "Deployments", url: deployments }] },
      "ecs-deployment-failed": { level: "error", title: "ferry/prod web: deployment failed", reason: "ECS deployment circuit breaker: task failed to start.", fields: service, links: [{ label: "Deployments", url: deployments }] },
      "ecs-service-steady-state": undefined,
      "ecs-service-task-start-impaired": { level: "warning", title: "ferry/prod web: tasks keep failing to start", reason: undefined, fields: service, links: [{ label: "Deployments", url: deployments }] },
      "ecs-service-task-placement-failure": { level: "error", title: "ferry/prod web: tasks cannot be placed", reason: "RESOURCE:FARGATE", fields: service, links: [{ label: "Deployments", url: deployments }] },
      "ecs-task-running": undefined,
      "ecs-task-spot-interruption": {
        level: "warning",
        title: "ferry/prod: a Fargate Spot task was interrupted",
        reason: "Your Spot Task was interrupted.",
        fields: [{ label: "Stack", value: "ferry/prod" }, { label: "Task", value: "0123456789abcdef0123456789abcdef" }],
        links: [{ label: "Task", url: "https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/ferry-prod-6108927/tasks/0123456789abcdef0123456789abcdef?region=eu-west-1" }],
      },
      "ecr-image-scan": {
        level: "error",
        title: "ferry/prod: scan findings in ferry-dev-1a2b3c4 (the image web runs)",
        reason: "10 CRITICAL, 9 MEDIUM",
        fields: [{ label: "Stack", value: "ferry/prod" }, { label: "Image", value: DIGEST }, { label: "Generation", value: "7" }],
        links: [{ label: "Scan results", url: `https://eu-west-1.console.aws.amazon.com/ecr/repositories/private/123456789012/ferry-dev-1a2b3c4/_/image/${DIGEST}/scan-results?region=eu-west-1` }],
      },
      "cloudwatch-alarm-state-change": {
        level: "error",
        title: "ferry/prod: alarm ferry-prod-web-5xx is ALARM",
        reason: "Threshold Crossed: 1 out of the last 1 datapoints [99.50160229693434 (02/10/19 16:59:00)] was greater than the threshold (50.0) (minimum 1 datapoint for OK -> ALARM transition).",
        fields: [{ label: "Stack", value: "ferry/prod" }, { label: "Alarm", value: "ferry-prod-web-5xx" }],
        links: [{ label: "Alarm", url: "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/ferry-prod-web-5xx" }],
      },
    };
    for (const name of SAMPLES) {
      it(name, () => {
        const e = about(name, OURS);
        const n = describeEvent(e, CTX, { generation: 7 });
        expect(n === undefined ? undefined : { level: n.level, title: n.title, reason: n.reason, fields: n.fields, links: n.links }).to.deep.equal(expected[name]);
        if (n) expect(n.eventId).to.equal(e.id);
      });
    }

    it("events about another stack's services give no message", () => {
      for (const name of ["ecs-deployment-failed", "ecs-service-task-placement-failure"] as const) expect(describeEvent(about(name, THEIRS), CTX)).to.equal(undefined);
    });

    it("a paused deployment: Approve and Reject buttons carrying that deployment and hook", () => {
      const hook = { id: "e-1", source: "aws.ecs", "detail-type": "ECS Hook State Change", region: "eu-west-1", resources: [OURS.serviceArn], detail: { eventName: "HOOK_AWAITING_ACTION" } };
      const paused = { serviceDeploymentArn: "arn:aws:ecs:eu-west-1:123456789012:service-deployment/ferry-prod-6108927/ferry-prod-web-3bd19e4/abc", hookId: "ecs-pause-1", expiresAt: "2026-12-02T20:00:00Z" };
      const n = describeEvent(hook, CTX, { paused })!;
      expect([n.level, n.title, n.reason, n.approval]).to.deep.equal([
        "warning",
        "ferry/prod web: deployment paused for approval",
        "waits until 2026-12-02T20:00:00Z, then takes its timeout action",
        { serviceDeploymentArn: paused.serviceDeploymentArn, hookId: "ecs-pause-1", service: "web" },
      ]);
      const actions = slackMessage(n).blocks.find((b) => (b as { type: string }).type === "actions") as { elements: { action_id: string; value: string }[] };
      expect(actions.elements.map((x) => [x.action_id, JSON.parse(x.value)])).to.deep.equal([
        ["approve", { serviceDeploymentArn: paused.serviceDeploymentArn, hookId: "ecs-pause-1", action: "CONTINUE" }],
        ["reject", { serviceDeploymentArn: paused.serviceDeploymentArn, hookId: "ecs-pause-1", action: "ROLLBACK" }],
      ]);
      // Without the paused hook found, the message tells but offers no buttons.
      expect(slackMessage(describeEvent(hook, CTX)!).blocks.some((b) => (b as { type: string }).type === "actions")).to.equal(false);
    });

    it("Slack: a fallback text, the reason escaped, fields and links; Chatwork: one [info] block", () => {
      const n = describeEvent(about("ecs-deployment-failed", OURS), CTX)!;
      const s = slackMessage({ ...n, reason: "a <b> & c" });
      expect(s.text).to.equal(":rotating_light: ferry/prod web: deployment failed");
      expect(s.blocks[0]).to.deep.equal({ type: "section", text: { type: "mrkdwn", text: "*:rotating_light: ferry/prod web: deployment failed*\na &lt;b&gt; &amp; c" } });
      expect(escapeSlack("<@U1> & <!channel>")).to.equal("&lt;@U1&gt; &amp; &lt;!channel&gt;");
      expect(chatworkMessage(n)).to.equal(
        `[info][title]ferry/prod web: deployment failed[/title]ECS deployment circuit breaker: task failed to start.\nStack: ferry/prod\nService: web\nImage: ${DIGEST}\nDeployments: ${deployments}[/info]`,
      );
    });
  });

  describe("delivery: what each answer means", () => {
    const cases: [number, number | undefined, string | undefined, string][] = [
      [1, 200, undefined, "delivered"],
      [1, 204, undefined, "delivered"],
      [1, 500, undefined, "retry 500 ms"],
      [2, 503, undefined, "retry 1000 ms"],
      [3, undefined, undefined, "retry 2000 ms"],
      [1, 429, "3", "retry 3000 ms"],
      [1, 429, "600", "retry 8000 ms"],
      [MAX_TRIES - 1, 500, undefined, "retry 2000 ms"],
      [MAX_TRIES, 500, undefined, "give up: HTTP 500 after 4 tries"],
      [1, 404, undefined, "give up: HTTP 404: the request was refused (not tried again)"],
      [1, 403, undefined, "give up: HTTP 403: the request was refused (not tried again)"],
      [1, 400, undefined, "give up: HTTP 400: the request was refused (not tried again)"],
      [1, 301, undefined, "give up: HTTP 301: the request was refused (not tried again)"],
    ];
    for (const [tries, status, retryAfter, says] of cases) {
      it(`try ${tries}, ${status ?? "no answer"}${retryAfter ? `, Retry-After ${retryAfter}` : ""}: ${says}`, () => {
        const o = outcomeOf(tries, status, retryAfter);
        expect(o.kind === "delivered" ? "delivered" : o.kind === "retry" ? `retry ${o.afterMs} ms` : `give up: ${o.why}`).to.equal(says);
      });
    }
  });

  describe("the notifier function (ports faked)", () => {
    const SLACK_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ferry/prod/slack-AbCdEf";
    const CHATWORK_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ferry/prod/chatwork-AbCdEf";
    const WEBHOOK = "https://hooks.slack.com/services/T0/B0/secretpart";
    const TOKEN = "chatwork-token-value";
    const env: NotifierEnv = { context: CTX, FERRY_SLACK_WEBHOOK_SECRET: SLACK_SECRET, FERRY_CHATWORK_TOKEN_SECRET: CHATWORK_SECRET, FERRY_CHATWORK_ROOM: "42" };

    function fake(answers: Record<string, (number | undefined)[]>, secretFails = false) {
      const posts: { url: string; body: string; headers: Record<string, string> }[] = [];
      const sleeps: number[] = [];
      const dead: { destination: string; why: string }[] = [];
      const logs: Record<string, unknown>[] = [];
      const ports: NotifierPorts = {
        secret: async (arn) => {
          if (secretFails) throw Object.assign(new Error(`AccessDenied on ${arn}`), { name: "AccessDeniedException" });
          return arn === SLACK_SECRET ? WEBHOOK : TOKEN;
        },
        post: async (url, body, headers) => {
          posts.push({ url, body, headers });
          const key = url.startsWith("https://hooks.slack.com") ? "slack" : "chatwork";
          const status = answers[key].shift();
          if (status === undefined) throw new Error("ECONNRESET");
          return { status };
        },
        sleep: async (ms) => void sleeps.push(ms),
        pausedDeployment: async () => undefined,
        generation: async () => 7,
        deadLetter: async (m) => void dead.push({ destination: m.destination, why: m.why }),
        log: (e) => void logs.push(e),
      };
      return { ports, posts, sleeps, dead, logs };
    }
    const record = (e: unknown) => ({ Sns: { Message: JSON.stringify(e) } });

    it("posts one message to Slack and one to Chatwork (token in its header, room in the path)", async () => {
      const f = fake({ slack: [200], chatwork: [200] });
      await handleRecords([record(about("ecs-deployment-failed", OURS))], env, f.ports);
      expect(f.posts.map((p) => p.url)).to.deep.equal([WEBHOOK, "https://api.chatwork.com/v2/rooms/42/messages"]);
      expect(JSON.parse(f.posts[0].body).text).to.equal(":rotating_light: ferry/prod web: deployment failed");
      expect(f.posts[1].headers["x-chatworktoken"]).to.equal(TOKEN);
      expect(new URLSearchParams(f.posts[1].body).get("body")).to.match(/^\[info\]\[title\]ferry\/prod web: deployment failed\[\/title\]/);
      expect(f.dead).to.deep.equal([]);
    });

    it("retries a transient failure with backoff, then delivers", async () => {
      const f = fake({ slack: [500, undefined, 200], chatwork: [200] });
      await handleRecords([record(about("ecs-deployment-completed", OURS))], env, f.ports);
      expect([f.posts.filter((p) => p.url === WEBHOOK).length, f.sleeps, f.dead]).to.deep.equal([3, [500, 1000], []]);
    });

    it("a 4xx is not tried again: the message goes to the dead-letter queue; the other destination still gets it", async () => {
      const f = fake({ slack: [404], chatwork: [200] });
      await handleRecords([record(about("ecs-deployment-completed", OURS))], env, f.ports);
      expect([f.posts.length, f.sleeps, f.dead]).to.deep.equal([2, [], [{ destination: "slack", why: "HTTP 404: the request was refused (not tried again)" }]]);
    });

    it("still failing after every try: the dead-letter queue", async () => {
      const f = fake({ slack: [500, 502, 503, 504], chatwork: [200] });
      await handleRecords([record(about("ecs-deployment-completed", OURS))], env, f.ports);
      expect([f.sleeps, f.dead]).to.deep.equal([[500, 1000, 2000], [{ destination: "slack", why: "HTTP 504 after 4 tries" }]]);
    });

    it("a secret that cannot be read: nothing sent, dead-lettered, and no secret value or URL in any log", async () => {
      const f = fake({ slack: [], chatwork: [] }, true);
      await handleRecords([record(about("ecs-deployment-completed", OURS))], env, f.ports);
      expect([f.posts.length, f.dead.map((d) => d.why)]).to.deep.equal([0, ["could not prepare the message: AccessDeniedException", "could not prepare the message: AccessDeniedException"]]);
    });

    it("never logs the webhook URL or the token", async () => {
      const f = fake({ slack: [500, 200], chatwork: [404] });
      await handleRecords([record(about("ecs-deployment-failed", OURS))], env, f.ports);
      expect(JSON.stringify(f.logs)).to.not.contain("secretpart").and.not.contain(TOKEN);
    });

    it("an event about another stack, or not JSON: nothing posted", async () => {
      const f = fake({ slack: [], chatwork: [] });
      await handleRecords([record(about("ecs-deployment-failed", THEIRS)), { Sns: { Message: "not json" } }], env, f.ports);
      expect(f.posts).to.deep.equal([]);
    });

    it("logs what it did, one entry per step, in words an on-call engineer searches for", async () => {
      const f = fake({ slack: [503, 200], chatwork: [404] });
      await handleRecords([record(about("ecs-deployment-failed", OURS)), record(about("ecs-deployment-failed", THEIRS)), { Sns: { Message: "{" } }], env, f.ports);
      const id = about("ecs-deployment-failed", OURS).id;
      expect(f.logs).to.deep.equal([
        { level: "warn", msg: "retrying", destination: "slack", eventId: id, why: "HTTP 503", afterMs: 500 },
        { level: "error", msg: "not delivered: kept in the dead-letter queue", destination: "chatwork", eventId: id, why: "HTTP 404: the request was refused (not tried again)" },
        { level: "info", msg: "delivered", destination: "slack", eventId: id, title: "ferry/prod web: deployment failed", tries: 2 },
        { level: "info", msg: "not about this stack: nothing to tell", eventId: id, detailType: "ECS Deployment State Change" },
        { level: "error", msg: "an SNS message that is not JSON: dropped" },
      ]);
    });

    it("each destination only when configured: Chatwork needs its token and its room", async () => {
      for (const [what, only, urls] of [
        ["Slack only", { context: CTX, FERRY_SLACK_WEBHOOK_SECRET: SLACK_SECRET }, [WEBHOOK]],
        ["Chatwork without a room", { context: CTX, FERRY_CHATWORK_TOKEN_SECRET: CHATWORK_SECRET }, []],
        ["a room without a token", { context: CTX, FERRY_CHATWORK_ROOM: "42" }, []],
        ["Chatwork only", { context: CTX, FERRY_CHATWORK_TOKEN_SECRET: CHATWORK_SECRET, FERRY_CHATWORK_ROOM: "42" }, ["https://api.chatwork.com/v2/rooms/42/messages"]],
      ] as [string, NotifierEnv, string[]][]) {
        const f = fake({ slack: [200], chatwork: [200] });
        await handleRecords([record(about("ecs-deployment-failed", OURS))], only, f.ports);
        expect(f.posts.map((p) => p.url), what).to.deep.equal(urls);
      }
    });

    it("the generation is looked up by the scanned digest, or by the digest the service runs; a paused hook only for a hook event", async () => {
      const f = fake({ slack: [200, 200, 200], chatwork: [200, 200, 200] });
      const asked: string[] = [];
      const paused: string[] = [];
      f.ports.generation = async (digest) => {
        asked.push(digest);
        return 3;
      };
      f.ports.pausedDeployment = async (arn) => {
        paused.push(arn);
        return undefined;
      };
      await handleRecords([record(about("ecr-image-scan", OURS)), record(about("ecs-deployment-failed", OURS))], env, f.ports);
      expect(asked).to.deep.equal([DIGEST, DIGEST]);
      expect(paused).to.deep.equal([]);
      const unpinned = { ...env, context: { ...CTX, services: [{ ...CTX.services[0], image: "registry/app:latest" }] } };
      await handleRecords([record(about("ecs-deployment-failed", OURS))], unpinned, f.ports);
      expect(asked).to.have.length(2);
      // A generation that cannot be read does not stop the message.
      f.ports.generation = async () => Promise.reject(new Error("AccessDenied"));
      const g = fake({ slack: [200], chatwork: [200] });
      g.ports.generation = f.ports.generation;
      await handleRecords([record(about("ecs-deployment-failed", OURS))], env, g.ports);
      expect(g.posts).to.have.length(2);
    });

    it("a paused deployment is looked up, so its message carries the buttons", async () => {
      const f = fake({ slack: [200], chatwork: [200] });
      f.ports.pausedDeployment = async (arn) => (arn === OURS.serviceArn ? { serviceDeploymentArn: `${OURS.serviceArn}/d1`, hookId: "h1" } : undefined);
      await handleRecords([record({ id: "e", source: "aws.ecs", "detail-type": "ECS Hook State Change", resources: [OURS.serviceArn], detail: { eventName: "HOOK_AWAITING_ACTION" } })], env, f.ports);
      expect(JSON.parse(f.posts[0].body).blocks.at(-1).elements.map((x: { value: string }) => JSON.parse(x.value).hookId)).to.deep.equal(["h1", "h1"]);
    });
  });
});
