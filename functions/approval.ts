/**
 * The approval endpoint: a Lambda function URL that Slack calls when an approver presses Approve or
 * Reject on a paused deployment's message. It checks, in order, that Slack signed the request and
 * recently (lib/slackRequest.ts), that it is not a request already seen, that the user may approve
 * this stack, and that the deployment is of this stack's services and paused at that hook now; only
 * then does it continue or roll back that deployment. Every decision is logged and answered in the
 * message's thread; a refusal changes nothing.
 */
import { decideApproval, DeploymentNow, readApprovalRequest, verifySlackRequest } from "../lib/slackRequest";
import type { StackContext } from "../lib/notifications";

/** The function's settings: its stack and approvers (stack.json) and its environment. */
export interface ApprovalEnv {
  context: StackContext;
  /** Secrets Manager ARN of the Slack app's signing secret. */
  FERRY_SLACK_SIGNING_SECRET: string;
  /** The Slack member ids that may approve. */
  approvers: string[];
}

export interface ApprovalPorts {
  secret(arn: string): Promise<string>;
  nowSeconds(): number;
  /** Remembers a signature; false when it was seen before (a replay within Slack's five minutes). */
  firstTime(signature: string): boolean;
  describeDeployment(serviceDeploymentArn: string): Promise<DeploymentNow | undefined>;
  continueDeployment(serviceDeploymentArn: string, hookId: string, action: "CONTINUE" | "ROLLBACK"): Promise<void>;
  /** Answers in the message's thread (Slack's response_url). */
  answer(responseUrl: string, text: string, threadTs?: string): Promise<void>;
  log(entry: Record<string, unknown>): void;
}

/** What a function URL hands the function (the fields used). */
export interface UrlRequest {
  headers: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
}

export interface UrlResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const reply = (statusCode: number, body: string): UrlResponse => ({ statusCode, headers: { "content-type": "text/plain; charset=utf-8" }, body });

export async function handleApproval(req: UrlRequest, env: ApprovalEnv, ports: ApprovalPorts): Promise<UrlResponse> {
  const raw = req.isBase64Encoded ? Buffer.from(req.body ?? "", "base64").toString("utf8") : (req.body ?? "");
  const verdict = verifySlackRequest(await ports.secret(env.FERRY_SLACK_SIGNING_SECRET), req.headers, raw, ports.nowSeconds());
  if (!verdict.ok) {
    ports.log({ level: "warn", msg: "refused", why: verdict.why });
    return reply(401, `refused: ${verdict.why}`);
  }
  const signature = Object.entries(req.headers).find(([k]) => k.toLowerCase() === "x-slack-signature")![1]!;
  if (!ports.firstTime(signature)) {
    ports.log({ level: "warn", msg: "refused", why: "a replayed request" });
    return reply(401, "refused: a request already answered (a replay)");
  }
  const request = readApprovalRequest(raw);
  if ("error" in request) {
    ports.log({ level: "warn", msg: "refused", why: request.error });
    return reply(400, `refused: ${request.error}`);
  }
  const ctx = env.context;
  const approvers = env.approvers;
  // An unknown user is refused before anything about the deployment is read.
  const now = approvers.includes(request.userId) ? await ports.describeDeployment(request.serviceDeploymentArn) : undefined;
  let decision = decideApproval(request, approvers, ctx.services.map((s) => s.arn), now);
  if (decision.act) {
    try {
      await ports.continueDeployment(request.serviceDeploymentArn, request.hookId, decision.action);
    } catch (err) {
      decision = { act: false, say: `ECS refused (${(err as Error).name}: the deployment may have moved on meanwhile): nothing was done` };
    }
  }
  const entry = { level: decision.act ? "info" : "warn", msg: decision.act ? "acted" : "refused", stack: ctx.stack, user: request.userId, action: request.action, serviceDeploymentArn: request.serviceDeploymentArn, hookId: request.hookId, say: decision.say };
  ports.log(entry);
  if (request.responseUrl) await ports.answer(request.responseUrl, decision.say, request.messageTs).catch((err) => ports.log({ level: "warn", msg: "could not answer in the thread", why: (err as Error).name }));
  return reply(200, decision.say);
}
