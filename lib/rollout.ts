/**
 * The rollout model (pure): for each service, the modeled seconds from the start of a deployment
 * until the new tasks serve and the old ones are drained, and until a failing deployment is detected.
 * Each figure is a sum of named terms, so a reviewer sees where the time goes.
 *
 * Terms come from the settings Ferry declares (the same constants the components use) and ECS's
 * stated rules; one term is an assumption, named as such: how long a Fargate task takes from
 * placement to its container running (`TASK_START_SECONDS`).
 */
import type { ServiceConfig } from "../config/types";
import { shiftMinutes } from "../config/deployment";

/** Assumed: a Fargate task from placement to a running container (ENI attached, image pulled from ECR in-region). */
export const TASK_START_SECONDS = 30;
/** The target groups' health check (components/serviceTraffic.ts). */
export const TARGET_HEALTH = { intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 3 } as const;
/** Seconds the load balancer drains an old task's connections (components/serviceTraffic.ts). */
export const DEREGISTRATION_DELAY_SECONDS = 30;
/** Seconds ECS ignores a new task's failing load balancer checks (components/service.ts). */
export const HEALTH_CHECK_GRACE_SECONDS = 30;
/** ECS's default stopTimeout: an old task's container gets SIGTERM, then SIGKILL this much later. */
export const STOP_TIMEOUT_SECONDS = 30;
/** The deployment alarms (components/serviceAlarms.ts): one-minute periods, 2 breaching of 3. */
export const ALARM = { periodSeconds: 60, evaluationPeriods: 3, datapointsToAlarm: 2 } as const;

export interface Term {
  term: string;
  seconds: number;
}

export interface ServiceRollout {
  deploySeconds: number;
  detectFailureSeconds: number;
  deployTerms: Term[];
  detectTerms: Term[];
}

/** ECS's circuit breaker threshold: half the desired count, at least 3 and at most 200 failed tasks (ServiceDeploymentCircuitBreaker). */
export function circuitBreakerThreshold(desiredCount: number): number {
  return Math.min(200, Math.max(3, Math.ceil(0.5 * desiredCount)));
}

/** Tasks a rolling deployment starts at once: what maxPercent and minimumHealthyPercent leave room for (at least one). */
export function rollingBatch(s: Pick<ServiceConfig, "desiredCount"> & { deployment: { minHealthyPercent: number; maxPercent: number } }): number {
  const room = Math.floor((s.desiredCount * (s.deployment.maxPercent - s.deployment.minHealthyPercent)) / 100);
  return Math.max(1, Math.min(s.desiredCount, room));
}

const sum = (terms: Term[]) => terms.reduce((n, t) => n + t.seconds, 0);

export function serviceRollout(s: ServiceConfig): ServiceRollout {
  const d = s.deployment;
  const routed = s.port !== undefined;
  const hc = s.healthCheck;
  // A new task is ready when it runs, its own health check passes once, and the target group has seen enough passing checks.
  const ready: Term[] = [
    { term: "task start (assumed)", seconds: TASK_START_SECONDS },
    ...(hc ? [{ term: "container health check passes (start period, then one interval)", seconds: Math.max(hc.startPeriod, hc.interval) }] : []),
    ...(routed ? [{ term: `target healthy (${TARGET_HEALTH.healthyThreshold} checks ${TARGET_HEALTH.intervalSeconds} s apart)`, seconds: TARGET_HEALTH.healthyThreshold * TARGET_HEALTH.intervalSeconds }] : []),
  ];
  const drain: Term = routed
    ? { term: "old tasks drained (deregistration delay)", seconds: DEREGISTRATION_DELAY_SECONDS }
    : { term: "old tasks stopped (ECS stopTimeout)", seconds: STOP_TIMEOUT_SECONDS };

  let deployTerms: Term[];
  let batch = s.desiredCount;
  if (d.strategy === "rolling") {
    batch = rollingBatch(s);
    const waves = s.desiredCount === 0 ? 0 : Math.ceil(s.desiredCount / batch);
    deployTerms = waves <= 1 ? [...ready, drain] : [...ready.map((t) => ({ term: `${t.term} × ${waves} waves of ${batch}`, seconds: t.seconds * waves })), { ...drain, seconds: drain.seconds * waves, term: `${drain.term} × ${waves} waves` }];
  } else {
    deployTerms = [...ready, { term: `traffic shift and bake (${d.strategy})`, seconds: shiftMinutes(d) * 60 }, drain];
  }

  // Failure: the circuit breaker counts failed tasks (rolling), the alarms watch the load balancer (routed).
  const ways: Term[][] = [];
  if (d.strategy === "rolling" && d.circuitBreaker) {
    const threshold = circuitBreakerThreshold(s.desiredCount);
    const rounds = Math.ceil(threshold / batch);
    const failing = routed
      ? HEALTH_CHECK_GRACE_SECONDS + TARGET_HEALTH.unhealthyThreshold * TARGET_HEALTH.intervalSeconds
      : hc
        ? hc.startPeriod + hc.retries * hc.interval
        : 0;
    ways.push([
      { term: `circuit breaker: ${threshold} failed tasks, ${rounds} round${rounds === 1 ? "" : "s"} of ${Math.min(batch, threshold)}`, seconds: 0 },
      { term: "task start (assumed), per round", seconds: TASK_START_SECONDS * rounds },
      ...(failing ? [{ term: routed ? "grace period, then unhealthy checks, per round" : "container health check failing, per round", seconds: failing * rounds }] : []),
    ]);
  }
  if (routed) {
    ways.push([
      ...ready,
      { term: `alarm: ${ALARM.datapointsToAlarm} breaching ${ALARM.periodSeconds}-s periods`, seconds: ALARM.datapointsToAlarm * ALARM.periodSeconds },
    ]);
  }
  // Failing all else, Ferry's deployment check gives up on the deployment.
  ways.push([{ term: "Ferry's deployment check times out", seconds: d.checkTimeoutMinutes * 60 }]);
  const detectTerms = ways.reduce((best, w) => (sum(w) < sum(best) ? w : best));
  return { deploySeconds: sum(deployTerms), detectFailureSeconds: sum(detectTerms), deployTerms, detectTerms };
}
