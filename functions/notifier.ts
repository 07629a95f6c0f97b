/**
 * The notifier: an SNS-subscribed function that turns each EventBridge event about this stack into
 * one message for Slack and/or Chatwork. Decisions are pure (lib/notifications.ts, lib/delivery.ts);
 * this file wires them to ports, which functions/aws.ts implements with the AWS SDK and fetch.
 * Secrets (webhook URL, Chatwork token) are read from Secrets Manager at run time, never from the
 * environment, and never logged.
 */
import { outcomeOf } from "../lib/delivery";
import { chatworkMessage, describeEvent, Lookups, Notification, slackMessage, StackContext } from "../lib/notifications";

/** The function's settings: its stack (stack.json) and its environment, set by the notifications component. */
export interface NotifierEnv {
  context: StackContext;
  /** Secrets Manager ARN of the Slack incoming webhook URL, if Slack is on. */
  FERRY_SLACK_WEBHOOK_SECRET?: string;
  /** Secrets Manager ARN of the Chatwork API token, and the room, if Chatwork is on. */
  FERRY_CHATWORK_TOKEN_SECRET?: string;
  FERRY_CHATWORK_ROOM?: string;
}

export interface HttpAnswer {
  status: number;
  retryAfter?: string;
}

export interface NotifierPorts {
  secret(arn: string): Promise<string>;
  post(url: string, body: string, headers: Record<string, string>): Promise<HttpAnswer>;
  sleep(ms: number): Promise<void>;
  /** The paused hook of a service's in-progress deployment, if there is one. */
  pausedDeployment(serviceArn: string): Promise<Lookups["paused"]>;
  /** The generation of this stack an image digest is (from its release tag), if any. */
  generation(digest: string): Promise<number | undefined>;
  /** Keeps what could not be delivered: the dead-letter queue. */
  deadLetter(message: { eventId: string; destination: string; why: string; event: unknown }): Promise<void>;
  log(entry: Record<string, unknown>): void;
}

export const CHATWORK_API = "https://api.chatwork.com/v2";

/** SNS hands the function a batch of records, each holding one EventBridge event as JSON. */
export async function handleRecords(records: { Sns: { Message: string } }[], env: NotifierEnv, ports: NotifierPorts): Promise<void> {
  for (const record of records) {
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(record.Sns.Message);
    } catch {
      ports.log({ level: "error", msg: "an SNS message that is not JSON: dropped" });
      continue;
    }
    await notify(event, env, ports);
  }
}

export async function notify(event: Record<string, unknown>, env: NotifierEnv, ports: NotifierPorts): Promise<void> {
  const ctx = env.context;
  const n = describeEvent(event, ctx, await lookups(event, ctx, ports));
  if (!n) {
    ports.log({ level: "info", msg: "not about this stack: nothing to tell", eventId: event.id, detailType: event["detail-type"] });
    return;
  }
  const deliveries: Promise<void>[] = [];
  if (env.FERRY_SLACK_WEBHOOK_SECRET) {
    const secretArn = env.FERRY_SLACK_WEBHOOK_SECRET;
    deliveries.push(deliver("slack", n, event, ports, async () => ({ url: await ports.secret(secretArn), body: JSON.stringify(slackMessage(n)), headers: { "content-type": "application/json" } })));
  }
  if (env.FERRY_CHATWORK_TOKEN_SECRET && env.FERRY_CHATWORK_ROOM) {
    const secretArn = env.FERRY_CHATWORK_TOKEN_SECRET;
    const room = env.FERRY_CHATWORK_ROOM;
    deliveries.push(
      deliver("chatwork", n, event, ports, async () => ({
        url: `${CHATWORK_API}/rooms/${encodeURIComponent(room)}/messages`,
        body: new URLSearchParams({ body: chatworkMessage(n) }).toString(),
        headers: { "content-type": "application/x-www-form-urlencoded", "x-chatworktoken": await ports.secret(secretArn) },
      })),
    );
  }
  await Promise.all(deliveries);
}

async function lookups(event: Record<string, unknown>, ctx: StackContext, ports: NotifierPorts): Promise<Lookups> {
  const resources = (event.resources as string[] | undefined) ?? [];
  const service = ctx.services.find((s) => resources.includes(s.arn));
  const found: Lookups = {};
  if (event["detail-type"] === "ECS Hook State Change" && service) found.paused = await ports.pausedDeployment(service.arn);
  const digest =
    event["detail-type"] === "ECR Image Scan" ? ((event.detail as Record<string, unknown>)["image-digest"] as string | undefined) : service?.image ? /sha256:[a-f0-9]{64}$/.exec(service.image)?.[0] : undefined;
  if (digest) found.generation = await ports.generation(digest).catch(() => undefined);
  return found;
}

/** One destination: tried with backoff while transient, then given up on into the dead-letter queue. */
async function deliver(
  destination: string,
  n: Notification,
  event: unknown,
  ports: NotifierPorts,
  request: () => Promise<{ url: string; body: string; headers: Record<string, string> }>,
): Promise<void> {
  let why: string;
  try {
    const { url, body, headers } = await request();
    for (let tries = 1; ; tries++) {
      const answer = await ports.post(url, body, headers).catch(() => undefined);
      const outcome = outcomeOf(tries, answer?.status, answer?.retryAfter);
      if (outcome.kind === "delivered") {
        ports.log({ level: "info", msg: "delivered", destination, eventId: n.eventId, title: n.title, tries });
        return;
      }
      if (outcome.kind === "give-up") {
        why = outcome.why;
        break;
      }
      ports.log({ level: "warn", msg: "retrying", destination, eventId: n.eventId, why: outcome.why, afterMs: outcome.afterMs });
      await ports.sleep(outcome.afterMs);
    }
  } catch (err) {
    // Reading the secret failed: nothing was sent. The error names the secret's ARN, never its value.
    why = `could not prepare the message: ${(err as Error).name}`;
  }
  ports.log({ level: "error", msg: "not delivered: kept in the dead-letter queue", destination, eventId: n.eventId, why });
  await ports.deadLetter({ eventId: n.eventId, destination, why, event });
}
