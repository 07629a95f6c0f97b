/**
 * LoadBalancer: the public Application Load Balancer in front of a stack's services. Services attach
 * themselves with a target group and a rule on `listener` (HTTPS when a certificate is given, HTTP
 * otherwise; with HTTPS, port 80 only redirects). Unmatched requests get a 404. The load balancer's
 * security group has no egress of its own: each service adds one rule to its tasks' port
 * (components/service.ts). Access logs go to a bucket this component creates, or to one of the team's.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AccessLogBucket } from "./accessLogBucket";

export interface LoadBalancerArgs {
  /** VPC of the load balancer's security group. */
  vpcId: pulumi.Input<string>;
  /** Public subnets in at least two Availability Zones. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** ACM certificate ARN; when given the ALB serves HTTPS and redirects HTTP. @default HTTP only */
  certificateArn?: string;
  /** Refuse deletion of the ALB (prod). @default false */
  deletionProtection?: boolean;
  /** Seconds an idle connection stays open. @default 60 */
  idleTimeout?: number;
  /**
   * Access logs: `{ mode: "create" }` makes a bucket for them (private, SSE-S3, expiring after
   * `logRetentionDays`); `{ mode: "existing", bucket, prefix? }` writes to a bucket whose policy already
   * lets ELB deliver logs. @default off
   */
  accessLogs?: { mode: "create" } | { mode: "existing"; bucket: string; prefix?: string };
  /** Days a created log bucket keeps logs (0 keeps them forever). @default 30 */
  logRetentionDays?: number;
  /** Tags of the load balancer (Ferry names its stack: \`ferry:stack\`, which the deletion-protection policy reads). */
  tags?: Record<string, string>;
}

export class LoadBalancer extends pulumi.ComponentResource {
  /** The listener services attach their rules to. */
  readonly listener: aws.lb.Listener;
  /** Security group of the ALB; services allow traffic from it only. */
  readonly securityGroupId: pulumi.Output<string>;
  readonly url: pulumi.Output<string>;
  readonly arnSuffix: pulumi.Output<string>;

  constructor(name: string, args: LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ferry:lb:LoadBalancer", name, {}, opts);
    const parent = { parent: this };
    const https = args.certificateArn !== undefined;
    const ports = https ? [80, 443] : [80];
    const sg = new aws.ec2.SecurityGroup(`${name}-alb`, {
      vpcId: args.vpcId,
      description: `Public ${https ? "HTTP/HTTPS" : "HTTP"} to the ${name} load balancer`,
      ingress: ports.map((port) => ({ protocol: "tcp", fromPort: port, toPort: port, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] })),
      // No inline egress: the provider then removes AWS's allow-all default, and each service adds
      // its own rule to its tasks (inline rules and rule resources must not be mixed on one side).
    }, parent);
    const logs = args.accessLogs?.mode === "create"
      ? new AccessLogBucket(`${name}-alb-logs`, { retentionDays: args.logRetentionDays ?? 30 }, parent)
      : undefined;
    const accessLogs = logs
      ? { enabled: true, bucket: logs.bucketName }
      : args.accessLogs?.mode === "existing"
        ? { enabled: true, bucket: args.accessLogs.bucket, prefix: args.accessLogs.prefix }
        : undefined;
    const alb = new aws.lb.LoadBalancer(name, {
      loadBalancerType: "application",
      internal: false,
      subnets: args.subnetIds,
      securityGroups: [sg.id],
      dropInvalidHeaderFields: true,
      enableDeletionProtection: args.deletionProtection ?? false,
      idleTimeout: args.idleTimeout ?? 60,
      accessLogs,
      tags: args.tags,
      // ELB checks that it may write to the bucket when logging is turned on.
    }, { parent: this, protect: args.deletionProtection ?? false, dependsOn: logs ? [logs] : [] });
    const notFound = { type: "fixed-response", fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "not found" } };
    if (https) {
      new aws.lb.Listener(`${name}-http`, {
        loadBalancerArn: alb.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
      }, parent);
      this.listener = new aws.lb.Listener(`${name}-https`, {
        loadBalancerArn: alb.arn,
        port: 443,
        protocol: "HTTPS",
        sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
        certificateArn: args.certificateArn,
        defaultActions: [notFound],
      }, parent);
    } else {
      this.listener = new aws.lb.Listener(`${name}-http`, { loadBalancerArn: alb.arn, port: 80, protocol: "HTTP", defaultActions: [notFound] }, parent);
    }
    this.securityGroupId = sg.id;
    this.arnSuffix = alb.arnSuffix;
    this.url = pulumi.interpolate`${https ? "https" : "http"}://${alb.dnsName}`;
    this.registerOutputs({ url: this.url, securityGroupId: this.securityGroupId });
  }
}
