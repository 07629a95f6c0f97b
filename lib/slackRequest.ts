/**
 * Whether a request really comes from Slack, and what an approver asked (pure).
 *
 * Slack signs each request (Slack API docs, "Verifying requests from Slack"): the signature base is
 * `v0:<X-Slack-Request-Timestamp>:<raw body>`, HMAC-SHA256 with the app's signing secret, sent as
 * `X-Slack-Signature: v0=<hex>`. A request whose timestamp is more than five minutes from now is
 * refused (a replay), and signatures are compared in constant time.
 */
import { createHmac, timingSafeEqual } from "crypto";

/** How far a request's timestamp may be from now: Slack's five minutes. */
export const MAX_AGE_SECONDS = 300;

export type Verdict = { ok: true } | { ok: false; why: string };

export function verifySlackRequest(signingSecret: string, headers: Record<string, string | undefined>, rawBody: string, nowSeconds: number): Verdict {
  const h = (name: string) => Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  const timestamp = h("x-slack-request-timestamp");
  const signature = h("x-slack-signature");
  if (!timestamp || !signature) return { ok: false, why: "not signed by Slack (no X-Slack-Signature or X-Slack-Request-Timestamp)" };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, why: "a malformed X-Slack-Request-Timestamp" };
  if (Math.abs(nowSeconds - Number(timestamp)) > MAX_AGE_SECONDS) return { ok: false, why: `a request timestamped more than ${MAX_AGE_SECONDS / 60} minutes from now (a replay, or a clock far off)` };
  const expected = Buffer.from(`v0=${createHmac("sha256", signingSecret).update(`v0:${timestamp}:${rawBody}`).digest("hex")}`);
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, why: "a signature that does not match (not from Slack, or altered)" };
  return { ok: true };
}

/** What an approver pressed, read from Slack's interaction payload (`payload=<json>`, form-encoded). */
export interface ApprovalRequest {
  userId: string;
  userName?: string;
  action: "CONTINUE" | "ROLLBACK";
  serviceDeploymentArn: string;
  hookId: string;
  /** Where to answer in the thread. */
  channelId?: string;
  messageTs?: string;
  responseUrl?: string;
}

export function readApprovalRequest(rawBody: string): ApprovalRequest | { error: string } {
  const payloadText = new URLSearchParams(rawBody).get("payload");
  if (!payloadText) return { error: "no interaction payload" };
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(payloadText);
  } catch {
    return { error: "an interaction payload that is not JSON" };
  }
  const user = payload.user as { id?: string; username?: string; name?: string } | undefined;
  const action = (payload.actions as { action_id?: string; value?: string }[] | undefined)?.[0];
  if (payload.type !== "block_actions" || !user?.id || !action?.value) return { error: "not a button press" };
  let value: { serviceDeploymentArn?: unknown; hookId?: unknown; action?: unknown };
  try {
    value = JSON.parse(action.value);
  } catch {
    return { error: "a button that is not Ferry's" };
  }
  const wanted = action.action_id === "approve" ? "CONTINUE" : action.action_id === "reject" ? "ROLLBACK" : undefined;
  if (!wanted || value.action !== wanted || typeof value.serviceDeploymentArn !== "string" || typeof value.hookId !== "string") return { error: "a button that is not Ferry's" };
  const channel = payload.channel as { id?: string } | undefined;
  const container = payload.container as { message_ts?: string } | undefined;
  return {
    userId: user.id,
    userName: user.username ?? user.name,
    action: wanted,
    serviceDeploymentArn: value.serviceDeploymentArn,
    hookId: value.hookId,
    channelId: channel?.id,
    messageTs: container?.message_ts,
    responseUrl: typeof payload.response_url === "string" ? payload.response_url : undefined,
  };
}

/** The deployment as ECS describes it now (DescribeServiceDeployments). */
export interface DeploymentNow {
  serviceArn: string;
  status: string;
  hooks: { hookId: string; status: string }[];
}

export type Decision = { act: true; action: "CONTINUE" | "ROLLBACK"; say: string } | { act: false; say: string };

/**
 * Whether to act on an approver's answer: only an allowed user, only a deployment of this stack's
 * services, only while that deployment is in progress and paused at that very hook.
 */
export function decideApproval(req: ApprovalRequest, allowedUsers: string[], stackServiceArns: string[], now: DeploymentNow | undefined): Decision {
  const who = req.userName ? `${req.userName} (${req.userId})` : req.userId;
  if (!allowedUsers.includes(req.userId)) return { act: false, say: `${who} is not an approver of this stack: nothing was done` };
  if (!now) return { act: false, say: "that deployment does not exist (any more): nothing was done" };
  if (!stackServiceArns.includes(now.serviceArn)) return { act: false, say: "that deployment is not of this stack's services: nothing was done" };
  const hook = now.hooks.find((x) => x.hookId === req.hookId);
  if (now.status !== "IN_PROGRESS" || hook?.status !== "AWAITING_ACTION") {
    return { act: false, say: `that deployment has moved on (${now.status}${hook ? `, hook ${hook.status}` : ", no such pause"}): nothing was done` };
  }
  return { act: true, action: req.action, say: `${who} ${req.action === "CONTINUE" ? "approved: the deployment continues" : "rejected: the deployment rolls back"}` };
}
