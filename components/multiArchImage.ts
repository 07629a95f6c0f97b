/**
 * MultiArchImage: one image per commit for linux/amd64 and linux/arm64, built with
 * @pulumi/docker-build and pushed to ECR as one multi-arch index. Each platform is its own `Image`
 * with its own registry cache (BuildKit exports the cache of only one platform when one build
 * produces several), joined by an `Index`; the output `imageRef` is pinned by the index digest.
 */
import * as aws from "@pulumi/aws";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import { buildTag, cacheTag, pinByDigest, Platform, PLATFORMS } from "../lib/imageTags";

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
  /** Commit id the build tags carry (`build-<commit>…`). */
  commit: string;
  /** Commit time (seconds since the epoch), so image timestamps, and so digests, are reproducible. */
  commitTime: number;
  /** Platforms to build. @default ["linux/amd64", "linux/arm64"] */
  platforms?: Platform[];
  /** Registry build cache in ECR, one cache tag per platform and target. @default true */
  cache?: boolean;
  /** Buildx builder per platform (e.g. a native arm64 builder, no QEMU). @default the current builder */
  builders?: Partial<Record<Platform, string>>;
  /** Build during `pulumi preview` too (needs Docker). @default false */
  buildOnPreview?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Pure decisions
// ---------------------------------------------------------------------------------------------

/** Registry cache settings for one platform (ECR needs image manifests and OCI media types). */
export function cacheSettings(repositoryUrl: string, target: string | undefined, platform: Platform) {
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
    const platforms = args.platforms ?? [...PLATFORMS];
    const token = aws.ecr.getAuthorizationTokenOutput({ registryId: args.registryId }, { parent: this });
    const registry = {
      address: pulumi.output(args.repositoryUrl).apply((url) => url.split("/")[0]),
      username: token.userName,
      password: pulumi.secret(token.password),
    };
    const images = platforms.map((platform) => {
      const cache = pulumi.output(args.repositoryUrl).apply((url) =>
        args.cache === false ? { cacheFrom: [], cacheTo: [] } : cacheSettings(url, args.target, platform),
      );
      return new dockerBuild.Image(`${name}-${platform.split("/")[1]}`, {
        push: true,
        platforms: [platform],
        context: { location: args.context },
        dockerfile: { location: args.dockerfile },
        target: args.target,
        buildArgs: { ...args.buildArgs, SOURCE_DATE_EPOCH: String(args.commitTime) },
        // Labels carry no build time or random id: the same content keeps the same digest.
        labels: { "org.opencontainers.image.revision": args.commit },
        tags: [pulumi.interpolate`${args.repositoryUrl}:${buildTag(args.commit, args.target, platform)}`],
        registries: [registry],
        cacheFrom: cache.cacheFrom,
        cacheTo: cache.cacheTo,
        builder: args.builders?.[platform] ? { name: args.builders[platform] } : undefined,
        buildOnPreview: args.buildOnPreview ?? false,
      }, { parent: this });
    });
    const index = new dockerBuild.Index(name, {
      sources: images.map((i) => i.ref),
      tag: pulumi.interpolate`${args.repositoryUrl}:${buildTag(args.commit, args.target)}`,
      push: true,
      registry,
    }, { parent: this });
    this.imageRef = pulumi.all([args.repositoryUrl, index.ref]).apply(([url, ref]) => pinByDigest(url, ref));
    this.registerOutputs({ imageRef: this.imageRef });
  }
}
