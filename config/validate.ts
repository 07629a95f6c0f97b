/**
 * `ferry:*` config → FerryConfig. Pure: takes the flat config map Pulumi hands a program
 * (`ferry:services` → JSON text, `ferry:build` → "true") and returns data or throws one ConfigError
 * that lists every problem with its full key, the value given and what is allowed.
 * Each section has its own file; this one holds the top-level keys and the cross-section rules.
 */
import { DEFAULT_TARGET, TARGET_KEY, targetKey } from "../lib/imageSet";
import { nameProblems } from "../lib/names";
import { DEFAULT_SPOT_DISCOUNT_PERCENT } from "../lib/cost";
import { readImage } from "./image";
import { readNetwork } from "./network";
import { checkPatternSizes, readNotifications } from "./notifications";
import { ConfigError, Reader } from "./reader";
import { readServices } from "./service";
import { ARCHITECTURES, Architecture, ClusterConfig, FerryConfig, LoadBalancerConfig, PLATFORM_OF } from "./types";

export { validCidr } from "./network";
export { IMAGE_DEFAULTS } from "./image";
export { SERVICE_DEFAULTS } from "./service";

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
  "imageRefs",
  "architecture",
  "image",
  "network",
  "cluster",
  "loadBalancer",
  "certificateArn",
  "logRetentionDays",
  "promotion",
  "cost",
  "reviewStacks",
  "notifications",
  "services",
] as const;

/** CloudWatch Logs retention values (days); 0 keeps logs forever. */
// Stryker disable next-line ArrayDeclaration: AWS's list, data rather than logic (the API-model check holds values to it).
export const LOG_RETENTION_DAYS = [
  0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
];

/** `<repository>@sha256:<64 hex>`: a repository (optionally with registry host and port) and a digest. */
export const DIGEST_REF = /^([a-z0-9][a-z0-9._-]*(?::[0-9]+)?(?:\/[a-z0-9][a-z0-9._-]*)*)@sha256:([a-f0-9]{64})$/;
const CERT_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;
const CLUSTER_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9_-]{1,255}$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Validates a stack's config.
 * @param stack the stack name (used for messages and carried into the result)
 * @param raw the flat config map (`<namespace>:<key>` → string), as `pulumi.runtime.allConfig()` returns it
 * @param secretKeys full keys whose values are secret; their values never appear in messages
 * @param project the Pulumi project's name (resource names start with it) @default "ferry"
 */
export function parseConfig(stack: string, raw: Record<string, string>, secretKeys: Iterable<string> = [], project = NAMESPACE): FerryConfig {
  const prefix = `${NAMESPACE}:`;
  const r = new Reader(new Set(secretKeys));
  const top = readNamespace(r, raw, NAMESPACE, TOP_LEVEL_KEYS);
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
  const imageRefs = readImageRefs(r, k("imageRefs"), get("imageRefs"), build);
  const imageRef = readImageRef(r, k("imageRef"), get("imageRef"), build, get("imageRefs") !== undefined);
  const images = build ? undefined : (imageRefs ?? (imageRef ? { [DEFAULT_TARGET]: imageRef } : undefined));
  const image = readImage(r, k("image"), get("image"), build);
  const network = readNetwork(r, k("network"), get("network"));
  const cluster = readCluster(r, k("cluster"), get("cluster"));
  const loadBalancer = readLoadBalancer(r, k("loadBalancer"), get("loadBalancer"));
  const services = readServices(r, k("services"), get("services"), architecture);
  const promotionKeys = r.object(k("promotion"), get("promotion"), ["scanGate"]) ?? {};
  // Every stack that runs promoted images has the scan gate unless its config turns it off.
  const promotion = { scanGate: r.boolean(`${k("promotion")}.scanGate`, promotionKeys.scanGate) ?? !build };
  const costKeys = r.object(k("cost"), get("cost"), ["spotDiscountPercent"]) ?? {};
  // Fargate Spot is "up to 70 %" off on-demand (AWS); a team may model less from its own bills.
  const cost = { spotDiscountPercent: r.integer(`${k("cost")}.spotDiscountPercent`, costKeys.spotDiscountPercent, 0, DEFAULT_SPOT_DISCOUNT_PERCENT) ?? DEFAULT_SPOT_DISCOUNT_PERCENT };
  const notifications = readNotifications(r, k("notifications"), get("notifications"));
  const reviewStack = readReviewStacks(r, k("reviewStacks"), get("reviewStacks"), stack);
  // (No platforms at all is reported on ferry:image.platforms alone.)
  if (build && image.platforms.length) {
    for (const s of services) {
      if (!image.platforms.includes(PLATFORM_OF[s.architecture])) {
        r.report(`${k("services")}.${s.name}.architecture`, s.architecture, `an architecture this stack builds: ferry:image.platforms has ${image.platforms.join(", ")}`);
      }
    }
  } else if (images) {
    // Each service runs the promoted image of its target; a target the stack does not pin is refused.
    const pinned = Object.keys(images);
    for (const s of services) {
      const key = targetKey(s.target);
      if (images[key] !== undefined) continue;
      if (s.target !== undefined) {
        r.report(`${k("services")}.${s.name}.target`, s.target, `a target this stack runs: ${imageRefs ? `ferry:imageRefs pins ${pinned.join(", ")}` : "ferry:imageRef is one image; a stack of several targets runs ferry:imageRefs (promotion sets it)"}`);
      } else {
        r.report(k("imageRefs"), imageRefs, `an image for "${DEFAULT_TARGET}": service "${s.name}" sets no target`);
      }
    }
  }

  const region = raw["aws:region"];
  if (certificateArn && region && certificateArn.split(":")[3] !== region) {
    r.report(k("certificateArn"), certificateArn, `an ACM certificate in the stack's region ${region}: a load balancer uses certificates of its own region only`);
  }
  const named = services.map((s) => ({ name: s.name, routed: s.port !== undefined, shiftsTraffic: s.deployment.strategy !== "rolling" }));
  for (const p of nameProblems(project, stack, named)) {
    if (p.subject === "stack") r.report("stack", stack, `a stack name AWS accepts in the names Ferry derives from it: ${p.limit}`);
    else if (p.subject === "project") r.report("project", project, `a Pulumi project name (Pulumi.yaml name) AWS accepts in the names Ferry derives from it: ${p.limit}`);
    else r.report(`${k("services")}.${p.subject}`, p.subject, `a shorter service name: ${p.limit}`);
  }

  if (notifications && r.problems.length === 0) {
    checkPatternSizes(r, k("notifications"), { project, stack, build, images, cluster, services }, notifications, raw["aws:region"] || LONGEST_REGION);
  }

  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return { project, stack, build, imageRef, images, architecture, image, network, cluster, loadBalancer, certificateArn, logRetentionDays, promotion, cost, services, notifications, reviewStack };
}

/** The region assumed when the stack sets none (names are measured as if in the longest region name). */
const LONGEST_REGION = "ap-southeast-5";

/** Longest time-to-live of a review stack: Ferry's bound (a month), so a typo cannot keep one for years. */
export const MAX_REVIEW_TTL_HOURS = 720;

/**
 * `ferry:reviewStacks: { template, ttlHours }` in the review-stack template's file. Pulumi Deployments
 * copies that file's config into each review stack; a stack not named `template` that carries it is
 * a review stack, and gets a time-to-live of `ttlHours` from its creation (the template gets none).
 */
function readReviewStacks(r: Reader, key: string, value: unknown, stack: string): FerryConfig["reviewStack"] {
  const o = r.object(key, value, ["template", "ttlHours"]);
  if (!o) return undefined;
  if (o.template === undefined) r.report(`${key}.template`, undefined, "the name of the stack review stacks are made from, e.g. dev");
  if (o.ttlHours === undefined) r.report(`${key}.ttlHours`, undefined, `hours a review stack lives at most, 1 to ${MAX_REVIEW_TTL_HOURS}`);
  const template = r.string(`${key}.template`, o.template, { pattern: /^[A-Za-z0-9_.-]+$/, describe: "a stack name, e.g. dev" });
  const ttlHours = r.integer(`${key}.ttlHours`, o.ttlHours, 1, MAX_REVIEW_TTL_HOURS);
  if (template === undefined || ttlHours === undefined || template === stack) return undefined;
  return { ttlHours };
}

/**
 * The keys of one namespace (`<namespace>:<key>`) of a flat config map, decoded; keys outside `known`
 * are reported as unknown (with a suggestion), keys of other namespaces left alone.
 */
export function readNamespace(r: Reader, raw: Record<string, string>, namespace: string, known: readonly string[]): Map<string, unknown> {
  const prefix = `${namespace}:`;
  const given = new Map<string, unknown>();
  for (const [fullKey, text] of Object.entries(raw)) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    if (!known.includes(key)) r.unknownKey(fullKey, text, known);
    else given.set(key, decode(text));
  }
  return given;
}

/** Pulumi hands structured values to programs as JSON text and scalars as plain text. */
export function decode(text: string): unknown {
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

function readImageRef(r: Reader, key: string, value: unknown, build: boolean, hasImageRefs: boolean): string | undefined {
  const describe = "an image pinned by digest: <repository>@sha256:<64 hex>; tags are refused, promotion sets this value";
  if (value === undefined) {
    if (!build && !hasImageRefs) r.report(key, value, `${describe} (required when ferry:build is false; a stack of several targets sets ferry:imageRefs instead)`);
    return undefined;
  }
  if (build) {
    r.report(key, value, "nothing: a stack with ferry:build true deploys the image it builds; remove ferry:imageRef or set ferry:build false");
    return undefined;
  }
  if (hasImageRefs) {
    r.report(key, value, "nothing together with ferry:imageRefs (it pins every target, default included): keep one of them");
    return undefined;
  }
  return r.string(key, value, { pattern: DIGEST_REF, describe });
}

/** `ferry:imageRefs`: Dockerfile target (or `default`) → digest-pinned image, for stacks of several targets. */
function readImageRefs(r: Reader, key: string, value: unknown, build: boolean): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (build) {
    r.report(key, value, "nothing: a stack with ferry:build true deploys the images it builds; remove ferry:imageRefs or set ferry:build false");
    return undefined;
  }
  const o = r.anyObject(key, value);
  if (!o) return undefined;
  const out: Record<string, string> = {};
  for (const [target, ref] of Object.entries(o)) {
    if (!TARGET_KEY.test(target)) {
      r.report(`${key}.${target}`, target, `a Dockerfile target name, or "${DEFAULT_TARGET}" for services without a target`);
      continue;
    }
    const pinned = r.string(`${key}.${target}`, ref, { pattern: DIGEST_REF, describe: "an image pinned by digest: <repository>@sha256:<64 hex>" });
    if (pinned) out[target] = pinned;
  }
  if (Object.keys(o).length === 0) r.report(key, value, `at least one target's image, e.g. { ${DEFAULT_TARGET}: <repository>@sha256:<64 hex> }`);
  return Object.keys(out).length ? out : undefined;
}

function readCluster(r: Reader, key: string, value: unknown): ClusterConfig {
  const o = r.object(key, value, ["arn", "containerInsights"]) ?? {};
  return {
    arn: r.string(`${key}.arn`, o.arn, { pattern: CLUSTER_ARN, describe: "an ECS cluster ARN (arn:aws:ecs:<region>:<account>:cluster/<name>)" }),
    containerInsights: r.boolean(`${key}.containerInsights`, o.containerInsights) ?? true,
  };
}

function readLoadBalancer(r: Reader, key: string, value: unknown): LoadBalancerConfig {
  const o = r.object(key, value, ["deletionProtection", "idleTimeout", "accessLogs"]) ?? {};
  return {
    deletionProtection: r.boolean(`${key}.deletionProtection`, o.deletionProtection) ?? false,
    idleTimeout: r.integer(`${key}.idleTimeout`, o.idleTimeout, 1, 4000) ?? 60,
    accessLogs: readAccessLogs(r, `${key}.accessLogs`, o.accessLogs),
  };
}

/** `true`: Ferry creates the log bucket; `{ bucket, prefix? }`: an existing bucket; `false` or unset: off. */
function readAccessLogs(r: Reader, key: string, value: unknown): LoadBalancerConfig["accessLogs"] {
  if (value === undefined || value === false || value === "false") return undefined;
  if (value === true || value === "true") return { mode: "create" };
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    r.report(key, value, "true (Ferry creates the log bucket), false, or { bucket, prefix? } for a bucket of your own");
    return undefined;
  }
  const logs = r.object(key, value, ["bucket", "prefix"]) ?? {};
  const describe = "an S3 bucket name (3-63 lowercase letters, digits, '.' and '-') whose policy lets ELB deliver logs";
  const bucket = r.string(`${key}.bucket`, logs.bucket, { pattern: BUCKET, describe });
  if (logs.bucket === undefined) r.report(`${key}.bucket`, undefined, describe);
  // ELB refuses a prefix that contains AWSLogs or starts or ends with "/".
  const prefix = r.string(`${key}.prefix`, logs.prefix, {
    pattern: /^(?!.*AWSLogs)[^/](?:.{0,1022}[^/])?$/,
    describe: "a key prefix without a leading or trailing / and without \"AWSLogs\"",
  });
  return bucket ? { mode: "existing", bucket, prefix } : undefined;
}
