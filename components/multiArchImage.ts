/**
 * MultiArchImage: one image per commit for linux/amd64 and linux/arm64, built with
 * @pulumi/docker-build and pushed to ECR as one multi-arch index pinned by digest.
 *
 * Default (`perPlatform`): one `Image` per platform, each with its own registry cache (BuildKit exports
 * the cache of only one platform when one build produces several), joined by an `Index`. Each platform
 * can use its own buildx builder, e.g. a native arm64 builder instead of QEMU emulation.
 * `multiPlatform`: a single `Image` for all platforms; simpler, but only one platform's cache is kept.
 */
import * as aws from "@pulumi/aws";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import { ImageBuildMode } from "../config";
import { arch, buildTag, cacheTag, pinByDigest, Platform, PLATFORMS, platformTag } from "../lib/imageTags";

// ---------------------------------------------------------------------------------------------
// Args
// ---------------------------------------------------------------------------------------------

export interface MultiArchImageArgs {
  /** Repository URL to push to (`<account>.dkr.ecr.<region>.amazonaws.com/<name>`). */
  repositoryUrl: pulumi.Input<string>;
  /** Registry id (account) of the repository, for the ECR authorization token. */
  registryId: pulumi.Input<string>;
  /** Build context directory. */
  context: string;
  /** Dockerfile path. */
  dockerfile: string;
  /** Dockerfile stage to build. @default the last stage */
  target?: string;
  /** Build arguments. SOURCE_DATE_EPOCH is always set from the commit time. @default {} */
  buildArgs?: Record<string, string>;
  /** Commit id the tags carry (`build-<commit>`, `<arch>-<commit>`). */
  commit: string;
  /** Commit time (seconds since the epoch), so image timestamps, and so digests, are reproducible. */
  commitTime: number;
  /** Platforms to build. @default ["linux/amd64", "linux/arm64"] */
  platforms?: readonly Platform[];
  /** One build per platform joined by an index, or one multi-platform build. @default "perPlatform" */
  mode?: ImageBuildMode;
  /** Registry build cache in ECR, one cache tag per target and platform. @default true */
  cache?: boolean;
  /** Buildx builder per platform (`perPlatform` mode). @default the current builder */
  builders?: Partial<Record<Platform, string>>;
  /** Build during `pulumi preview` too (needs Docker). @default false */
  buildOnPreview?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Pure decisions
// ---------------------------------------------------------------------------------------------

/**
 * Registry cache settings for one cache tag. ECR needs an image manifest and OCI media types to store
 * a cache; `max` mode caches the layers of every stage, not only the final one.
 */
export function cacheSettings(repositoryUrl: string, target: string | undefined, platform: Platform | "multi", enabled: boolean) {
  if (!enabled) return { cacheFrom: [], cacheTo: [] };
  const ref = `${repositoryUrl}:${cacheTag(target, platform)}`;
  return {
    cacheFrom: [{ registry: { ref } }],
    cacheTo: [{ registry: { ref, mode: dockerBuild.CacheMode.Max, imageManifest: true, ociMediaTypes: true } }],
  };
}

// ---------------------------------------------------------------------------------------------
// Wiring
// ---------------------------------------------------------------------------------------------

export class MultiArchImage extends pulumi.ComponentResource {
  /** `<repositoryUrl>@sha256:<index digest>`. */
  readonly imageRef: pulumi.Output<string>;

  constructor(name: string, args: MultiArchImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ferry:image:MultiArchImage", name, {}, opts);
    const platforms = args.platforms ?? PLATFORMS;
    const token = aws.ecr.getAuthorizationTokenOutput({ registryId: args.registryId }, { parent: this });
    const registry = {
      address: pulumi.output(args.repositoryUrl).apply((url) => url.split("/")[0]),
      username: token.userName,
      password: pulumi.secret(token.password),
    };
    const url = pulumi.output(args.repositoryUrl);
    const common = {
      push: true,
      context: { location: args.context },
      dockerfile: { location: args.dockerfile },
      target: args.target,
      buildArgs: { ...args.buildArgs, SOURCE_DATE_EPOCH: String(args.commitTime) },
      // Labels carry no build time or random id: the same content keeps the same digest.
      labels: { "org.opencontainers.image.revision": args.commit },
      registries: [registry],
      buildOnPreview: args.buildOnPreview ?? false,
    };

    if (args.mode === "multiPlatform") {
      const cache = url.apply((u) => cacheSettings(u, args.target, "multi", args.cache !== false));
      const image = new dockerBuild.Image(name, {
        ...common,
        platforms: [...platforms],
        tags: [pulumi.interpolate`${url}:${buildTag(args.commit, args.target)}`],
        cacheFrom: cache.cacheFrom,
        cacheTo: cache.cacheTo,
      }, { parent: this });
      this.imageRef = pulumi.all([url, image.digest]).apply(([u, digest]) => pinByDigest(u, digest));
    } else {
      const images = platforms.map((platform) => {
        const cache = url.apply((u) => cacheSettings(u, args.target, platform, args.cache !== false));
        const builder = args.builders?.[platform];
        return new dockerBuild.Image(`${name}-${arch(platform)}`, {
          ...common,
          platforms: [platform],
          tags: [pulumi.interpolate`${url}:${platformTag(args.commit, args.target, platform)}`],
          cacheFrom: cache.cacheFrom,
          cacheTo: cache.cacheTo,
          builder: builder ? { name: builder } : undefined,
        }, { parent: this });
      });
      const index = new dockerBuild.Index(name, {
        sources: images.map((i) => i.ref),
        tag: pulumi.interpolate`${url}:${buildTag(args.commit, args.target)}`,
        push: true,
        registry,
      }, { parent: this });
      this.imageRef = pulumi.all([url, index.ref]).apply(([u, ref]) => pinByDigest(u, ref));
    }
    this.registerOutputs({ imageRef: this.imageRef });
  }
}
