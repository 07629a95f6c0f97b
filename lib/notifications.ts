/**
 * One readable message per event (pure): which stack and service, what happened, ECS's (or ECR's, or
 * CloudWatch's) reason, the image digest and generation it concerns, and links to the console; then
 * the same message for Slack (blocks, with Approve/Reject buttons on a paused deployment) and for
 * Chatwork (its message notation). The notifier function (functions/notifier.ts) feeds it events.
 */

export type Level = "info" | "success" | "warning" | "error";

/** What the notifier knows of its stack (from its environment, set at `pulumi up`). */
export interface StackContext {
  /** `<project>/<stack>`, as people say it. */
  stack: string;
  region: string;
  clusterName: string;
  /** Each ECS service: its ARN, Ferry's name for it (`web`), and the image it runs (pinned by digest). */
  services: { arn: string; name: string; image?: string }[];
}

/** What the notifier looks up for an event, when it can: the generation the image is of this stack. */
export interface Lookups {
  generation?: number;
  /** A paused deployment's hook, found through DescribeServiceDeployments. */
  paused?: { serviceDeploymentArn: string; hookId: string; expiresAt?: string };
}

export interface Notification {
  level: Level;
  title: string;
  /** ECS's, ECR's or CloudWatch's own words for why. */
  reason?: string;
  fields: { label: string; value: string }[];
  links: { label: string; url: string }[];
  /** Set on a deployment paused for approval: what the buttons act on. */
  approval?: { serviceDeploymentArn: string; hookId: string; service: string };
  /** The EventBridge event's id, for the logs. */
  eventId: string;
}

type Event = { id: string; "detail-type": string; source: string; region?: string; account?: string; time?: string; resources?: string[]; detail: Record<string, unknown> };

/** A console page of the region: `?region=` goes before any `#fragment`, as the console's own links have it. */
function consoleUrl(region: string, path: string): string {
  const [page, fragment] = path.split("#");
  return `https://${region}.console.aws.amazon.com/${page}?region=${region}${fragment !== undefined ? `#${fragment}` : ""}`;
}
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/** The message for an event, or undefined for an event that is not about this stack. */
export function describeEvent(raw: unknown, ctx: StackContext, found: Lookups = {}): Notification | undefined {
  const e = raw as Event;
  if (!e || typeof e !== "object" || !e.detail) return undefined;
  const region = e.region ?? ctx.region;
  const service = ctx.services.find((s) => e.resources?.includes(s.arn));
  const serviceFields = (s: StackContext["services"][number]) => {
    const digest = s.image ? /sha256:[a-f0-9]{64}$/.exec(s.image)?.[0] : undefined;
    return [
      { label: "Stack", value: ctx.stack },
      { label: "Service", value: s.name },
      ...(digest ? [{ label: "Image", value: digest }] : []),
      ...(found.generation !== undefined ? [{ label: "Generation", value: String(found.generation) }] : []),
    ];
  };
  const serviceLinks = (s: StackContext["services"][number]) => {
    const ecsName = s.arn.split("/").pop()!;
    return [{ label: "Deployments", url: consoleUrl(region, `ecs/v2/clusters/${ctx.clusterName}/services/${ecsName}/deployments`) }];
  };
  const d = e.detail;

  switch (e["detail-type"]) {
    case "ECS Deployment State Change": {
      if (!service) return undefined;
      const reason = str(d.reason);
      const name = str(d.eventName);
      const rollingBack = name === "SERVICE_DEPLOYMENT_IN_PROGRESS" && /rolling back/i.test(reason ?? "");
      const [level, what]: [Level, string] =
        name === "SERVICE_DEPLOYMENT_COMPLETED"
          ? ["success", "deployed"]
          : name === "SERVICE_DEPLOYMENT_FAILED"
            ? ["error", "deployment failed"]
            : rollingBack
              ? ["error", "rolling back"]
              : ["info", "deploying"];
      return { level, title: `${ctx.stack} ${service.name}: ${what}`, reason, fields: serviceFields(service), links: serviceLinks(service), eventId: e.id };
    }
    case "ECS Hook State Change": {
      if (!service || str(d.eventName) !== "HOOK_AWAITING_ACTION") return undefined;
      const p = found.paused;
      return {
        level: "warning",
        title: `${ctx.stack} ${service.name}: deployment paused for approval`,
        reason: p?.expiresAt ? `waits until ${p.expiresAt}, then takes its timeout action` : undefined,
        fields: serviceFields(service),
        links: serviceLinks(service),
        ...(p ? { approval: { serviceDeploymentArn: p.serviceDeploymentArn, hookId: p.hookId, service: service.name } } : {}),
        eventId: e.id,
      };
    }
    case "ECS Service Action": {
      if (!service) return undefined;
      const name = str(d.eventName) ?? "";
      const what = name === "SERVICE_TASK_PLACEMENT_FAILURE" ? "tasks cannot be placed" : name === "SERVICE_TASK_CONFIGURATION_FAILURE" ? "tasks misconfigured" : name === "SERVICE_TASK_START_IMPAIRED" ? "tasks keep failing to start" : undefined;
      if (!what) return undefined;
      return { level: str(d.eventType) === "ERROR" ? "error" : "warning", title: `${ctx.stack} ${service.name}: ${what}`, reason: str(d.reason), fields: serviceFields(service), links: serviceLinks(service), eventId: e.id };
    }
    case "ECS Task State Change": {
      if (str(d.stopCode) !== "SpotInterruption") return undefined;
      const group = str(d.group);
      const owner = group ? ctx.services.find((s) => `service:${s.arn.split("/").pop()}` === group) : undefined;
      const task = str(d.taskArn) ?? e.resources?.[0] ?? "";
      const taskId = task.split("/").pop();
      return {
        level: "warning",
        title: `${ctx.stack}${owner ? ` ${owner.name}` : ""}: a Fargate Spot task was interrupted`,
        reason: str(d.stoppedReason),
        fields: owner ? serviceFields(owner) : [{ label: "Stack", value: ctx.stack }, { label: "Task", value: taskId ?? task }],
        links: [{ label: "Task", url: consoleUrl(region, `ecs/v2/clusters/${ctx.clusterName}/tasks/${taskId}`) }],
        eventId: e.id,
      };
    }
    case "ECR Image Scan": {
      const counts = (d["finding-severity-counts"] ?? {}) as Record<string, number>;
      const digest = str(d["image-digest"]) ?? "";
      const repository = str(d["repository-name"]) ?? "";
      const users = ctx.services.filter((s) => s.image?.endsWith(digest)).map((s) => s.name);
      const summary = Object.entries(counts).map(([sev, n]) => `${n} ${sev}`).join(", ");
      return {
        level: (counts.CRITICAL ?? 0) > 0 || (counts.HIGH ?? 0) > 0 ? "error" : "warning",
        title: `${ctx.stack}: scan findings in ${repository}${users.length ? ` (the image ${users.join(", ")} runs)` : ""}`,
        reason: summary || undefined,
        fields: [{ label: "Stack", value: ctx.stack }, { label: "Image", value: digest }, ...(found.generation !== undefined ? [{ label: "Generation", value: String(found.generation) }] : [])],
        links: [{ label: "Scan results", url: consoleUrl(region, `ecr/repositories/private/${e.account}/${repository}/_/image/${digest}/scan-results`) }],
        eventId: e.id,
      };
    }
    case "CloudWatch Alarm State Change": {
      const alarm = str(d.alarmName) ?? "";
      const state = (d.state ?? {}) as { value?: string; reason?: string };
      return {
        level: state.value === "ALARM" ? "error" : state.value === "OK" ? "success" : "info",
        title: `${ctx.stack}: alarm ${alarm} is ${state.value}`,
        reason: state.reason,
        fields: [{ label: "Stack", value: ctx.stack }, { label: "Alarm", value: alarm }],
        links: [{ label: "Alarm", url: consoleUrl(region, `cloudwatch/home#alarmsV2:alarm/${encodeURIComponent(alarm)}`) }],
        eventId: e.id,
      };
    }
    default:
      return undefined;
  }
}

const EMOJI: Record<Level, string> = { info: ":arrows_counterclockwise:", success: ":white_check_mark:", warning: ":warning:", error: ":rotating_light:" };

/** Slack's message: a fallback text and blocks; Approve/Reject buttons when the deployment is paused. */
export function slackMessage(n: Notification): { text: string; blocks: unknown[] } {
  const text = `${EMOJI[n.level]} ${n.title}`;
  const blocks: unknown[] = [
    { type: "section", text: { type: "mrkdwn", text: `*${escapeSlack(text)}*${n.reason ? `\n${escapeSlack(n.reason)}` : ""}` } },
    { type: "section", fields: n.fields.map((f) => ({ type: "mrkdwn", text: `*${escapeSlack(f.label)}*\n${escapeSlack(f.value)}` })) },
    { type: "context", elements: n.links.map((l) => ({ type: "mrkdwn", text: `<${l.url}|${escapeSlack(l.label)}>` })) },
  ];
  if (n.approval) {
    const value = (action: "CONTINUE" | "ROLLBACK") => JSON.stringify({ serviceDeploymentArn: n.approval!.serviceDeploymentArn, hookId: n.approval!.hookId, action });
    blocks.push({
      type: "actions",
      block_id: "ferry-approval",
      elements: [
        { type: "button", action_id: "approve", style: "primary", text: { type: "plain_text", text: "Approve" }, value: value("CONTINUE") },
        { type: "button", action_id: "reject", style: "danger", text: { type: "plain_text", text: "Reject (roll back)" }, value: value("ROLLBACK") },
      ],
    });
  }
  return { text, blocks };
}

/** Slack's mrkdwn treats &, < and > as markup: escaped as its docs say. */
export function escapeSlack(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Chatwork's message notation: one [info] block with a [title]. */
export function chatworkMessage(n: Notification): string {
  const lines = [
    ...(n.reason ? [n.reason] : []),
    ...n.fields.map((f) => `${f.label}: ${f.value}`),
    ...n.links.map((l) => `${l.label}: ${l.url}`),
    ...(n.approval ? ["Approve or reject in Slack, or with: ferry approve / ferry reject"] : []),
  ];
  return `[info][title]${n.title}[/title]${lines.join("\n")}[/info]`;
}
