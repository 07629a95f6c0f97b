/**
 * ImageRepository: the ECR repository a building stack pushes to and every stack pulls from.
 * Scan on push; build and release tags immutable, cache and stack-pointer tags mutable.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { MUTABLE_TAG_FILTERS } from "../lib/imageTags";

// ---------------------------------------------------------------------------------------------
// Args
// ---------------------------------------------------------------------------------------------

export interface ImageRepositoryArgs {
  /** KMS key ARN for encryption at rest. @default AES256 (ECR-managed) */
  kmsKeyArn?: string;
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

  constructor(name: string, args: ImageRepositoryArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("ferry:ecr:ImageRepository", name, {}, opts);
    const repo = new aws.ecr.Repository(name, {
      imageScanningConfiguration: { scanOnPush: true },
      imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
      imageTagMutabilityExclusionFilters: MUTABLE_TAG_FILTERS.map((filter) => ({ filter, filterType: "WILDCARD" })),
      encryptionConfigurations: [args.kmsKeyArn ? { encryptionType: "KMS", kmsKey: args.kmsKeyArn } : { encryptionType: "AES256" }],
      // Never delete images other stacks may still run; destroying the stack keeps the repository.
      forceDelete: false,
    }, { parent: this, retainOnDelete: true });
    this.repositoryUrl = repo.repositoryUrl;
    this.arn = repo.arn;
    this.name = repo.name;
    this.registryId = repo.registryId;
    this.registerOutputs({ repositoryUrl: this.repositoryUrl, arn: this.arn });
  }
}
