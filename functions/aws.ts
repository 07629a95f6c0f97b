/**
 * The functions' ports over AWS (SDK v3, in the function's own region and role) and HTTPS (fetch).
 * Secrets are cached for the life of the function's container, and never logged.
 */
import { DescribeImagesCommand, ECRClient } from "@aws-sdk/client-ecr";
import { ECSClient } from "@aws-sdk/client-ecs";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { EcsDeployments } from "../aws/ecs";
import { RELEASE_PREFIX } from "../lib/imageTags";
import type { DeploymentNow } from "../lib/slackRequest";
import type { ApprovalPorts } from "./approval";
import type { NotifierPorts } from "./notifier";

const secrets = new Map<string, Promise<string>>();
let secretsManager: SecretsManagerClient | undefined;

export function readSecret(arn: string): Promise<string> {
  let s = secrets.get(arn);
  if (!s) {
    secretsManager ??= new SecretsManagerClient({});
    s = secretsManager.send(new GetSecretValueCommand({ SecretId: arn })).then((out) => {
      if (out.SecretString === undefined) throw Object.assign(new Error(`secret ${arn} holds no string`), { name: "EmptySecret" });
      return out.SecretString;
    });
    // A failed read is not kept: the next event tries again.
    s.catch(() => secrets.delete(arn));
    secrets.set(arn, s);
  }
  return s;
}

/** One JSON line per entry on standard output, which Lambda sends to the function's log group. */
const log = (entry: Record<string, unknown>) => void process.stdout.write(`${JSON.stringify(entry)}\n`);

/** The cluster and service names in a service ARN (`…:service/<cluster>/<service>`). */
export function serviceOf(arn: string): { cluster: string; service: string } {
  const [, cluster, service] = arn.split(":").pop()!.split("/");
  return { cluster, service };
}

/** The generation of `stack` a release tag names: `release-<stack>-<n>` (not a platform's `-<arch>` tag). */
export function generationOf(tags: string[], stack: string): number | undefined {
  const prefix = `${RELEASE_PREFIX}${stack}-`;
  const found = tags.filter((t) => t.startsWith(prefix) && /^\d+$/.test(t.slice(prefix.length))).map((t) => Number(t.slice(prefix.length)));
  return found.length ? Math.max(...found) : undefined;
}

export function notifierPorts(env: NodeJS.ProcessEnv = process.env): NotifierPorts {
  const ecs = new EcsDeployments(new ECSClient({}));
  const ecr = new ECRClient({});
  const sqs = new SQSClient({});
  return {
    secret: readSecret,
    post: async (url, body, headers) => {
      const res = await fetch(url, { method: "POST", body, headers, signal: AbortSignal.timeout(10_000) });
      return { status: res.status, retryAfter: res.headers.get("retry-after") ?? undefined };
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    pausedDeployment: async (serviceArn) => {
      const { cluster, service } = serviceOf(serviceArn);
      const p = (await ecs.paused(cluster, [service]))[0];
      return p ? { serviceDeploymentArn: p.deploymentArn, hookId: p.hookId, expiresAt: p.expiresAt?.toISOString() } : undefined;
    },
    generation: async (digest) => {
      if (!env.FERRY_REPOSITORY || !env.FERRY_STACK_NAME) return undefined;
      const out = await ecr.send(new DescribeImagesCommand({ repositoryName: env.FERRY_REPOSITORY, imageIds: [{ imageDigest: digest }] }));
      return generationOf(out.imageDetails?.[0]?.imageTags ?? [], env.FERRY_STACK_NAME);
    },
    deadLetter: async (m) => {
      await sqs.send(new SendMessageCommand({ QueueUrl: env.FERRY_DEAD_LETTER_QUEUE_URL, MessageBody: JSON.stringify(m) }));
    },
    log,
  };
}

/** Signatures seen by this container (a replay within Slack's five minutes finds its own). */
const seen = new Map<string, number>();

export function approvalPorts(): ApprovalPorts {
  const ecs = new EcsDeployments(new ECSClient({}));
  return {
    secret: readSecret,
    nowSeconds: () => Math.floor(Date.now() / 1000),
    firstTime: (signature) => {
      const now = Date.now();
      for (const [sig, at] of seen) if (now - at > 10 * 60_000) seen.delete(sig);
      if (seen.has(signature)) return false;
      seen.set(signature, now);
      return true;
    },
    describeDeployment: async (arn): Promise<DeploymentNow | undefined> => {
      const d = (await ecs.describeServiceDeployments([arn]))[0];
      if (!d?.serviceArn || !d.status) return undefined;
      return { serviceArn: d.serviceArn, status: d.status, hooks: (d.lifecycleHookDetails ?? []).flatMap((h) => (h.hookId && h.status ? [{ hookId: h.hookId, status: h.status }] : [])) };
    },
    continueDeployment: (arn, hookId, action) => ecs.continueDeployment(arn, hookId, action),
    answer: async (responseUrl, text, threadTs) => {
      const res = await fetch(responseUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ response_type: "in_channel", replace_original: false, text, ...(threadTs ? { thread_ts: threadTs } : {}) }),
        signal: AbortSignal.timeout(5_000),
      });
      if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { name: `HTTP${res.status}` });
    },
    log,
  };
}
