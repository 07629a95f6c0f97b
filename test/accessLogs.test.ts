/** Who may write a load balancer's access logs, by region (lib/accessLogs.ts). */
import { expect } from "chai";
import { accessLogBucketPolicy, ELB_LOG_DELIVERY_SERVICE, logDeliveryPrincipal } from "../lib/accessLogs";

describe("access log bucket policy", () => {
  it("names Elastic Load Balancing's account in regions opened before August 2022, the service principal after", () => {
    expect(logDeliveryPrincipal("us-east-1")).to.deep.equal({ AWS: "arn:aws:iam::127311923021:root" });
    expect(logDeliveryPrincipal("eu-west-1")).to.deep.equal({ AWS: "arn:aws:iam::156460612806:root" });
    expect(logDeliveryPrincipal("us-gov-west-1", "aws-us-gov")).to.deep.equal({ AWS: "arn:aws-us-gov:iam::048591011584:root" });
    // Melbourne (2023), Calgary (2023), Malaysia (2024): log delivery's service principal.
    for (const region of ["ap-southeast-4", "ca-west-1", "ap-southeast-5"]) expect(logDeliveryPrincipal(region)).to.deep.equal({ Service: ELB_LOG_DELIVERY_SERVICE });
  });

  it("grants PutObject under the prefix and account only, and denies anything without TLS", () => {
    const doc = accessLogBucketPolicy({ bucketArn: "arn:aws:s3:::logs", prefix: "alb/prod", accountId: "111122223333", region: "ap-southeast-4" });
    expect(doc.Statement).to.deep.equal([
      { Sid: "ElbLogDelivery", Effect: "Allow", Principal: { Service: ELB_LOG_DELIVERY_SERVICE }, Action: ["s3:PutObject"], Resource: "arn:aws:s3:::logs/alb/prod/AWSLogs/111122223333/*" },
      {
        Sid: "TlsOnly",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:*"],
        Resource: ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
    expect(accessLogBucketPolicy({ bucketArn: "arn:aws:s3:::logs", prefix: "", accountId: "111122223333", region: "eu-west-1" }).Statement[0].Resource).to.equal(
      "arn:aws:s3:::logs/AWSLogs/111122223333/*",
    );
  });
});
