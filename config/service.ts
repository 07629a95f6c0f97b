/** `ferry:services`: each service's task size, capacity, traffic, deployment, scaling and container settings. */
import { PRIORITY_SLOTS } from "../lib/routing";
import { readDeployment } from "./deployment";
import { describeMemoryChoices, FARGATE_TASK_SIZES, memoryChoices } from "./fargate";
import { ENV_NAME, readStringMap, SECRET_ARN } from "./patterns";
import { Reader } from "./reader";
import { ARCHITECTURES, Architecture, AutoscalingConfig, CapacityMix, ContainerHealthCheck, ServiceConfig } from "./types";

export const SERVICE_KEYS = [
  "cpu",
  "memory",
  "architecture",
  "port",
  "paths",
  "priority",
  "healthCheckPath",
  "desiredCount",
  "minCount",
  "maxCount",
  "capacity",
  "deployment",
  "autoscaling",
  "healthCheck",
  "readonlyRootFilesystem",
  "user",
  "exec",
  "environment",
  "secrets",
  "target",
  "command",
  "x86Reason",
] as const;

/** Service defaults (stated in the README): the smallest Fargate size, one task, on-demand only. */
export const SERVICE_DEFAULTS = {
  cpu: 256,
  memory: 512,
  desiredCount: 1,
  healthCheckPath: "/healthz",
  user: "1000:1000",
  readonlyRootFilesystem: true,
  exec: false,
};

export const AUTOSCALING_DEFAULTS = { cpu: 60, scaleInCooldown: 300, scaleOutCooldown: 60 };
export const HEALTH_CHECK_DEFAULTS = { interval: 10, timeout: 5, retries: 3, startPeriod: 10 };

const CAPACITY_SHORTHANDS: Record<string, CapacityMix> = {
  onDemand: { base: 0, onDemandWeight: 1, spotWeight: 0 },
  spot: { base: 0, onDemandWeight: 0, spotWeight: 1 },
};

const SERVICE_NAME = /^[a-z][a-z0-9-]{0,23}$/;
const STAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** ALB path patterns: at most 128 characters (we require a leading /). */
const MAX_PATH_PATTERN = 128;
const PATH_PATTERN = /^\/[A-Za-z0-9_\-.$/~"'@:+*?&]{0,127}$/;
/** Condition values one ALB listener rule takes (ELB quotas: not adjustable). */
export const RULE_CONDITION_VALUES = 5;
const ROOT_USERS = ["root", "0", "0:0", "root:root"];
/** An AWS tag value: at most 256 letters, digits, spaces and _ . : / = + - @ (the reason becomes a tag). */
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u;

export function readServices(r: Reader, key: string, value: unknown, stackArch: Architecture): ServiceConfig[] {
  if (value === undefined) {
    r.report(key, value, "a mapping of service name to settings, with at least one service (e.g. web: { port: 8080 })");
    return [];
  }
  const all = r.anyObject(key, value);
  if (!all) return [];
  const names = Object.keys(all);
  if (names.length === 0) r.report(key, value, "at least one service");
  const services = names.flatMap((name) => {
    const sk = `${key}.${name}`;
    if (!SERVICE_NAME.test(name)) {
      r.report(sk, name, "a service name of lowercase letters, digits and '-', starting with a letter, at most 24 characters");
      return [];
    }
    return [readService(r, sk, name, all[name] ?? {}, stackArch)];
  });
  const explicit = new Map<number, string>();
  for (const s of services) {
    if (s.priority === undefined) continue;
    const other = explicit.get(s.priority);
    if (other) r.report(`${key}.${s.name}.priority`, s.priority, `a priority no other service has (${other} has ${s.priority})`);
    explicit.set(s.priority, s.name);
  }
  const routed = services.filter((s) => s.port !== undefined);
  const defaults = routed.filter((s) => s.paths.length === 0);
  if (routed.length > 0 && defaults.length !== 1) {
    r.report(key, defaults.map((s) => s.name), "exactly one service with a port and no paths (the load balancer's default route); give the others paths");
  }
  return services;
}

function readService(r: Reader, key: string, name: string, value: unknown, stackArch: Architecture): ServiceConfig {
  const o = r.object(key, value, SERVICE_KEYS) ?? {};
  const cpu = r.integer(`${key}.cpu`, o.cpu, 0, Number.MAX_SAFE_INTEGER) ?? SERVICE_DEFAULTS.cpu;
  const memory = r.integer(`${key}.memory`, o.memory, 0, Number.MAX_SAFE_INTEGER) ?? SERVICE_DEFAULTS.memory;
  const choices = memoryChoices(cpu);
  if (!choices) {
    r.report(`${key}.cpu`, o.cpu, `a Fargate CPU value: one of ${[...FARGATE_TASK_SIZES.keys()].join(", ")}`);
  } else if (!choices.includes(memory)) {
    r.report(`${key}.memory`, o.memory ?? memory, `for cpu ${cpu}, memory (MiB) one of ${describeMemoryChoices(cpu)}`);
  }

  const port = r.integer(`${key}.port`, o.port, 1, 65535);
  const paths = (r.list(`${key}.paths`, o.paths) ?? []).flatMap(
    (p, i) =>
      r.string(`${key}.paths[${i}]`, p, {
        pattern: PATH_PATTERN,
        describe: `a path pattern of 1-${MAX_PATH_PATTERN} characters starting with /, of A-Z a-z 0-9 _ - . $ / ~ " ' @ : + & * ?, e.g. /api/*`,
      }) ?? [],
  );
  if (paths.length > 0 && port === undefined) r.report(`${key}.paths`, o.paths, "nothing unless the service has a port");
  const priority = r.integer(`${key}.priority`, o.priority, 1, PRIORITY_SLOTS);
  if (priority !== undefined && paths.length === 0) r.report(`${key}.priority`, priority, "nothing for a service without paths (the default route is always tried last)");

  const desiredCount = r.integer(`${key}.desiredCount`, o.desiredCount, 0, 5000) ?? SERVICE_DEFAULTS.desiredCount;
  const minCount = r.integer(`${key}.minCount`, o.minCount, 0, 5000) ?? Math.min(desiredCount, typeof o.maxCount === "number" ? o.maxCount : desiredCount);
  const maxCount = r.integer(`${key}.maxCount`, o.maxCount, 0, 5000) ?? Math.max(desiredCount, minCount);
  if (minCount > desiredCount) r.report(`${key}.minCount`, minCount, `at most desiredCount (${desiredCount})`);
  if (desiredCount > maxCount) r.report(`${key}.maxCount`, maxCount, `at least desiredCount (${desiredCount})`);
  const deployment = readDeployment(r, `${key}.deployment`, o.deployment, { port, desiredCount });
  // A listener rule takes at most 5 condition values; the test-traffic header is one of them.
  const maxPaths = RULE_CONDITION_VALUES - (deployment.strategy !== "rolling" && deployment.testTraffic ? 1 : 0);
  if (paths.length > maxPaths) {
    r.report(`${key}.paths`, o.paths, `at most ${maxPaths} path patterns: a load balancer rule takes ${RULE_CONDITION_VALUES} condition values${maxPaths < RULE_CONDITION_VALUES ? " and the test-traffic header takes one" : ""}; use a common prefix such as /api/*`);
  }

  const user = r.string(`${key}.user`, o.user, { pattern: /^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?$/, describe: "a user (and group), e.g. 1000:1000" }) ?? SERVICE_DEFAULTS.user;
  if (ROOT_USERS.includes(user)) r.report(`${key}.user`, user, "a non-root user, e.g. 1000:1000 (containers never run as root)");

  const architecture = r.oneOf(`${key}.architecture`, o.architecture, ARCHITECTURES) ?? stackArch;
  const x86Reason = r.string(`${key}.x86Reason`, o.x86Reason, { pattern: TAG_VALUE, describe: "why the service runs on x86_64, in 1-256 characters of a tag value (letters, digits, spaces and _ . : / = + - @)" });
  if (x86Reason !== undefined && architecture !== "x86_64") r.report(`${key}.x86Reason`, x86Reason, "nothing unless the service's architecture is x86_64");

  return {
    name,
    cpu,
    memory,
    architecture,
    ...(x86Reason !== undefined ? { x86Reason } : {}),
    port,
    paths,
    priority,
    healthCheckPath:
      r.string(`${key}.healthCheckPath`, o.healthCheckPath, { pattern: /^\/\S{0,1023}$/, describe: "a path of 1-1024 characters starting with /, without spaces" }) ??
      SERVICE_DEFAULTS.healthCheckPath,
    desiredCount,
    minCount,
    maxCount,
    capacity: readCapacity(r, `${key}.capacity`, o.capacity),
    deployment,
    autoscaling: readAutoscaling(r, `${key}.autoscaling`, o.autoscaling, { port, minCount, maxCount, strategy: readStrategyOnly(o.deployment) }),
    healthCheck: readHealthCheck(r, `${key}.healthCheck`, o.healthCheck),
    ...readFilesystemAndExec(r, key, o),
    user,
    environment: readStringMap(r, `${key}.environment`, o.environment, ENV_NAME),
    secrets: readSecrets(r, `${key}.secrets`, o.secrets, o.environment),
    target: r.string(`${key}.target`, o.target, { pattern: STAGE_NAME, describe: "a Dockerfile stage name" }),
    command: readCommand(r, `${key}.command`, o.command),
  };
}

/**
 * ECS Exec's agent needs a writable root filesystem (ECS refuses read-only roots for it), so a
 * service with exec on defaults to a writable root, and asking for both is refused.
 */
function readFilesystemAndExec(r: Reader, key: string, o: Record<string, unknown>): { readonlyRootFilesystem: boolean; exec: boolean } {
  const exec = r.boolean(`${key}.exec`, o.exec) ?? SERVICE_DEFAULTS.exec;
  const readonly = r.boolean(`${key}.readonlyRootFilesystem`, o.readonlyRootFilesystem);
  if (exec && readonly === true) {
    r.report(`${key}.readonlyRootFilesystem`, readonly, "false (or unset) while exec is on: the ECS Exec agent needs a writable root filesystem");
  }
  return { exec, readonlyRootFilesystem: readonly ?? (exec ? false : SERVICE_DEFAULTS.readonlyRootFilesystem) };
}

function readCapacity(r: Reader, key: string, value: unknown): CapacityMix {
  if (value === undefined) return CAPACITY_SHORTHANDS.onDemand;
  if (typeof value === "string" && CAPACITY_SHORTHANDS[value]) return CAPACITY_SHORTHANDS[value];
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    r.report(key, value, `"onDemand", "spot", or { base, onDemandWeight, spotWeight }`);
    return CAPACITY_SHORTHANDS.onDemand;
  }
  const o = r.object(key, value, ["base", "onDemandWeight", "spotWeight"]) ?? {};
  const mix = {
    base: r.integer(`${key}.base`, o.base, 0, 100000) ?? 0,
    onDemandWeight: r.integer(`${key}.onDemandWeight`, o.onDemandWeight, 0, 1000) ?? 0,
    spotWeight: r.integer(`${key}.spotWeight`, o.spotWeight, 0, 1000) ?? 0,
  };
  if (mix.onDemandWeight + mix.spotWeight === 0) {
    r.report(key, value, "at least one of onDemandWeight and spotWeight above 0 (tasks beyond base go nowhere otherwise)");
  }
  return mix;
}

/** The strategy as written (validated by readDeployment), for rules in other sections. */
function readStrategyOnly(deployment: unknown): unknown {
  return typeof deployment === "object" && deployment !== null ? (deployment as Record<string, unknown>).strategy ?? "rolling" : "rolling";
}

function readAutoscaling(r: Reader, key: string, value: unknown, s: { port?: number; minCount: number; maxCount: number; strategy: unknown }): AutoscalingConfig | undefined {
  if (value === false || value === "false") return undefined;
  if (value !== undefined && s.maxCount <= s.minCount) {
    r.report(key, value, `nothing while maxCount (${s.maxCount}) is not above minCount (${s.minCount}): there is no room to scale`);
    return undefined;
  }
  if (s.maxCount <= s.minCount) return undefined;
  const o = r.object(key, value, ["cpu", "memory", "requestsPerTarget", "scaleInCooldown", "scaleOutCooldown"]) ?? {};
  const given = value !== undefined && (o.cpu !== undefined || o.memory !== undefined || o.requestsPerTarget !== undefined);
  const requestsPerTarget = r.integer(`${key}.requestsPerTarget`, o.requestsPerTarget, 1, 1000000);
  if (requestsPerTarget !== undefined && s.port === undefined) r.report(`${key}.requestsPerTarget`, requestsPerTarget, "nothing for a service without a port (no load balancer requests)");
  else if (requestsPerTarget !== undefined && s.strategy !== "rolling") {
    r.report(`${key}.requestsPerTarget`, requestsPerTarget, `nothing with strategy "${String(s.strategy)}": the target group serving traffic changes with every deployment; scale on cpu or memory`);
  }
  return {
    cpu: r.integer(`${key}.cpu`, o.cpu, 1, 100) ?? (given ? undefined : AUTOSCALING_DEFAULTS.cpu),
    memory: r.integer(`${key}.memory`, o.memory, 1, 100),
    requestsPerTarget,
    scaleInCooldown: r.integer(`${key}.scaleInCooldown`, o.scaleInCooldown, 0, 3600) ?? AUTOSCALING_DEFAULTS.scaleInCooldown,
    scaleOutCooldown: r.integer(`${key}.scaleOutCooldown`, o.scaleOutCooldown, 0, 3600) ?? AUTOSCALING_DEFAULTS.scaleOutCooldown,
  };
}

function readHealthCheck(r: Reader, key: string, value: unknown): ContainerHealthCheck | undefined {
  if (value === undefined) return undefined;
  const o = r.object(key, value, ["command", "interval", "timeout", "retries", "startPeriod"]) ?? {};
  const command = readCommand(r, `${key}.command`, o.command);
  if (o.command === undefined) r.report(`${key}.command`, undefined, `a command such as ["CMD", "node", "healthcheck.js"] or ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]`);
  if (command && !["CMD", "CMD-SHELL"].includes(command[0])) r.report(`${key}.command`, command, `a list starting with "CMD" or "CMD-SHELL"`);
  return {
    command: command ?? [],
    interval: r.integer(`${key}.interval`, o.interval, 5, 300) ?? HEALTH_CHECK_DEFAULTS.interval,
    timeout: r.integer(`${key}.timeout`, o.timeout, 2, 60) ?? HEALTH_CHECK_DEFAULTS.timeout,
    retries: r.integer(`${key}.retries`, o.retries, 1, 10) ?? HEALTH_CHECK_DEFAULTS.retries,
    startPeriod: r.integer(`${key}.startPeriod`, o.startPeriod, 0, 300) ?? HEALTH_CHECK_DEFAULTS.startPeriod,
  };
}

function readSecrets(r: Reader, key: string, value: unknown, environment: unknown): Record<string, string> {
  const o = r.anyObject(key, value) ?? {};
  const env = typeof environment === "object" && environment !== null ? Object.keys(environment) : [];
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(o)) {
    if (!ENV_NAME.test(name)) {
      r.report(`${key}.${name}`, name, `an environment variable name matching ${ENV_NAME}`);
      continue;
    }
    if (env.includes(name)) r.report(`${key}.${name}`, name, "a name not also set in environment");
    const arn = r.string(`${key}.${name}`, v, {
      pattern: SECRET_ARN,
      describe:
        "the ARN of an SSM parameter (arn:aws:ssm:<region>:<account>:parameter/<name>) or a Secrets Manager secret; secret values never go into config or environment",
    });
    if (arn) out[name] = arn;
  }
  return out;
}

function readCommand(r: Reader, key: string, value: unknown): string[] | undefined {
  const list = r.list(key, value);
  if (!list) return undefined;
  if (list.length === 0 || list.some((a) => typeof a !== "string")) {
    r.report(key, value, "a non-empty list of strings");
    return undefined;
  }
  return list as string[];
}
