/**
 * What a bucket needs so an Application Load Balancer can deliver access logs to it, as plain data.
 *
 * ELB writes the logs as a principal that depends on the region: in regions that opened before
 * August 2022, an AWS account that Elastic Load Balancing owns in that region; in later regions, the
 * service principal `logdelivery.elasticloadbalancing.amazonaws.com` (ELB user guide, "Access logs
 * for your Application Load Balancer": bucket policy). Log delivery supports SSE-S3 only, not
 * SSE-KMS.
 */

/** Elastic Load Balancing's log-writing account per region, for regions that opened before August 2022. */
// Stryker disable all: AWS's published table, data rather than logic (the lookup is tested).
export const ELB_LOG_ACCOUNTS: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "af-south-1": "098369216593",
  "ap-east-1": "754344448648",
  "ap-southeast-3": "589379963580",
  "ap-south-1": "718504428378",
  "ap-northeast-3": "383597477331",
  "ap-northeast-2": "600734575887",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ap-northeast-1": "582318560864",
  "ca-central-1": "985666609251",
  "eu-central-1": "054676820928",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-south-1": "635631232127",
  "eu-west-3": "009996457667",
  "eu-north-1": "897822967062",
  "me-south-1": "076674570225",
  "sa-east-1": "507241528517",
  "us-gov-west-1": "048591011584",
  "us-gov-east-1": "190560391635",
};
// Stryker restore all

export const ELB_LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";

/** The principal that writes a region's ALB access logs. */
export function logDeliveryPrincipal(region: string, partition = "aws"): { AWS: string } | { Service: string } {
  const account = ELB_LOG_ACCOUNTS[region];
  return account ? { AWS: `arn:${partition}:iam::${account}:root` } : { Service: ELB_LOG_DELIVERY_SERVICE };
}

/** A resource policy statement (it names a principal; it may deny). */
export interface ResourcePolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Principal: "*" | { AWS: string } | { Service: string };
  Action: string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
}

export interface AccessLogPolicyInput {
  bucketArn: string;
  /** Key prefix the load balancer writes under ("" for none). */
  prefix: string;
  /** The account that owns the load balancer (logs land under AWSLogs/<account>/). */
  accountId: string;
  region: string;
  partition?: string;
}

/** Bucket policy: ELB may put log objects under this account's prefix; nothing reaches the bucket without TLS. */
export function accessLogBucketPolicy(input: AccessLogPolicyInput): { Version: "2012-10-17"; Statement: ResourcePolicyStatement[] } {
  const prefix = input.prefix ? `${input.prefix}/` : "";
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ElbLogDelivery",
        Effect: "Allow",
        Principal: logDeliveryPrincipal(input.region, input.partition),
        Action: ["s3:PutObject"],
        Resource: `${input.bucketArn}/${prefix}AWSLogs/${input.accountId}/*`,
      },
      {
        Sid: "TlsOnly",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:*"],
        Resource: [input.bucketArn, `${input.bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}
