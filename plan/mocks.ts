/**
 * Deterministic stand-ins for the AWS provider, docker-build and the Pulumi engine, used by the
 * offline plan and the tests. Invokes return plausible fixed values; cloud-computed outputs get fake
 * values derived from the resource's name and inputs, so two runs print the same plan.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";

export const FAKE_ACCOUNT = "123456789012";

/** Outputs a referenced network stack is assumed to have in the offline plan. */
export const FAKE_NETWORK_OUTPUTS = {
  vpcId: "vpc-0f1e2d3c4b5a69788",
  publicSubnetIds: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
  privateSubnetIds: ["subnet-0a1b2c3d4e5f60011", "subnet-0a1b2c3d4e5f60012"],
};

export interface RecordedInvoke {
  token: string;
  inputs: Record<string, unknown>;
}

function hash(...parts: unknown[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(typeof p === "string" ? p : JSON.stringify(p) ?? "");
  return h.digest("hex");
}

/** `aws:ecs/taskDefinition:TaskDefinition` → `ecs`. */
function awsService(type: string): string {
  return type.split(":")[1]?.split("/")[0] ?? "unknown";
}

export class OfflineMocks implements pulumi.runtime.Mocks {
  readonly invokes: RecordedInvoke[] = [];

  constructor(readonly region: string) {}

  private arn(service: string, resource: string): string {
    const global = service === "iam";
    return `arn:aws:${service}:${global ? "" : this.region}:${FAKE_ACCOUNT}:${resource}`;
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
    const { type, name, inputs } = args;
    const h = hash(type, name, inputs);
    const id = `${name}-${h.slice(0, 8)}`;
    const physical = (inputs.name as string | undefined) ?? `${name}-${h.slice(0, 7)}`;
    const service = awsService(type);
    const state: Record<string, unknown> = { ...inputs };
    switch (type) {
      case "pulumi:pulumi:StackReference":
        return { id: inputs.name ?? name, state: { name: inputs.name, outputs: FAKE_NETWORK_OUTPUTS, secretOutputNames: [] } };
      case "aws:ecr/repository:Repository":
        Object.assign(state, {
          name: physical,
          arn: this.arn("ecr", `repository/${physical}`),
          registryId: FAKE_ACCOUNT,
          repositoryUrl: `${FAKE_ACCOUNT}.dkr.ecr.${this.region}.amazonaws.com/${physical}`,
        });
        return { id: physical, state };
      case "aws:s3/bucket:Bucket": {
        // Autonamed buckets are lowercase and at most 63 characters.
        const bucket = ((inputs.bucket as string | undefined) ?? `${name}-${h.slice(0, 7)}`).toLowerCase();
        Object.assign(state, { bucket, arn: `arn:aws:s3:::${bucket}`, bucketRegionalDomainName: `${bucket}.s3.${this.region}.amazonaws.com` });
        return { id: bucket, state };
      }
      case "aws:ecs/cluster:Cluster":
        Object.assign(state, { name: physical, arn: this.arn("ecs", `cluster/${physical}`) });
        return { id: state.arn as string, state };
      case "aws:ecs/taskDefinition:TaskDefinition":
        Object.assign(state, { revision: 1, arn: this.arn("ecs", `task-definition/${inputs.family}:1`) });
        return { id: inputs.family, state };
      case "aws:ecs/service:Service": {
        // AWS's long ARN format: service/<cluster name>/<service name>.
        const clusterName = String(inputs.cluster ?? "default").split("/").pop();
        Object.assign(state, { name: physical, arn: this.arn("ecs", `service/${clusterName}/${physical}`) });
        return { id: state.arn as string, state };
      }
      case "aws:cloudwatch/metricAlarm:MetricAlarm":
        Object.assign(state, { name: physical, arn: this.arn("cloudwatch", `alarm:${physical}`) });
        return { id: physical, state };
      case "aws:cloudwatch/eventRule:EventRule":
        Object.assign(state, { name: physical, arn: this.arn("events", `rule/${physical}`) });
        return { id: physical, state };
      case "aws:sns/topic:Topic":
        Object.assign(state, { name: physical, arn: this.arn("sns", physical) });
        return { id: state.arn as string, state };
      case "aws:sqs/queue:Queue":
        Object.assign(state, { name: physical, arn: this.arn("sqs", physical), url: `https://sqs.${this.region}.amazonaws.com/${FAKE_ACCOUNT}/${physical}` });
        return { id: state.url as string, state };
      case "aws:lambda/function:Function":
        Object.assign(state, {
          name: physical,
          arn: this.arn("lambda", `function:${physical}`),
          invokeArn: `arn:aws:apigateway:${this.region}:lambda:path/2015-03-31/functions/${this.arn("lambda", `function:${physical}`)}/invocations`,
        });
        return { id: physical, state };
      case "aws:lambda/functionUrl:FunctionUrl":
        // Function URLs are https://<url id>.lambda-url.<region>.on.aws/ (32 lowercase letters and digits).
        Object.assign(state, { functionUrl: `https://${h.slice(0, 32)}.lambda-url.${this.region}.on.aws/`, urlId: h.slice(0, 32) });
        return { id: String(inputs.functionName), state };
      case "aws:secretsmanager/secret:Secret": {
        // Secrets Manager appends a hyphen and six random characters to the name in the ARN.
        const secretName = (inputs.name as string | undefined) ?? `${name}-${h.slice(0, 7)}`;
        Object.assign(state, { name: secretName, arn: this.arn("secretsmanager", `secret:${secretName}-${h.slice(8, 14)}`) });
        return { id: state.arn as string, state };
      }
      case "aws:cloudwatch/logGroup:LogGroup":
        Object.assign(state, { name: physical, arn: this.arn("logs", `log-group:${physical}`) });
        return { id: physical, state };
      case "aws:iam/role:Role":
        Object.assign(state, { name: physical, arn: this.arn("iam", `role/${physical}`) });
        return { id: physical, state };
      case "aws:lb/loadBalancer:LoadBalancer":
      case "aws:lb/targetGroup:TargetGroup": {
        const kind = type.endsWith("LoadBalancer") ? "loadbalancer/app" : "targetgroup";
        const suffix = `${kind === "targetgroup" ? "targetgroup" : "app"}/${physical.slice(0, 32)}/${h.slice(0, 16)}`;
        Object.assign(state, {
          name: physical,
          arn: this.arn("elasticloadbalancing", `${kind}/${physical.slice(0, 32)}/${h.slice(0, 16)}`),
          arnSuffix: suffix,
          dnsName: `${physical.slice(0, 32)}-${parseInt(h.slice(0, 8), 16)}.${this.region}.elb.amazonaws.com`,
        });
        return { id: state.arn as string, state };
      }
      case "awsx:ec2:Vpc": {
        // A remote component: one opaque resource under the mock runtime. Its outputs, by AZ count.
        const azs = Number(inputs.numberOfAvailabilityZones ?? 3);
        const subnets = (tier: string) => Array.from({ length: azs }, (_, i) => `subnet-${hash(name, tier, i).slice(0, 17)}`);
        Object.assign(state, { vpcId: `vpc-${h.slice(0, 17)}`, publicSubnetIds: subnets("public"), privateSubnetIds: subnets("private"), isolatedSubnetIds: [] });
        return { id: undefined, state };
      }
      case "docker-build:index:Image": {
        const digest = `sha256:${hash("image", inputs.tags, inputs.platforms, inputs.target, inputs.buildArgs)}`;
        const tag = (inputs.tags as string[] | undefined)?.[0] ?? name;
        Object.assign(state, { digest, ref: `${tag}@${digest}` });
        return { id: digest, state };
      }
      case "docker-build:index:Index": {
        const digest = `sha256:${hash("index", inputs.tag, inputs.sources)}`;
        Object.assign(state, { ref: `${inputs.tag}@${digest}` });
        return { id: `${inputs.tag}`, state };
      }
      default:
        if (type.startsWith("aws:")) {
          state.arn ??= this.arn(service, `${type.split(":")[2]?.toLowerCase() ?? "resource"}/${physical}`);
        }
        return { id: args.custom === false ? undefined : id, state };
    }
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    this.invokes.push({ token: args.token, inputs: args.inputs });
    switch (args.token) {
      case "aws:index/getRegion:getRegion":
        return { id: this.region, name: this.region, region: this.region, description: "offline plan" };
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return { id: FAKE_ACCOUNT, accountId: FAKE_ACCOUNT, arn: `arn:aws:iam::${FAKE_ACCOUNT}:user/offline-plan`, userId: "AIDAOFFLINEPLAN" };
      case "aws:index/getPartition:getPartition":
        return { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com" };
      case "aws:index/getAvailabilityZones:getAvailabilityZones":
        return { id: this.region, names: ["a", "b", "c"].map((z) => `${this.region}${z}`), zoneIds: [1, 2, 3].map((n) => `az${n}`) };
      case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
        return {
          id: this.region,
          userName: "AWS",
          password: "offline-plan-token",
          authorizationToken: Buffer.from("AWS:offline-plan-token").toString("base64"),
          proxyEndpoint: `https://${FAKE_ACCOUNT}.dkr.ecr.${this.region}.amazonaws.com`,
          expiresAt: "2099-01-01T00:00:00Z",
        };
      case "aws:secretsmanager/getSecretVersion:getSecretVersion": {
        // The value of a secret the team made: never known offline; a placeholder the plan shows as [secret].
        const arn = String(args.inputs.secretId);
        return { id: `${arn}|AWSCURRENT`, arn, secretId: arn, secretString: "(the secret's value, not read offline)", versionId: "offline", versionStage: "AWSCURRENT", versionStages: ["AWSCURRENT"] };
      }
      default:
        return {};
    }
  }
}
