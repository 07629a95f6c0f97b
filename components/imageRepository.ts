/**
 * ImageRepository: the ECR repository a building stack pushes to and every stack pulls from.
 * Scan on push; build and release tags immutable, cache and stack-pointer tags mutable; a lifecycle
 * policy that bounds growth without ever expiring a release (lib/lifecycle.ts explains the rules);
 * optional pull-through cache rules for base images.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PullThroughCacheConfig, UPSTREAM_REGISTRIES } from "../config";
import { MUTABLE_TAG_FILTERS } from "../lib/imageTags";
import { LifecycleOptions, lifecyclePolicy, lifecyclePolicyProblems } from "../lib/lifecycle";

// ---------------------------------------------------------------------------------------------
// Args
// ---------------------------------------------------------------------------------------------

export interface ImageRepositoryArgs {
  /** What the lifecycle policy keeps (builds kept, targets, platforms, cache age). */
  lifecycle: LifecycleOptions;
  /** KMS key ARN for encryption at rest. @default AES256 (ECR-managed keys) */
  kmsKeyArn?: string;
  /** Pull-through cache rules for base images (registry-wide, in this account and region). @default none */
  pullThroughCache?: PullThroughCacheConfig[];
}

// ---------------------------------------------------------------------------------------------
// Wiring
// ---------------------------------------------------------------------------------------------

export class ImageRepository extends pulumi.ComponentResource {
  readonly repositoryUrl: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  /** Account id that owns the repository (for ECR authorization tokens). */
  readonly registryId: pulumi.Output<string>;

  constructor(name: string, args: ImageRepositoryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ferry:ecr:ImageRepository", name, {}, opts);
    const policy = lifecyclePolicy(args.lifecycle);
    const problems = lifecyclePolicyProblems(policy);
    if (problems.length) throw new Error(`lifecycle policy of the "${name}" ImageRepository is invalid: ${problems.join("; ")}`);

    const repo = new aws.ecr.Repository(name, {
      imageScanningConfiguration: { scanOnPush: true },
      imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
      imageTagMutabilityExclusionFilters: MUTABLE_TAG_FILTERS.map((filter) => ({ filter, filterType: "WILDCARD" })),
      encryptionConfigurations: [args.kmsKeyArn ? { encryptionType: "KMS", kmsKey: args.kmsKeyArn } : { encryptionType: "AES256" }],
      // Never delete images other stacks may still run; destroying the stack keeps the repository.
      forceDelete: false,
    }, { parent: this, retainOnDelete: true });
    new aws.ecr.LifecyclePolicy(name, { repository: repo.name, policy: JSON.stringify(policy) }, { parent: this });

    for (const rule of args.pullThroughCache ?? []) {
      new aws.ecr.PullThroughCacheRule(`${name}-${rule.prefix.replace(/[^a-z0-9-]/g, "-")}`, {
        ecrRepositoryPrefix: rule.prefix,
        upstreamRegistryUrl: UPSTREAM_REGISTRIES[rule.upstream].url,
        credentialArn: rule.credentialArn,
      }, { parent: this });
    }

    this.repositoryUrl = repo.repositoryUrl;
    this.arn = repo.arn;
    this.name = repo.name;
    this.registryId = repo.registryId;
    this.registerOutputs({ repositoryUrl: this.repositoryUrl, arn: this.arn });
  }
}
