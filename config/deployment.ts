/**
 * `ferry:services.<name>.deployment`: how ECS replaces a service's tasks. Ranges are the ECS API's
 * (DeploymentConfiguration, lifecycle hooks); settings that do not apply to the chosen strategy are
 * refused rather than ignored.
 */
import { Reader } from "./reader";
import { ApprovalConfig, DEPLOYMENT_STRATEGIES, DeploymentConfig, DeploymentStrategy, PAUSE_STAGES } from "./types";

export const DEPLOYMENT_KEYS = [
  "strategy",
  "circuitBreaker",
  "minHealthyPercent",
  "maxPercent",
  "bakeMinutes",
  "stepPercent",
  "stepBakeMinutes",
  "canaryPercent",
  "canaryBakeMinutes",
  "testTraffic",
  "approval",
  "alarms",
  "checkTimeoutMinutes",
] as const;

/** Defaults (stated in the README). Linear and canary defaults are ECS's own. */
export const DEPLOYMENT_DEFAULTS = {
  minHealthyPercent: 100,
  bakeMinutes: 5,
  stepPercent: 10,
  stepBakeMinutes: 6,
  canaryPercent: 5,
  canaryBakeMinutes: 10,
  approvalTimeoutMinutes: 60,
  checkTimeoutMinutes: 30,
};

/** Which settings belong to which strategies. */
const ONLY_FOR: Partial<Record<(typeof DEPLOYMENT_KEYS)[number], DeploymentStrategy[]>> = {
  circuitBreaker: ["rolling"],
  minHealthyPercent: ["rolling"],
  maxPercent: ["rolling"],
  bakeMinutes: ["blueGreen", "linear", "canary"],
  stepPercent: ["linear"],
  stepBakeMinutes: ["linear"],
  canaryPercent: ["canary"],
  canaryBakeMinutes: ["canary"],
  testTraffic: ["blueGreen", "linear", "canary"],
  approval: ["blueGreen", "linear", "canary"],
};

/** Rolling surge: up to double the tasks for small services, half again for large ones. */
export function defaultMaxPercent(desiredCount: number): number {
  return desiredCount >= 10 ? 150 : 200;
}

export function readDeployment(r: Reader, key: string, value: unknown, service: { port?: number; desiredCount: number }): DeploymentConfig {
  const o = r.object(key, value, DEPLOYMENT_KEYS) ?? {};
  const strategy = r.oneOf(`${key}.strategy`, o.strategy, DEPLOYMENT_STRATEGIES) ?? "rolling";
  if (strategy !== "rolling" && service.port === undefined) {
    r.report(`${key}.strategy`, strategy, `"rolling" for a service without a port (${strategy} shifts load balancer traffic)`);
  }
  for (const [setting, strategies] of Object.entries(ONLY_FOR)) {
    if (o[setting] !== undefined && !strategies.includes(strategy)) {
      r.report(`${key}.${setting}`, o[setting], `nothing unless strategy is ${strategies.map((s) => `"${s}"`).join(" or ")} (it is "${strategy}")`);
    }
  }
  const minHealthyPercent = r.integer(`${key}.minHealthyPercent`, o.minHealthyPercent, 0, 100) ?? DEPLOYMENT_DEFAULTS.minHealthyPercent;
  const maxPercent = r.integer(`${key}.maxPercent`, o.maxPercent, 100, 200) ?? defaultMaxPercent(service.desiredCount);
  if (maxPercent <= minHealthyPercent) {
    r.report(`${key}.maxPercent`, maxPercent, `more than minHealthyPercent (${minHealthyPercent}), or no task can be replaced`);
  }
  const approval = readApproval(r, `${key}.approval`, o.approval);
  const checkTimeoutMinutes = r.integer(`${key}.checkTimeoutMinutes`, o.checkTimeoutMinutes, 1, 1440);
  if (approval && checkTimeoutMinutes !== undefined && checkTimeoutMinutes <= approval.timeoutMinutes) {
    r.report(`${key}.checkTimeoutMinutes`, checkTimeoutMinutes, `more than approval.timeoutMinutes (${approval.timeoutMinutes}), so pulumi up waits for the answer`);
  }
  const bakeMinutes = r.integer(`${key}.bakeMinutes`, o.bakeMinutes, 0, 1440) ?? DEPLOYMENT_DEFAULTS.bakeMinutes;
  const deployment = {
    strategy,
    circuitBreaker: r.boolean(`${key}.circuitBreaker`, o.circuitBreaker) ?? strategy === "rolling",
    minHealthyPercent,
    maxPercent,
    bakeMinutes,
    stepPercent: tenths(r, `${key}.stepPercent`, o.stepPercent, 3, 100) ?? DEPLOYMENT_DEFAULTS.stepPercent,
    stepBakeMinutes: r.integer(`${key}.stepBakeMinutes`, o.stepBakeMinutes, 0, 1440) ?? DEPLOYMENT_DEFAULTS.stepBakeMinutes,
    canaryPercent: tenths(r, `${key}.canaryPercent`, o.canaryPercent, 0.1, 100) ?? DEPLOYMENT_DEFAULTS.canaryPercent,
    canaryBakeMinutes: r.integer(`${key}.canaryBakeMinutes`, o.canaryBakeMinutes, 0, 1440) ?? DEPLOYMENT_DEFAULTS.canaryBakeMinutes,
    testTraffic: r.boolean(`${key}.testTraffic`, o.testTraffic) ?? strategy !== "rolling",
    approval,
    alarms: (r.list(`${key}.alarms`, o.alarms) ?? []).flatMap(
      (a, i) => r.string(`${key}.alarms[${i}]`, a, { pattern: /^[^\s][\S ]{0,254}$/, describe: "a CloudWatch alarm name (1-255 characters)" }) ?? [],
    ),
  };
  return { ...deployment, checkTimeoutMinutes: checkTimeoutMinutes ?? DEPLOYMENT_DEFAULTS.checkTimeoutMinutes + (approval?.timeoutMinutes ?? 0) + shiftMinutes(deployment) };
}

/**
 * Minutes ECS spends shifting traffic and baking after the new tasks run, by the formula AWS states
 * for linear deployments (AWS::ECS::Service LinearConfiguration): bake + stepBake × steps, where a
 * step percent that divides 100 takes 100/step − 1 steps (no bake after the last) and any other
 * takes floor(100/step).
 */
export function shiftMinutes(d: Pick<DeploymentConfig, "strategy" | "bakeMinutes" | "stepPercent" | "stepBakeMinutes" | "canaryBakeMinutes">): number {
  switch (d.strategy) {
    case "rolling":
      return 0;
    case "blueGreen":
      return d.bakeMinutes;
    case "linear":
      return d.bakeMinutes + d.stepBakeMinutes * linearSteps(d.stepPercent);
    case "canary":
      return d.bakeMinutes + d.canaryBakeMinutes;
  }
}

/** Traffic shifts of a linear deployment that are followed by a step bake (see `shiftMinutes`). */
export function linearSteps(stepPercent: number): number {
  const tenths = Math.round(stepPercent * 10);
  return 1000 % tenths === 0 ? 1000 / tenths - 1 : Math.floor(1000 / tenths);
}

/** ECS takes traffic percentages in multiples of 0.1 (LinearConfiguration, CanaryConfiguration). */
function tenths(r: Reader, key: string, value: unknown, min: number, max: number): number | undefined {
  const n = r.number(key, value, min, max);
  if (n === undefined) return undefined;
  if (Math.abs(n * 10 - Math.round(n * 10)) > 1e-9) {
    r.report(key, value, `a multiple of 0.1 from ${min} to ${max} (ECS shifts traffic in tenths of a percent)`);
    return undefined;
  }
  return Math.round(n * 10) / 10;
}

function readApproval(r: Reader, key: string, value: unknown): ApprovalConfig | undefined {
  if (value === undefined || value === false || value === "false") return undefined;
  const o = value === true || value === "true" ? {} : (r.object(key, value, ["stage", "timeoutMinutes", "timeoutAction"]) ?? {});
  const stage = o.stage === "TEST_TRAFFIC_SHIFT" || o.stage === "PRODUCTION_TRAFFIC_SHIFT"
    ? (r.report(`${key}.stage`, o.stage, `a stage where ECS allows a pause: one of ${PAUSE_STAGES.join(", ")} (ECS refuses PAUSE hooks at ${o.stage})`), undefined)
    : r.oneOf(`${key}.stage`, o.stage, PAUSE_STAGES);
  return {
    stage: stage ?? "POST_TEST_TRAFFIC_SHIFT",
    timeoutMinutes: r.integer(`${key}.timeoutMinutes`, o.timeoutMinutes, 1, 20160) ?? DEPLOYMENT_DEFAULTS.approvalTimeoutMinutes,
    timeoutAction: r.oneOf(`${key}.timeoutAction`, o.timeoutAction, ["ROLLBACK", "CONTINUE"] as const) ?? "ROLLBACK",
  };
}
