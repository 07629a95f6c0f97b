/**
 * AccessLogBucket: an S3 bucket that receives a load balancer's access logs. Private (all public
 * access blocked, objects owned by the bucket owner), SSE-S3 encrypted (ALB log delivery does not
 * support SSE-KMS), TLS only, objects expiring after the stack's log retention, and a policy that
 * lets Elastic Load Balancing write under this account's prefix only (lib/accessLogs.ts).
 * The bucket outlives the stack (audit records): destroying the stack leaves it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accessLogBucketPolicy } from "../lib/accessLogs";

export interface AccessLogBucketArgs {
  /** Days before a log object expires; 0 keeps logs forever. */
  retentionDays: number;
}

export class AccessLogBucket extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;

  constructor(name: string, args: AccessLogBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ferry:lb:AccessLogBucket", name, {}, opts);
    const parent = { parent: this };
    const bucket = new aws.s3.Bucket(name, { forceDestroy: false }, { parent: this, retainOnDelete: true });
    const blocked = new aws.s3.BucketPublicAccessBlock(name, {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    }, parent);
    new aws.s3.BucketOwnershipControls(name, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, parent);
    new aws.s3.BucketServerSideEncryptionConfiguration(name, {
      bucket: bucket.id,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    }, parent);
    if (args.retentionDays > 0) {
      new aws.s3.BucketLifecycleConfiguration(name, {
        bucket: bucket.id,
        rules: [{
          id: "expire-access-logs",
          status: "Enabled",
          filter: { prefix: "" },
          expiration: { days: args.retentionDays },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        }],
      }, parent);
    }
    const identity = aws.getCallerIdentityOutput({}, parent);
    const region = aws.getRegionOutput({}, parent).region;
    const partition = aws.getPartitionOutput({}, parent).partition;
    const policy = new aws.s3.BucketPolicy(name, {
      bucket: bucket.id,
      policy: pulumi
        .all([bucket.arn, identity.accountId, region, partition])
        .apply(([bucketArn, accountId, r, p]) => JSON.stringify(accessLogBucketPolicy({ bucketArn, prefix: "", accountId, region: r, partition: p }))),
      // S3 refuses concurrent changes to one bucket's policy and public access block (OperationAborted).
    }, { parent: this, dependsOn: [blocked] });

    // The load balancer waits for the policy: ELB verifies it may write before it turns logging on.
    this.bucketName = pulumi.all([bucket.bucket, policy.id]).apply(([b]) => b);
    this.registerOutputs({ bucketName: this.bucketName });
  }
}
