/**
 * `ferry:notifications`: who hears about the stack, and who may approve its paused deployments.
 *
 *   slack:    { webhookUrl, signingSecret?, approvers? }   Slack incoming webhook; with the app's
 *             signing secret and approvers (Slack user ids), Approve/Reject buttons on paused deployments
 *   chatwork: { roomId, apiToken }
 *   email:    [addresses]                                  SNS e-mail subscriptions
 *   scanSeverity: CRITICAL | HIGH (default) | MEDIUM | LOW | INFORMATIONAL
 *   pulumiDeployments: true (default with slack) | false   Pulumi Cloud's own events to Slack
 *
 * Each credential is either `{ secretArn }` (a Secrets Manager secret the team created; the stack
 * file names it and never holds it) or a Pulumi secret (`pulumi config set --secret --path
 * 'ferry:notifications.slack.webhookUrl' …`), which Ferry stores in a Secrets Manager secret of its
 * own. Plain text is refused.
 */
import { MAX_PATTERN_CHARS, notificationRules, oversizedRules, servicesOfCluster, SEVERITIES, Severity } from "../lib/notificationRules";
import { AUTONAME_SUFFIX_LENGTH, notificationsResourceName, rollbackAlarmNames, serviceResourceName, stackResourceName, undeliveredAlarmName } from "../lib/names";
import { digestsOf } from "../lib/imageSet";
import { parseRepository } from "../lib/ecrRepository";
import { Reader } from "./reader";
import { FerryConfig, NotificationsConfig, SecretRef } from "./types";

export const NOTIFICATION_KEYS = ["slack", "chatwork", "email", "scanSeverity", "pulumiDeployments"] as const;
export const NOTIFICATION_DEFAULTS = { scanSeverity: "HIGH" as Severity };

/** A Secrets Manager secret's ARN (its name then AWS's six-character suffix). */
const SECRETS_MANAGER_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/;
/** A Slack member id (U… or W… for Enterprise Grid). */
const SLACK_USER = /^[UW][A-Z0-9]{8,20}$/;
const CHATWORK_ROOM = /^\d{1,20}$/;
/** An e-mail address as SNS takes it: something@domain.tld. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function readNotifications(r: Reader, key: string, value: unknown): NotificationsConfig | undefined {
  const o = r.object(key, value, NOTIFICATION_KEYS);
  if (!o) return undefined;
  const secret = r.isSecret(key);
  const slack = readSlack(r, `${key}.slack`, o.slack, secret);
  const chatwork = readChatwork(r, `${key}.chatwork`, o.chatwork, secret);
  const email = o.email === undefined ? [] : (r.list(`${key}.email`, o.email) ?? []).flatMap((a, i) => r.string(`${key}.email[${i}]`, a, { pattern: EMAIL, describe: "an e-mail address" }) ?? []);
  // Described, not echoed: the value may hold a credential given in plain text.
  if (o.slack === undefined && o.chatwork === undefined && o.email === undefined) r.reportDescribed(key, "none of slack, chatwork, email", "at least one of slack, chatwork or email");
  const scanSeverity = o.scanSeverity === undefined ? NOTIFICATION_DEFAULTS.scanSeverity : (r.oneOf(`${key}.scanSeverity`, o.scanSeverity, SEVERITIES) ?? NOTIFICATION_DEFAULTS.scanSeverity);
  const pulumiDeployments = o.pulumiDeployments === undefined ? slack !== undefined : (r.boolean(`${key}.pulumiDeployments`, o.pulumiDeployments) ?? false);
  if (pulumiDeployments && !slack && o.pulumiDeployments !== undefined) r.report(`${key}.pulumiDeployments`, o.pulumiDeployments, "false without slack: Pulumi Cloud's events go to the Slack webhook");
  return { slack, chatwork, email, scanSeverity, pulumiDeployments };
}

function readSlack(r: Reader, key: string, value: unknown, secret: boolean): NotificationsConfig["slack"] {
  const o = r.object(key, value, ["webhookUrl", "signingSecret", "approvers"]);
  if (!o) return undefined;
  if (o.webhookUrl === undefined) r.report(`${key}.webhookUrl`, undefined, "the Slack incoming webhook's URL, as { secretArn } or a Pulumi secret");
  const webhookUrl = readSecretRef(r, `${key}.webhookUrl`, o.webhookUrl, secret);
  const signingSecret = readSecretRef(r, `${key}.signingSecret`, o.signingSecret, secret);
  const approvers = o.approvers === undefined ? [] : (r.list(`${key}.approvers`, o.approvers) ?? []).flatMap((u, i) => r.string(`${key}.approvers[${i}]`, u, { pattern: SLACK_USER, describe: "a Slack member id (U… or W…, from the member's profile)" }) ?? []);
  if (o.signingSecret !== undefined && (o.approvers === undefined || (Array.isArray(o.approvers) && o.approvers.length === 0))) r.report(`${key}.approvers`, o.approvers, "at least one Slack member id: who may approve this stack's paused deployments");
  if (approvers.length > 0 && o.signingSecret === undefined) r.report(`${key}.signingSecret`, undefined, "the Slack app's signing secret, so approvals can be verified");
  return webhookUrl ? { webhookUrl, signingSecret, approvers } : undefined;
}

function readChatwork(r: Reader, key: string, value: unknown, secret: boolean): NotificationsConfig["chatwork"] {
  const o = r.object(key, value, ["roomId", "apiToken"]);
  if (!o) return undefined;
  if (o.roomId === undefined) r.report(`${key}.roomId`, undefined, "the Chatwork room's id (digits)");
  if (o.apiToken === undefined) r.report(`${key}.apiToken`, undefined, "a Chatwork API token, as { secretArn } or a Pulumi secret");
  const roomId = r.string(`${key}.roomId`, typeof o.roomId === "number" ? String(o.roomId) : o.roomId, { pattern: CHATWORK_ROOM, describe: "the Chatwork room's id (digits)" });
  const apiToken = readSecretRef(r, `${key}.apiToken`, o.apiToken, secret);
  return roomId && apiToken ? { roomId, apiToken } : undefined;
}

/** `{ secretArn }`, or a Pulumi secret (a string under a secret key; `{ secure }` when read offline). */
function readSecretRef(r: Reader, key: string, value: unknown, secret: boolean): SecretRef | undefined {
  if (value === undefined) return undefined;
  const how = `{ secretArn: <Secrets Manager ARN> } or a Pulumi secret (pulumi config set --secret --path '${key}' <value>), never plain text`;
  if (typeof value === "object" && value !== null && !Array.isArray(value) && "secure" in value) return { kind: "value" };
  if (typeof value === "string") {
    if (!secret) {
      r.reportHidden(key, how);
      return undefined;
    }
    return { kind: "value", value };
  }
  const o = r.object(key, value, ["secretArn"]);
  if (!o) return undefined;
  const arn = r.string(`${key}.secretArn`, o.secretArn, { pattern: SECRETS_MANAGER_ARN, describe: "a Secrets Manager secret's ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>)" });
  if (o.secretArn === undefined) r.report(`${key}.secretArn`, undefined, how);
  return arn ? { kind: "arn", arn } : undefined;
}

/**
 * The stack's rules, with stand-ins of the real names' lengths (Pulumi's autonamed suffixes, the
 * region's partition): what EventBridge will be asked to store. Pure, so the plan and a refusal agree.
 */
export function plannedRules(c: Pick<FerryConfig, "project" | "stack" | "build" | "images" | "cluster" | "services">, n: NotificationsConfig, region: string) {
  const suffix = "-".padEnd(AUTONAME_SUFFIX_LENGTH, "0");
  const partition = region.startsWith("us-gov-") ? "aws-us-gov" : region.startsWith("cn-") ? "aws-cn" : "aws";
  const name = stackResourceName(c.project, c.stack);
  const clusterArn = c.cluster.arn ?? `arn:${partition}:ecs:${region}:000000000000:cluster/${name}${suffix}`;
  const images = Object.values(c.images ?? {});
  return notificationRules({
    clusterArn,
    ownCluster: c.cluster.arn === undefined,
    services: c.services.map((s) => ({ name: `${serviceResourceName(c.project, c.stack, s.name)}${suffix}`, arn: `${servicesOfCluster(clusterArn)}${serviceResourceName(c.project, c.stack, s.name)}${suffix}` })),
    repositoryName: c.build ? `${name}${suffix}` : images.map((ref) => parseRepository(ref)?.repositoryName).find(Boolean),
    imageDigests: c.build ? undefined : digestsOf(c.images ?? {}),
    alarmNames: [...new Set([...c.services.flatMap((s) => rollbackAlarmNames(c.project, c.stack, s)), undeliveredAlarmName(notificationsResourceName(c.project, c.stack))])],
    scanSeverity: n.scanSeverity,
  });
}

/** Refuses notifications whose rules EventBridge would not store (too many services or alarms for one pattern). */
export function checkPatternSizes(r: Reader, key: string, c: Parameters<typeof plannedRules>[0], n: NotificationsConfig, region: string): void {
  for (const big of oversizedRules(plannedRules(c, n, region))) {
    r.reportDescribed(
      key,
      `a "${big.name}" rule of ${big.chars} characters (its pattern lists every service or alarm of the stack)`,
      `at most ${MAX_PATTERN_CHARS} characters, EventBridge's event pattern quota: fewer services or alarms in this stack, or its own cluster (whose services one prefix matches)`,
    );
  }
}
