/**
 * "No false green": decides from ECS's own records whether the deployment a `pulumi up` started
 * succeeded, and waits for it. ECS's steady-state wait succeeds even when the circuit breaker or an
 * alarm rolled the service back; this reads the service deployment itself.
 *
 * `observe` turns SDK responses (ListServiceDeployments, DescribeServiceDeployments,
 * DescribeServiceRevisions, DescribeServices) into an Observation; `assess` decides; `watchDeployment`
 * polls through an `EcsDeploymentReader` until a verdict or the deadline. All three are testable
 * without AWS: the reader is a port, the clock is injected.
 */
import type {
  DeploymentLifecycleHookDetail,
  Service,
  ServiceDeployment,
  ServiceDeploymentBrief,
  ServiceRevision,
} from "@aws-sdk/client-ecs";

/** The reads the watch needs; implemented over the AWS SDK in aws/ecs.ts. */
export interface EcsDeploymentReader {
  listServiceDeployments(cluster: string, service: string, createdAfter: Date): Promise<ServiceDeploymentBrief[]>;
  describeServiceDeployments(arns: string[]): Promise<ServiceDeployment[]>;
  describeServiceRevisions(arns: string[]): Promise<ServiceRevision[]>;
  describeService(cluster: string, service: string): Promise<Service | undefined>;
}

export interface ObservedDeployment {
  arn: string;
  status: string;
  statusReason?: string;
  createdAt?: Date;
  /** Task definition of the revision the deployment moves to. */
  taskDefinition?: string;
  lifecycleStage?: string;
  hooks: DeploymentLifecycleHookDetail[];
  rollbackReason?: string;
  triggeredAlarms: string[];
  circuitBreakerTripped: boolean;
}

export interface Observation {
  deployments: ObservedDeployment[];
  /** The service's PRIMARY deployment as DescribeServices reports it. */
  primary?: { taskDefinition?: string; rolloutState?: string; rolloutStateReason?: string };
}

export type Verdict =
  | { state: "succeeded"; detail: string }
  | { state: "failed"; reason: string; deploymentArn?: string }
  | { state: "inProgress"; detail: string; deploymentArn?: string }
  | { state: "paused"; detail: string; deploymentArn: string; hookId?: string; stage?: string; expiresAt?: Date; timeoutAction?: string }
  | { state: "notStarted"; detail: string };

export function observe(deployments: ServiceDeployment[], revisions: ServiceRevision[], service?: Service): Observation {
  const taskDefOf = new Map(revisions.map((r) => [r.serviceRevisionArn, r.taskDefinition]));
  const primary = service?.deployments?.find((d) => d.status === "PRIMARY");
  return {
    deployments: deployments
      .map((d) => ({
        arn: d.serviceDeploymentArn ?? "",
        status: d.status ?? "PENDING",
        statusReason: d.statusReason,
        createdAt: d.createdAt,
        taskDefinition: taskDefOf.get(d.targetServiceRevision?.arn),
        lifecycleStage: d.lifecycleStage,
        hooks: d.lifecycleHookDetails ?? [],
        rollbackReason: d.rollback?.reason,
        triggeredAlarms: d.alarms?.triggeredAlarmNames ?? [],
        circuitBreakerTripped: d.deploymentCircuitBreaker?.status === "TRIGGERED",
      }))
      .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0)),
    primary: primary && { taskDefinition: primary.taskDefinition, rolloutState: primary.rolloutState, rolloutStateReason: primary.rolloutStateReason },
  };
}

// Arrays, not Sets: this module is serialized into the deployment check's provider, and Pulumi's
// closure serialization does not carry a Set's contents.
const FAILED = ["ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED", "STOPPED"];
const ROLLING_BACK = ["ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS", "STOP_REQUESTED"];

/** What happened to the newest deployment towards `taskDefinition`. */
export function assess(obs: Observation, taskDefinition: string): Verdict {
  const d = obs.deployments.find((x) => x.taskDefinition === taskDefinition);
  if (!d) {
    if (obs.primary?.taskDefinition === taskDefinition && obs.primary.rolloutState === "COMPLETED") {
      return { state: "succeeded", detail: "the service runs this task definition (no deployment record needed)" };
    }
    return { state: "notStarted", detail: `no deployment of ${shortTaskDef(taskDefinition)} yet` };
  }
  const why = () => failureReason(d);
  if (d.status === "SUCCESSFUL") return { state: "succeeded", detail: `deployment ${shortArn(d.arn)} completed` };
  if (FAILED.includes(d.status)) {
    const what = d.status === "ROLLBACK_FAILED" ? "failed and its rollback failed too" : d.status === "STOPPED" ? "was stopped" : "was rolled back";
    return { state: "failed", deploymentArn: d.arn, reason: `deployment ${shortArn(d.arn)} of ${shortTaskDef(taskDefinition)} ${what}: ${why()}` };
  }
  if (ROLLING_BACK.includes(d.status)) {
    return { state: "inProgress", deploymentArn: d.arn, detail: `rolling back (${why()})` };
  }
  const waiting = d.hooks.find((h) => h.targetType === "PAUSE" && h.status === "AWAITING_ACTION");
  if (waiting) {
    return {
      state: "paused",
      deploymentArn: d.arn,
      hookId: waiting.hookId,
      stage: d.lifecycleStage,
      expiresAt: waiting.expiresAt,
      timeoutAction: waiting.timeoutAction,
      detail:
        `paused at ${d.lifecycleStage ?? "a lifecycle hook"} waiting for approval (ferry approve / ferry reject)` +
        (waiting.expiresAt ? `; at ${waiting.expiresAt.toISOString()} ECS will ${(waiting.timeoutAction ?? "ROLLBACK").toLowerCase()}` : ""),
    };
  }
  return { state: "inProgress", deploymentArn: d.arn, detail: `${d.status.toLowerCase().replace(/_/g, " ")}${d.lifecycleStage ? ` at ${d.lifecycleStage}` : ""}` };
}

function failureReason(d: ObservedDeployment): string {
  const parts: string[] = [];
  if (d.circuitBreakerTripped) parts.push("the deployment circuit breaker tripped");
  if (d.triggeredAlarms.length) parts.push(`alarm${d.triggeredAlarms.length > 1 ? "s" : ""} ${d.triggeredAlarms.join(", ")} went off`);
  if (d.rollbackReason) parts.push(d.rollbackReason);
  else if (d.statusReason) parts.push(d.statusReason);
  return parts.length ? parts.join("; ") : "ECS gave no reason";
}

function shortArn(arn: string): string {
  return arn.slice(arn.lastIndexOf("/") + 1) || arn;
}

function shortTaskDef(arn: string): string {
  return arn.slice(arn.lastIndexOf("/") + 1);
}

/** A failed, rolled back or timed out deployment, with ECS's reason and the last verdict. */
export type DeploymentFailure = Error & { name: "DeploymentFailure"; verdict: Verdict };

// A plain Error with fields, not an Error subclass: this module is serialized into the deployment
// check's provider, and closure serialization turns a subclass into a function whose `message` is lost.
export function deploymentFailure(verdict: Verdict, message: string): DeploymentFailure {
  return Object.assign(new Error(message), { name: "DeploymentFailure" as const, verdict });
}

export function isDeploymentFailure(err: unknown): err is DeploymentFailure {
  return err instanceof Error && err.name === "DeploymentFailure" && "verdict" in err;
}

export interface WatchOptions {
  reader: EcsDeploymentReader;
  cluster: string;
  service: string;
  taskDefinition: string;
  /** Deployments created before this are not ours. */
  since: Date;
  timeoutMs: number;
  pollMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  onProgress?: (message: string) => void;
  /** Why the watch must stop now (the update was interrupted), or undefined; asked at least every second. */
  cancelled?: () => string | undefined;
}

/**
 * The environment variable naming a file whose existence means "the update was interrupted". The
 * engine does not pass its cancel on to dynamic providers (a running check would hold a cancelled
 * update for as long as ECS takes), so Ferry's CLI adapter makes this file on Ctrl-C and the check,
 * which inherits the CLI's environment, stops within a second.
 */
export const CANCEL_FILE_ENV = "FERRY_CANCEL_FILE";

/** The check's stop reason when the file named by FERRY_CANCEL_FILE exists. */
export function cancelRequested(env: Record<string, string | undefined>, exists: (file: string) => boolean): string | undefined {
  const file = env[CANCEL_FILE_ENV];
  return file && exists(file) ? "the update was interrupted" : undefined;
}

/**
 * Polls until the deployment succeeds (resolves with the verdict), fails or is rolled back (throws a
 * DeploymentFailure with ECS's reason), or the deadline passes (throws, naming the last state).
 * Progress is reported whenever the state changes.
 */
export async function watchDeployment(o: WatchOptions): Promise<Verdict> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((res) => setTimeout(res, ms)));
  const deadline = now() + o.timeoutMs;
  let last = "";
  for (;;) {
    const briefs = await o.reader.listServiceDeployments(o.cluster, o.service, o.since);
    const arns = briefs.map((b) => b.serviceDeploymentArn).filter((a): a is string => !!a);
    const deployments = arns.length ? await o.reader.describeServiceDeployments(arns) : [];
    const revisionArns = deployments.map((d) => d.targetServiceRevision?.arn).filter((a): a is string => !!a);
    const revisions = revisionArns.length ? await o.reader.describeServiceRevisions(revisionArns) : [];
    const verdict = assess(observe(deployments, revisions, await o.reader.describeService(o.cluster, o.service)), o.taskDefinition);
    const message = verdict.state === "failed" ? verdict.reason : verdict.detail;
    if (message !== last) o.onProgress?.(`${o.service}: ${message}`);
    last = message;
    if (verdict.state === "succeeded") return verdict;
    if (verdict.state === "failed") throw deploymentFailure(verdict, `${o.service}: ${verdict.reason}`);
    if (now() >= deadline) {
      throw deploymentFailure(verdict, `${o.service}: deployment did not finish within ${Math.round(o.timeoutMs / 60000)} min; last state: ${message}`);
    }
    // Wait for the next poll in slices of at most a second, so an interrupt is noticed at once.
    const until = now() + Math.min(o.pollMs ?? 15000, Math.max(0, deadline - now()));
    for (let left = until - now(); left > 0; left = until - now()) {
      const why = o.cancelled?.();
      if (why) {
        const err = new Error(`${o.service}: the deployment check stopped: ${why}; ECS goes on with the deployment until the next update replaces it (last state: ${message})`);
        err.name = "DeploymentCheckCancelled";
        throw err;
      }
      await sleep(Math.min(1000, left));
    }
  }
}
