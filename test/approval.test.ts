/**
 * Approval from chat (lib/slackRequest.ts, functions/approval.ts): only a request Slack signed in the
 * last five minutes, seen once, from an approver of this stack, about a deployment of this stack
 * paused at that hook now, continues or rolls back that deployment; anything else changes nothing
 * and is told why.
 */
import { expect } from "chai";
import { createHmac } from "crypto";
import { ApprovalEnv, ApprovalPorts, handleApproval } from "../functions/approval";
import { decideApproval, DeploymentNow, MAX_AGE_SECONDS, readApprovalRequest, verifySlackRequest } from "../lib/slackRequest";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const NOW = 1_764_700_000;
const SERVICE = "arn:aws:ecs:eu-west-1:123456789012:service/ferry-prod-6108927/ferry-prod-web-3bd19e4";
const DEPLOYMENT = "arn:aws:ecs:eu-west-1:123456789012:service-deployment/ferry-prod-6108927/ferry-prod-web-3bd19e4/EZe5RNVLH6PPzHXINuP28";
const HOOK = "ecs-pause-e7tK9G_WRJqNF_EOMjztDXfKenlJuEUVjsNStf4WLKw";

const sign = (body: string, ts: number, secret = SECRET) => `v0=${createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex")}`;
const headers = (body: string, ts = NOW, secret = SECRET) => ({ "X-Slack-Request-Timestamp": String(ts), "X-Slack-Signature": sign(body, ts, secret) });

/** Slack's interaction payload for a press of one of Ferry's buttons, form-encoded as Slack sends it. */
function press(actionId: "approve" | "reject", user = "U0APPROVER", value?: object): string {
  const action = actionId === "approve" ? "CONTINUE" : "ROLLBACK";
  const payload = {
    type: "block_actions",
    user: { id: user, username: "mika" },
    channel: { id: "C0DEPLOYS" },
    container: { message_ts: "1764699990.000100" },
    response_url: "https://hooks.slack.com/actions/T0/1/xyz",
    actions: [{ action_id: actionId, value: JSON.stringify(value ?? { serviceDeploymentArn: DEPLOYMENT, hookId: HOOK, action }) }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

describe("approval from chat", () => {
  describe("Slack's signature (v0 HMAC over timestamp and body)", () => {
    const body = press("approve");
    const cases: [string, Record<string, string | undefined>, string, number, string | undefined][] = [
      ["a good request", headers(body), body, NOW, undefined],
      ["header names in any case", { "x-slack-request-timestamp": String(NOW), "x-slack-signature": sign(body, NOW) }, body, NOW, undefined],
      ["a body changed after signing", headers(body), body.replace("approve", "reject"), NOW, "a signature that does not match (not from Slack, or altered)"],
      ["another secret", headers(body, NOW, "not-the-secret"), body, NOW, "a signature that does not match (not from Slack, or altered)"],
      ["a timestamp changed after signing", { ...headers(body), "X-Slack-Request-Timestamp": String(NOW + 1) }, body, NOW, "a signature that does not match (not from Slack, or altered)"],
      ["a truncated signature", { ...headers(body), "X-Slack-Signature": sign(body, NOW).slice(0, 20) }, body, NOW, "a signature that does not match (not from Slack, or altered)"],
      [`signed ${MAX_AGE_SECONDS} s ago`, headers(body, NOW - MAX_AGE_SECONDS), body, NOW, undefined],
      [`signed ${MAX_AGE_SECONDS + 1} s ago (a replay)`, headers(body, NOW - MAX_AGE_SECONDS - 1), body, NOW, "a request timestamped more than 5 minutes from now (a replay, or a clock far off)"],
      [`timestamped ${MAX_AGE_SECONDS + 1} s ahead`, headers(body, NOW + MAX_AGE_SECONDS + 1), body, NOW, "a request timestamped more than 5 minutes from now (a replay, or a clock far off)"],
      ["no signature", { "X-Slack-Request-Timestamp": String(NOW) }, body, NOW, "not signed by Slack (no X-Slack-Signature or X-Slack-Request-Timestamp)"],
      ["a timestamp that is not a number", { ...headers(body), "X-Slack-Request-Timestamp": "soon" }, body, NOW, "a malformed X-Slack-Request-Timestamp"],
    ];
    for (const [what, h, b, now, refused] of cases) {
      it(`${what}: ${refused ? "refused" : "accepted"}`, () => expect(verifySlackRequest(SECRET, h, b, now)).to.deep.equal(refused ? { ok: false, why: refused } : { ok: true }));
    }
  });

  describe("what the approver pressed", () => {
    it("reads the user, the action and the deployment from Slack's payload", () => {
      expect(readApprovalRequest(press("reject"))).to.deep.equal({
        userId: "U0APPROVER",
        userName: "mika",
        action: "ROLLBACK",
        serviceDeploymentArn: DEPLOYMENT,
        hookId: HOOK,
        channelId: "C0DEPLOYS",
        messageTs: "1764699990.000100",
        responseUrl: "https://hooks.slack.com/actions/T0/1/xyz",
      });
    });
    const refused: [string, string, string][] = [
      ["no payload", "x=1", "no interaction payload"],
      ["a payload that is not JSON", "payload=%7B", "an interaction payload that is not JSON"],
      ["an Approve button whose value says ROLLBACK", press("approve", "U0APPROVER", { serviceDeploymentArn: DEPLOYMENT, hookId: HOOK, action: "ROLLBACK" }), "a button that is not Ferry's"],
      ["a button without a hook", press("approve", "U0APPROVER", { serviceDeploymentArn: DEPLOYMENT, action: "CONTINUE" }), "a button that is not Ferry's"],
      ["another kind of interaction", new URLSearchParams({ payload: JSON.stringify({ type: "view_submission", user: { id: "U1" } }) }).toString(), "not a button press"],
    ];
    for (const [what, body, error] of refused) it(`${what}: ${error}`, () => expect(readApprovalRequest(body)).to.deep.equal({ error }));
  });

  describe("whether to act", () => {
    const req = readApprovalRequest(press("approve")) as Exclude<ReturnType<typeof readApprovalRequest>, { error: string }>;
    const paused: DeploymentNow = { serviceArn: SERVICE, status: "IN_PROGRESS", hooks: [{ hookId: HOOK, status: "AWAITING_ACTION" }] };
    const cases: [string, string[], DeploymentNow | undefined, string][] = [
      ["an approver, this stack's paused deployment", ["U0APPROVER"], paused, "act: mika (U0APPROVER) approved: the deployment continues"],
      ["a user not on the list", ["U0OTHER"], paused, "refuse: mika (U0APPROVER) is not an approver of this stack: nothing was done"],
      ["a deployment ECS does not know", ["U0APPROVER"], undefined, "refuse: that deployment does not exist (any more): nothing was done"],
      ["another stack's service", ["U0APPROVER"], { ...paused, serviceArn: SERVICE.replace("prod", "staging") }, "refuse: that deployment is not of this stack's services: nothing was done"],
      ["a deployment that completed (a stale button)", ["U0APPROVER"], { ...paused, status: "SUCCESSFUL", hooks: [{ hookId: HOOK, status: "SUCCEEDED" }] }, "refuse: that deployment has moved on (SUCCESSFUL, hook SUCCEEDED): nothing was done"],
      ["the hook already answered", ["U0APPROVER"], { ...paused, hooks: [{ hookId: HOOK, status: "SUCCEEDED" }] }, "refuse: that deployment has moved on (IN_PROGRESS, hook SUCCEEDED): nothing was done"],
      ["another pause of the same deployment", ["U0APPROVER"], { ...paused, hooks: [{ hookId: "ecs-pause-other", status: "AWAITING_ACTION" }] }, "refuse: that deployment has moved on (IN_PROGRESS, no such pause): nothing was done"],
    ];
    for (const [what, allowed, now, says] of cases) {
      it(`${what}: ${says.split(":")[0]}`, () => {
        const d = decideApproval(req, allowed, [SERVICE], now);
        expect(`${d.act ? "act" : "refuse"}: ${d.say}`).to.equal(says);
      });
    }
    it("Reject rolls back", () => expect(decideApproval(readApprovalRequest(press("reject")) as typeof req, ["U0APPROVER"], [SERVICE], paused)).to.deep.equal({ act: true, action: "ROLLBACK", say: "mika (U0APPROVER) rejected: the deployment rolls back" }));
  });

  describe("the approval function (ports faked)", () => {
    const env: ApprovalEnv = {
      context: { stack: "ferry/prod", region: "eu-west-1", clusterName: "ferry-prod-6108927", services: [{ arn: SERVICE, name: "web" }] },
      FERRY_SLACK_SIGNING_SECRET: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ferry/prod/slack-signing-AbCdEf",
      approvers: ["U0APPROVER"],
    };
    const PAUSED: DeploymentNow = { serviceArn: SERVICE, status: "IN_PROGRESS", hooks: [{ hookId: HOOK, status: "AWAITING_ACTION" }] };
    function fake(now: DeploymentNow | "unknown" = PAUSED, continueFails = false) {
      const calls: string[] = [];
      const seen = new Set<string>();
      const logs: Record<string, unknown>[] = [];
      const ports: ApprovalPorts = {
        secret: async () => SECRET,
        nowSeconds: () => NOW,
        firstTime: (sig) => (seen.has(sig) ? false : (seen.add(sig), true)),
        describeDeployment: async (arn) => (calls.push(`describe ${arn === DEPLOYMENT}`), now === "unknown" ? undefined : now),
        continueDeployment: async (arn, hook, action) => {
          calls.push(`continue ${arn === DEPLOYMENT} ${hook === HOOK} ${action}`);
          if (continueFails) throw Object.assign(new Error("x"), { name: "InvalidParameterException" });
        },
        answer: async (_url, text, ts) => void calls.push(`answer ${ts}: ${text}`),
        log: (e) => void logs.push(e),
      };
      return { ports, calls, logs };
    }

    it("an approver's Approve continues that deployment, answers in the thread and logs the decision", async () => {
      const f = fake();
      const body = press("approve");
      const r = await handleApproval({ headers: headers(body), body }, env, f.ports);
      expect([r.statusCode, r.body]).to.deep.equal([200, "mika (U0APPROVER) approved: the deployment continues"]);
      expect(f.calls).to.deep.equal(["describe true", "continue true true CONTINUE", "answer 1764699990.000100: mika (U0APPROVER) approved: the deployment continues"]);
      expect(f.logs).to.deep.equal([{ level: "info", msg: "acted", stack: "ferry/prod", user: "U0APPROVER", action: "CONTINUE", serviceDeploymentArn: DEPLOYMENT, hookId: HOOK, say: r.body }]);
    });

    it("a base64 body (as function URLs may pass it) is verified as Slack sent it", async () => {
      const f = fake();
      const body = press("reject");
      const r = await handleApproval({ headers: headers(body), body: Buffer.from(body).toString("base64"), isBase64Encoded: true }, env, f.ports);
      expect([r.statusCode, f.calls[1]]).to.deep.equal([200, "continue true true ROLLBACK"]);
    });

    const nothing: [string, () => { h: Record<string, string>; body: string }, ReturnType<typeof fake>, number, string][] = [
      ["a forged request (bad signature)", () => ({ h: headers(press("approve"), NOW, "forger"), body: press("approve") }), fake(), 401, "refused: a signature that does not match (not from Slack, or altered)"],
      ["an old request replayed", () => ({ h: headers(press("approve"), NOW - 600), body: press("approve") }), fake(), 401, "refused: a request timestamped more than 5 minutes from now (a replay, or a clock far off)"],
      ["a user not on the list", () => ({ h: headers(press("approve", "U0STRANGER")), body: press("approve", "U0STRANGER") }), fake(), 200, "mika (U0STRANGER) is not an approver of this stack: nothing was done"],
      ["a stale button", () => ({ h: headers(press("approve")), body: press("approve") }), fake({ serviceArn: SERVICE, status: "ROLLBACK_SUCCESSFUL", hooks: [{ hookId: HOOK, status: "TIMED_OUT" }] }), 200, "that deployment has moved on (ROLLBACK_SUCCESSFUL, hook TIMED_OUT): nothing was done"],
      ["a deployment ECS does not know", () => ({ h: headers(press("approve")), body: press("approve") }), fake("unknown"), 200, "that deployment does not exist (any more): nothing was done"],
    ];
    for (const [what, make, f, status, says] of nothing) {
      it(`${what}: ${status}, nothing continued`, async () => {
        const { h, body } = make();
        const r = await handleApproval({ headers: h, body }, env, f.ports);
        expect([r.statusCode, r.body]).to.deep.equal([status, says]);
        expect(f.calls.filter((c) => c.startsWith("continue"))).to.deep.equal([]);
        if (status === 401) expect(f.calls).to.deep.equal([]);
      });
    }

    it("a user not on the list: the deployment is not even read", async () => {
      const f = fake();
      const body = press("approve", "U0STRANGER");
      await handleApproval({ headers: headers(body), body }, env, f.ports);
      expect(f.calls.filter((c) => c.startsWith("describe"))).to.deep.equal([]);
    });

    it("the same request twice (a replay within five minutes): the second is refused", async () => {
      const f = fake();
      const body = press("approve");
      await handleApproval({ headers: headers(body), body }, env, f.ports);
      const again = await handleApproval({ headers: headers(body), body }, env, f.ports);
      expect([again.statusCode, again.body, f.calls.filter((c) => c.startsWith("continue")).length]).to.deep.equal([401, "refused: a request already answered (a replay)", 1]);
    });

    it("ECS refusing the continue (the deployment moved on meanwhile): told, not claimed, and logged as a refusal", async () => {
      const f = fake(PAUSED, true);
      const body = press("approve");
      const r = await handleApproval({ headers: headers(body), body }, env, f.ports);
      expect(r.body).to.equal("ECS refused (InvalidParameterException: the deployment may have moved on meanwhile): nothing was done");
      expect(f.logs.map((l) => [l.level, l.msg])).to.deep.equal([["warn", "refused"]]);
    });

    it("every refusal is logged with its reason: a replay, a signed request that is not a button press", async () => {
      const f = fake();
      const body = press("approve");
      await handleApproval({ headers: headers(body), body }, env, f.ports);
      await handleApproval({ headers: headers(body), body }, env, f.ports);
      const notAPress = "payload=%7B%22type%22%3A%22view_submission%22%7D";
      const r = await handleApproval({ headers: headers(notAPress), body: notAPress }, env, f.ports);
      expect([r.statusCode, r.body]).to.deep.equal([400, "refused: not a button press"]);
      expect(f.logs.slice(1)).to.deep.equal([
        { level: "warn", msg: "refused", why: "a replayed request" },
        { level: "warn", msg: "refused", why: "not a button press" },
      ]);
      // An empty body is verified as the empty string Slack would have signed.
      const empty = await handleApproval({ headers: headers("") }, env, fake().ports);
      expect([empty.statusCode, empty.body]).to.deep.equal([400, "refused: no interaction payload"]);
    });

    it("a press without a response_url is acted on and not answered; an answer that fails is logged, not fatal", async () => {
      const f = fake();
      const payload = JSON.parse(new URLSearchParams(press("approve")).get("payload")!);
      delete payload.response_url;
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      const r = await handleApproval({ headers: headers(body), body }, env, f.ports);
      expect([r.statusCode, f.calls.map((c) => c.split(" ")[0])]).to.deep.equal([200, ["describe", "continue"]]);
      const g = fake();
      g.ports.answer = async () => Promise.reject(Object.assign(new Error("x"), { name: "HTTP500" }));
      const body2 = press("approve");
      const r2 = await handleApproval({ headers: headers(body2), body: body2 }, env, g.ports);
      expect([r2.statusCode, g.logs.at(-1)]).to.deep.equal([200, { level: "warn", msg: "could not answer in the thread", why: "HTTP500" }]);
    });
  });
});
