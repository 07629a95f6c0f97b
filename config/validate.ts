/**
 * `ferry:*` config → FerryConfig. Pure: takes the flat config map Pulumi hands a program
 * (`ferry:services` → JSON text, `ferry:build` → "true") and returns data or throws one ConfigError
 * that lists every problem with its full key, the value given and what is allowed.
 */
import { describeMemoryChoices, FARGATE_TASK_SIZES, memoryChoices } from "./fargate";
import { ConfigError, Reader } from "./reader";
import {
  ARCHITECTURES,
  Architecture,
  CapacityMix,
  DEPLOYMENT_STRATEGIES,
  FerryConfig,
  IMAGE_BUILD_MODES,
  ImageBuildConfig,
  ImageBuildMode,
  NetworkConfig,
  PLATFORM_OF,
  PLATFORMS,
  PullThroughCacheConfig,
  ServiceConfig,
  UPSTREAM_REGISTRIES,
  UpstreamRegistry,
} from "./types";


export const NAMESPACE = "ferry";

/**
 * Defaults of the top-level keys. Pulumi.yaml declares the same defaults for the CLI; a test keeps
 * the two in step.
 */
export const TOP_LEVEL_DEFAULTS = {
  build: false,
  architecture: "arm64" as Architecture,
  logRetentionDays: 30,
  imageRef: "",
  certificateArn: "",
};

/** Every top-level key under `ferry:`. Anything else under the namespace is reported as unknown. */
export const TOP_LEVEL_KEYS = [
  "build",
  "imageRef",
  "architecture",
  "image",
  "network",
  "certificateArn",
  "logRetentionDays",
  "services",
] as const;

const SERVICE_KEYS = [
  "cpu",
  "memory",
  "architecture",
  "port",
  "paths",
  "healthCheckPath",
  "desiredCount",
  "minCount",
  "maxCount",
  "capacity",
  "deployment",
  "environment",
  "secrets",
  "target",
  "command",
] as const;

/** Service defaults (stated in the README): the smallest Fargate size, one task, on-demand only. */
export const SERVICE_DEFAULTS = { cpu: 256, memory: 512, desiredCount: 1, healthCheckPath: "/healthz" };

/** CloudWatch Logs retention values (days); 0 keeps logs forever. */
export const LOG_RETENTION_DAYS = [
  0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
];

const CAPACITY_SHORTHANDS: Record<string, CapacityMix> = {
  onDemand: { base: 0, onDemandWeight: 1, spotWeight: 0 },
  spot: { base: 0, onDemandWeight: 0, spotWeight: 1 },
};

/** `<repository>@sha256:<64 hex>`: a repository (optionally with registry host and port) and a digest. */
export const DIGEST_REF = /^([a-z0-9][a-z0-9._-]*(?::[0-9]+)?(?:\/[a-z0-9][a-z0-9._-]*)*)@sha256:([a-f0-9]{64})$/;
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,23}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_ARN = /^arn:aws[a-z-]*:(ssm:[a-z0-9-]+:\d{12}:parameter\/.+|secretsmanager:[a-z0-9-]+:\d{12}:secret:.+)$/;
const CERT_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;
const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const STACK_NAME = /^([A-Za-z0-9_.-]+\/){0,2}[A-Za-z0-9_.-]+$/;
const STAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const PATH_PATTERN = /^\/[A-Za-z0-9_\-.$/~"'@:+*?&]*$/;

/**
 * Validates a stack's config.
 * @param stack the stack name (used for messages and carried into the result)
 * @param raw the flat config map (`<namespace>:<key>` → string), as `pulumi.runtime.allConfig()` returns it
 * @param secretKeys full keys whose values are secret; their values never appear in messages
 */
export function parseConfig(stack: string, raw: Record<string, string>, secretKeys: Iterable<string> = []): FerryConfig {
  const prefix = `${NAMESPACE}:`;
  const r = new Reader(new Set(secretKeys));
  const top = new Map<string, unknown>();
  for (const [fullKey, text] of Object.entries(raw)) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    if (!(TOP_LEVEL_KEYS as readonly string[]).includes(key)) {
      r.unknownKey(fullKey, text, TOP_LEVEL_KEYS);
      continue;
    }
    top.set(key, decode(text));
  }
  const k = (key: string) => `${prefix}${key}`;
  const get = (key: string) => {
    const v = top.get(key);
    return v === "" ? undefined : v;
  };

  const build = r.boolean(k("build"), get("build")) ?? TOP_LEVEL_DEFAULTS.build;
  const architecture = r.oneOf(k("architecture"), get("architecture"), ARCHITECTURES) ?? TOP_LEVEL_DEFAULTS.architecture;
  const logRetentionDays = readRetention(r, k("logRetentionDays"), get("logRetentionDays"));
  const certificateArn = r.string(k("certificateArn"), get("certificateArn"), {
    pattern: CERT_ARN,
    describe: "the ARN of an ACM certificate (arn:aws:acm:<region>:<account>:certificate/<id>)",
  });
  const imageRef = readImageRef(r, k("imageRef"), get("imageRef"), build);
  const image = readImage(r, k("image"), get("image"), build);
  const network = readNetwork(r, k("network"), get("network"));
  const services = readServices(r, k("services"), get("services"), architecture);
  if (build) {
    for (const s of services) {
      if (!image.platforms.includes(PLATFORM_OF[s.architecture])) {
        r.report(`${k("services")}.${s.name}.architecture`, s.architecture, `an architecture this stack builds: ferry:image.platforms has ${image.platforms.join(", ")}`);
      }
    }
  }

  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return { stack, build, imageRef, architecture, image, network, certificateArn, logRetentionDays, services };
}

/** Pulumi hands structured values to programs as JSON text and scalars as plain text. */
function decode(text: string): unknown {
  const t = text.trim();
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      return JSON.parse(t);
    } catch {
      return text;
    }
  }
  return text;
}

function readRetention(r: Reader, key: string, value: unknown): number {
  if (value === undefined) return TOP_LEVEL_DEFAULTS.logRetentionDays;
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n === "number" && LOG_RETENTION_DAYS.includes(n)) return n;
  r.report(key, value, `one of ${LOG_RETENTION_DAYS.join(", ")} (days; 0 keeps logs forever)`);
  return TOP_LEVEL_DEFAULTS.logRetentionDays;
}

function readImageRef(r: Reader, key: string, value: unknown, build: boolean): string | undefined {
  const describe = "an image pinned by digest: <repository>@sha256:<64 hex>; tags are refused, promotion sets this value";
  if (value === undefined) {
    if (!build) r.report(key, value, `${describe} (required when ferry:build is false)`);
    return undefined;
  }
  if (build) {
    r.report(key, value, "nothing: a stack with ferry:build true deploys the image it builds; remove ferry:imageRef or set ferry:build false");
    return undefined;
  }
  return r.string(key, value, { pattern: DIGEST_REF, describe });
}

export const IMAGE_DEFAULTS = { context: "app", keepBuilds: 30, cacheDays: 14, cache: true, mode: "perPlatform" as ImageBuildMode };
const IMAGE_KEYS = ["context", "dockerfile", "buildArgs", "platforms", "mode", "cache", "builders", "keepBuilds", "cacheDays", "kmsKeyArn", "pullThroughCache"];
const KMS_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[A-Za-z0-9/_-]+$/;
const PTC_SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:ecr-pullthroughcache\/.+$/;
const ECR_PREFIX = /^[a-z0-9][a-z0-9._/-]{1,29}$/;

function readImage(r: Reader, key: string, value: unknown, build: boolean): ImageBuildConfig {
  if (value !== undefined && !build) {
    r.report(key, value, "nothing: this stack does not build (ferry:build is false); it runs ferry:imageRef");
  }
  const o = r.object(key, value, IMAGE_KEYS) ?? {};
  const context = r.string(`${key}.context`, o.context) ?? IMAGE_DEFAULTS.context;
  const platforms = (r.list(`${key}.platforms`, o.platforms) ?? [...PLATFORMS]).flatMap((p, i) => r.oneOf(`${key}.platforms[${i}]`, p, PLATFORMS) ?? []);
  if (o.platforms !== undefined && platforms.length === 0) r.report(`${key}.platforms`, o.platforms, `at least one of ${PLATFORMS.join(", ")}`);
  const builders = r.object(`${key}.builders`, o.builders, PLATFORMS) ?? {};
  return {
    context,
    dockerfile: r.string(`${key}.dockerfile`, o.dockerfile) ?? `${context}/Dockerfile`,
    buildArgs: readStringMap(r, `${key}.buildArgs`, o.buildArgs, ENV_NAME),
    platforms: [...new Set(platforms)],
    mode: r.oneOf(`${key}.mode`, o.mode, IMAGE_BUILD_MODES) ?? IMAGE_DEFAULTS.mode,
    cache: r.boolean(`${key}.cache`, o.cache) ?? IMAGE_DEFAULTS.cache,
    builders: Object.fromEntries(
      Object.entries(builders).flatMap(([p, b]) => {
        const name = r.string(`${key}.builders.${p}`, b, { pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]*$/, describe: "a buildx builder name" });
        return name ? [[p, name]] : [];
      }),
    ),
    keepBuilds: r.integer(`${key}.keepBuilds`, o.keepBuilds, 1, 1000) ?? IMAGE_DEFAULTS.keepBuilds,
    cacheDays: r.integer(`${key}.cacheDays`, o.cacheDays, 1, 3650) ?? IMAGE_DEFAULTS.cacheDays,
    kmsKeyArn: r.string(`${key}.kmsKeyArn`, o.kmsKeyArn, { pattern: KMS_ARN, describe: "a KMS key or alias ARN" }),
    pullThroughCache: readPullThroughCache(r, `${key}.pullThroughCache`, o.pullThroughCache),
  };
}

function readPullThroughCache(r: Reader, key: string, value: unknown): PullThroughCacheConfig[] {
  const upstreams = Object.keys(UPSTREAM_REGISTRIES) as UpstreamRegistry[];
  const o = r.object(key, value, upstreams) ?? {};
  return Object.entries(o).flatMap(([name, settings]) => {
    if (!(upstreams as string[]).includes(name)) return []; // reported as an unknown key above
    const upstream = name as UpstreamRegistry;
    const sk = `${key}.${name}`;
    const s = r.object(sk, settings ?? {}, ["prefix", "credentialArn"]) ?? {};
    const needsCredential = UPSTREAM_REGISTRIES[upstream].credential;
    let credentialArn: string | undefined;
    if (needsCredential) {
      if (s.credentialArn === undefined) r.report(`${sk}.credentialArn`, undefined, `the ARN of a Secrets Manager secret named ecr-pullthroughcache/… (${name} requires authentication)`);
      credentialArn = r.string(`${sk}.credentialArn`, s.credentialArn, {
        pattern: PTC_SECRET_ARN,
        describe: "the ARN of a Secrets Manager secret whose name starts with ecr-pullthroughcache/",
      });
    } else if (s.credentialArn !== undefined) {
      r.report(`${sk}.credentialArn`, s.credentialArn, `nothing: ${name} needs no credentials`);
    }
    const prefix = r.string(`${sk}.prefix`, s.prefix, { pattern: ECR_PREFIX, describe: "an ECR repository prefix of 2-30 lowercase letters, digits, . _ / -" }) ?? name;
    return [{ prefix, upstream, credentialArn }];
  });
}

function readNetwork(r: Reader, key: string, value: unknown): NetworkConfig {
  const o = r.object(key, value, ["cidr", "vpcId", "publicSubnetIds", "privateSubnetIds", "stackReference"]) ?? {};
  const given = Object.keys(o);
  if (o.stackReference !== undefined) {
    const others = given.filter((g) => g !== "stackReference");
    if (others.length) r.report(`${key}.stackReference`, o.stackReference, `alone: remove ${others.map((g) => `${key}.${g}`).join(", ")}`);
    const stack = r.string(`${key}.stackReference`, o.stackReference, {
      pattern: STACK_NAME,
      describe: "a stack name like <organization>/<project>/<stack> whose outputs are vpcId, publicSubnetIds, privateSubnetIds",
    });
    return { mode: "stackReference", stack: stack ?? "" };
  }
  if (o.vpcId !== undefined || o.publicSubnetIds !== undefined || o.privateSubnetIds !== undefined) {
    if (o.cidr !== undefined) r.report(`${key}.cidr`, o.cidr, "nothing when an existing VPC is given (cidr is for a VPC Ferry creates)");
    const vpcId = r.string(`${key}.vpcId`, o.vpcId, { pattern: VPC_ID, describe: "a VPC id (vpc-...)" });
    if (o.vpcId === undefined) r.report(`${key}.vpcId`, undefined, "a VPC id (vpc-...) when subnets are given");
    const subnets = (name: string, min: number, why: string) => {
      const list = r.list(`${key}.${name}`, o[name]) ?? [];
      if (o[name] !== undefined && list.length < min) r.report(`${key}.${name}`, o[name], `at least ${min} subnet ids (${why})`);
      if (o[name] === undefined) r.report(`${key}.${name}`, undefined, `at least ${min} subnet ids (${why})`);
      return list.flatMap((s, i) => r.string(`${key}.${name}[${i}]`, s, { pattern: SUBNET_ID, describe: "a subnet id (subnet-...)" }) ?? []);
    };
    return {
      mode: "existing",
      vpcId: vpcId ?? "",
      publicSubnetIds: subnets("publicSubnetIds", 2, "the load balancer needs two Availability Zones"),
      privateSubnetIds: subnets("privateSubnetIds", 1, "tasks run in private subnets"),
    };
  }
  const fallback = "10.0.0.0/16";
  if (o.cidr === undefined) return { mode: "create", cidr: fallback };
  if (typeof o.cidr === "string" && validCidr(o.cidr)) return { mode: "create", cidr: o.cidr };
  r.report(`${key}.cidr`, o.cidr, "an IPv4 CIDR block with a prefix from /16 to /24, e.g. 10.0.0.0/16");
  return { mode: "create", cidr: fallback };
}

export function validCidr(cidr: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return false;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix < 16 || prefix > 24) return false;
  const addr = octets.reduce((a, o) => a * 256 + o, 0);
  return addr % 2 ** (32 - prefix) === 0;
}

function readServices(r: Reader, key: string, value: unknown, stackArch: Architecture): ServiceConfig[] {
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
  const routed = services.filter((s) => s.port !== undefined);
  const defaults = routed.filter((s) => s.paths.length === 0);
  if (routed.length > 0 && defaults.length !== 1) {
    r.report(
      key,
      defaults.map((s) => s.name),
      "exactly one service with a port and no paths (the load balancer's default route); give the others paths",
    );
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
    (p, i) => r.string(`${key}.paths[${i}]`, p, { pattern: PATH_PATTERN, describe: "a path pattern starting with /, e.g. /api/*" }) ?? [],
  );
  if (paths.length > 0 && port === undefined) r.report(`${key}.paths`, o.paths, "nothing unless the service has a port");

  const desiredCount = r.integer(`${key}.desiredCount`, o.desiredCount, 0, 5000) ?? SERVICE_DEFAULTS.desiredCount;
  const minCount = r.integer(`${key}.minCount`, o.minCount, 0, 5000) ?? Math.min(desiredCount, o.maxCount === undefined ? desiredCount : Number(o.maxCount));
  const maxCount = r.integer(`${key}.maxCount`, o.maxCount, 0, 5000) ?? Math.max(desiredCount, minCount);
  if (minCount > desiredCount) r.report(`${key}.minCount`, minCount, `at most desiredCount (${desiredCount})`);
  if (desiredCount > maxCount) r.report(`${key}.maxCount`, maxCount, `at least desiredCount (${desiredCount})`);

  const deployment = r.object(`${key}.deployment`, o.deployment, ["strategy", "circuitBreaker"]) ?? {};
  return {
    name,
    cpu,
    memory,
    architecture: r.oneOf(`${key}.architecture`, o.architecture, ARCHITECTURES) ?? stackArch,
    port,
    paths,
    healthCheckPath:
      r.string(`${key}.healthCheckPath`, o.healthCheckPath, { pattern: /^\/\S*$/, describe: "a path starting with /" }) ??
      SERVICE_DEFAULTS.healthCheckPath,
    desiredCount,
    minCount,
    maxCount,
    capacity: readCapacity(r, `${key}.capacity`, o.capacity),
    deployment: {
      strategy: r.oneOf(`${key}.deployment.strategy`, deployment.strategy, DEPLOYMENT_STRATEGIES) ?? "rolling",
      circuitBreaker: r.boolean(`${key}.deployment.circuitBreaker`, deployment.circuitBreaker) ?? true,
    },
    environment: readStringMap(r, `${key}.environment`, o.environment, ENV_NAME),
    secrets: readSecrets(r, `${key}.secrets`, o.secrets, o.environment),
    target: r.string(`${key}.target`, o.target, { pattern: STAGE_NAME, describe: "a Dockerfile stage name" }),
    command: readCommand(r, `${key}.command`, o.command),
  };
}

function readCapacity(r: Reader, key: string, value: unknown): CapacityMix {
  if (value === undefined) return CAPACITY_SHORTHANDS.onDemand;
  if (typeof value === "string") {
    const mix = CAPACITY_SHORTHANDS[value];
    if (mix) return mix;
  }
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

function readStringMap(r: Reader, key: string, value: unknown, keyPattern: RegExp): Record<string, string> {
  const o = r.anyObject(key, value) ?? {};
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(o)) {
    if (!keyPattern.test(name)) {
      r.report(`${key}.${name}`, name, `a name matching ${keyPattern}`);
      continue;
    }
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[name] = String(v);
    else r.report(`${key}.${name}`, v, "a string, number or boolean");
  }
  return out;
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
