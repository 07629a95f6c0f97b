/** `ferry:image`: how a building stack builds its image and keeps its repository. */
import { Reader } from "./reader";
import { ENV_NAME, readStringMap } from "./patterns";
import {
  IMAGE_BUILD_MODES,
  ImageBuildConfig,
  ImageBuildMode,
  PLATFORMS,
  PullThroughCacheConfig,
  UPSTREAM_REGISTRIES,
  UpstreamRegistry,
} from "./types";

export const IMAGE_DEFAULTS = { context: "app", keepBuilds: 30, cacheDays: 14, cache: true, mode: "perPlatform" as ImageBuildMode };
const IMAGE_KEYS = ["context", "dockerfile", "buildArgs", "platforms", "mode", "cache", "builders", "keepBuilds", "cacheDays", "kmsKeyArn", "pullThroughCache"];
const KMS_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[A-Za-z0-9/_-]+$/;
const PTC_SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:ecr-pullthroughcache\/.+$/;
const ECR_PREFIX = /^[a-z0-9][a-z0-9._/-]{1,29}$/;

export function readImage(r: Reader, key: string, value: unknown, build: boolean): ImageBuildConfig {
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
