/**
 * Config validation, word for word: what a person reads when a stack file is wrong (every problem at
 * once, each naming the full key, what was given and what is allowed), what each accepted setting
 * parses to, and where each pattern starts and ends. config.test.ts holds the rules one by one; this
 * file pins the exact text and values, so a changed message or default is a visible decision.
 */
import { expect } from "chai";
import { parseConfig } from "../config";
import { readAwsAccess } from "../config/awsAccess";
import { formatProblem, Reader } from "../config/reader";
import { FerryConfig } from "../config/types";
import { flat, problemsFor, REF, setPath } from "./support/configData";

const parse = (data: Record<string, unknown>): FerryConfig => parseConfig("test", flat(data));

/** A stack running one load-balanced service with these settings. */
const web = (settings: Record<string, unknown>) => ({ imageRef: REF, services: { web: { port: 8080, ...settings } } });
/** A building stack with these image settings. */
const building = (image: Record<string, unknown>) => ({ build: true, image, services: { web: { port: 8080 } } });

const REFUSALS: { name: string; data: Record<string, unknown>; problems: string[] }[] = [
  {
    name: "network: subnets without a VPC",
    data: { ...web({}), network: { publicSubnetIds: ["subnet-01234567", "subnet-01234568"], privateSubnetIds: ["subnet-0123456a"] } },
    problems: [
      "ferry:network.vpcId: got (missing); a VPC id (vpc-...) when subnets are given",
    ],
  },
  {
    name: "network: a VPC without subnets",
    data: { ...web({}), network: { vpcId: "vpc-01234567" } },
    problems: [
      "ferry:network.publicSubnetIds: got (missing); at least 2 subnet ids (the load balancer needs two Availability Zones)",
      "ferry:network.privateSubnetIds: got (missing); at least 1 subnet id (tasks run in private subnets)",
    ],
  },
  {
    name: "network: a cidr with an existing VPC",
    data: { ...web({}), network: { vpcId: "vpc-01234567", publicSubnetIds: ["subnet-01234567", "subnet-01234568"], privateSubnetIds: ["subnet-0123456a"], cidr: "10.0.0.0/16" } },
    problems: [
      "ferry:network.cidr: got \"10.0.0.0/16\"; nothing when an existing VPC is given (cidr is for a VPC Ferry creates)",
    ],
  },
  {
    name: "network: bad subnet ids",
    data: { ...web({}), network: { vpcId: "vpc-01234567", publicSubnetIds: ["subnet-01234567", "sub-1"], privateSubnetIds: [] } },
    problems: [
      "ferry:network.publicSubnetIds[1]: got \"sub-1\"; a subnet id (subnet-...)",
      "ferry:network.privateSubnetIds: got []; at least 1 subnet id (tasks run in private subnets)",
    ],
  },
  {
    name: "network: stack reference forms",
    data: { ...web({}), network: { stackReference: "a/b/c/d" } },
    problems: [
      "ferry:network.stackReference: got \"a/b/c/d\"; a stack name like <organization>/<project>/<stack> whose outputs are vpcId, publicSubnetIds, privateSubnetIds",
    ],
  },
  {
    name: "network: cidr not on its boundary",
    data: { ...web({}), network: { cidr: "10.0.1.0/16" } },
    problems: [
      "ferry:network.cidr: got \"10.0.1.0/16\"; an IPv4 CIDR block with a prefix from /16 to /24, e.g. 10.0.0.0/16",
    ],
  },
  {
    name: "network: cidr octet",
    data: { ...web({}), network: { cidr: "10.256.0.0/16" } },
    problems: [
      "ferry:network.cidr: got \"10.256.0.0/16\"; an IPv4 CIDR block with a prefix from /16 to /24, e.g. 10.0.0.0/16",
    ],
  },
  {
    name: "network: cidr /25",
    data: { ...web({}), network: { cidr: "10.0.0.0/25" } },
    problems: [
      "ferry:network.cidr: got \"10.0.0.0/25\"; an IPv4 CIDR block with a prefix from /16 to /24, e.g. 10.0.0.0/16",
    ],
  },
  {
    name: "image: empty platforms, bad builder, bad mode",
    data: building({ platforms: [], builders: { "linux/arm64": "-x" }, mode: "x" }),
    problems: [
      "ferry:image.platforms: got []; at least one of linux/amd64, linux/arm64",
      "ferry:image.mode: got \"x\"; one of \"perPlatform\", \"multiPlatform\"",
      "ferry:image.builders.linux/arm64: got \"-x\"; a buildx builder name",
    ],
  },
  {
    name: "image: pull-through: credentials where none are needed, bad prefix",
    data: building({ pullThroughCache: { quay: { credentialArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/x", prefix: "Q" } } }),
    problems: [
      "ferry:image.pullThroughCache.quay.credentialArn: got \"arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/x\"; nothing: quay needs no credentials",
      "ferry:image.pullThroughCache.quay.prefix: got \"Q\"; an ECR repository prefix of 2-30 lowercase letters, digits, . _ / -",
    ],
  },
  {
    name: "image: numbers out of range",
    data: building({ keepBuilds: 1001, cacheDays: 0, cache: "maybe", context: "", dockerfile: 3, buildArgs: { "A-B": "x", OK: { x: 1 } } }),
    problems: [
      "ferry:image.context: got \"\"; a non-empty string",
      "ferry:image.dockerfile: got 3; a non-empty string",
      "ferry:image.buildArgs.A-B: got \"A-B\"; a name matching /^[A-Za-z_][A-Za-z0-9_]*$/",
      "ferry:image.buildArgs.OK: got {\"x\":1}; a string, number or boolean",
      "ferry:image.cache: got \"maybe\"; true or false",
      "ferry:image.keepBuilds: got 1001; an integer from 1 to 1000",
      "ferry:image.cacheDays: got 0; an integer from 1 to 3650",
    ],
  },
  {
    name: "deployment: settings of others",
    data: web({ deployment: { strategy: "rolling", bakeMinutes: 1, stepPercent: 10, stepBakeMinutes: 1, canaryPercent: 5, canaryBakeMinutes: 1, testTraffic: true } }),
    problems: [
      "ferry:services.web.deployment.bakeMinutes: got 1; nothing unless strategy is \"blueGreen\" or \"linear\" or \"canary\" (it is \"rolling\")",
      "ferry:services.web.deployment.stepPercent: got 10; nothing unless strategy is \"linear\" (it is \"rolling\")",
      "ferry:services.web.deployment.stepBakeMinutes: got 1; nothing unless strategy is \"linear\" (it is \"rolling\")",
      "ferry:services.web.deployment.canaryPercent: got 5; nothing unless strategy is \"canary\" (it is \"rolling\")",
      "ferry:services.web.deployment.canaryBakeMinutes: got 1; nothing unless strategy is \"canary\" (it is \"rolling\")",
      "ferry:services.web.deployment.testTraffic: got true; nothing unless strategy is \"blueGreen\" or \"linear\" or \"canary\" (it is \"rolling\")",
    ],
  },
  {
    name: "deployment: circuitBreaker elsewhere",
    data: web({ deployment: { strategy: "canary", circuitBreaker: true, minHealthyPercent: 50, maxPercent: 150 } }),
    problems: [
      "ferry:services.web.deployment.circuitBreaker: got true; nothing unless strategy is \"rolling\" (it is \"canary\")",
      "ferry:services.web.deployment.minHealthyPercent: got 50; nothing unless strategy is \"rolling\" (it is \"canary\")",
      "ferry:services.web.deployment.maxPercent: got 150; nothing unless strategy is \"rolling\" (it is \"canary\")",
    ],
  },
  {
    name: "deployment: numbers",
    data: web({ deployment: { minHealthyPercent: 101, maxPercent: 99, checkTimeoutMinutes: 0, alarms: [" x", ""] } }),
    problems: [
      "ferry:services.web.deployment.minHealthyPercent: got 101; an integer from 0 to 100",
      "ferry:services.web.deployment.maxPercent: got 99; an integer from 100 to 200",
      "ferry:services.web.deployment.checkTimeoutMinutes: got 0; an integer from 1 to 1440",
      "ferry:services.web.deployment.alarms[0]: got \" x\"; a CloudWatch alarm name (1-255 characters)",
      "ferry:services.web.deployment.alarms[1]: got \"\"; a CloudWatch alarm name (1-255 characters)",
    ],
  },
  {
    name: "deployment: approval",
    data: web({ deployment: { strategy: "blueGreen", approval: { stage: "NOPE", timeoutMinutes: 0, timeoutAction: "WAIT" } } }),
    problems: [
      "ferry:services.web.deployment.approval.stage: got \"NOPE\"; one of \"RECONCILE_SERVICE\", \"PRE_SCALE_UP\", \"POST_SCALE_UP\", \"POST_TEST_TRAFFIC_SHIFT\", \"PRE_PRODUCTION_TRAFFIC_SHIFT\", \"POST_PRODUCTION_TRAFFIC_SHIFT\"",
      "ferry:services.web.deployment.approval.timeoutMinutes: got 0; an integer from 1 to 20160",
      "ferry:services.web.deployment.approval.timeoutAction: got \"WAIT\"; one of \"ROLLBACK\", \"CONTINUE\"",
    ],
  },
  {
    name: "deployment: strategy of a worker",
    data: { imageRef: REF, services: { web: { port: 8080 }, worker: { deployment: { strategy: "canary" } } } },
    problems: [
      "ferry:services.worker.deployment.strategy: got \"canary\"; \"rolling\" for a service without a port (canary shifts load balancer traffic)",
    ],
  },
  {
    name: "service: counts",
    data: web({ desiredCount: 6000, minCount: -1, maxCount: "x" }),
    problems: [
      "ferry:services.web.desiredCount: got 6000; an integer from 0 to 5000",
      "ferry:services.web.minCount: got -1; an integer from 0 to 5000",
      "ferry:services.web.maxCount: got \"x\"; an integer from 0 to 5000",
    ],
  },
  {
    name: "service: autoscaling",
    data: web({ minCount: 1, maxCount: 3, autoscaling: { cpu: 0, memory: 101, requestsPerTarget: 0, scaleInCooldown: 3601, scaleOutCooldown: -1 } }),
    problems: [
      "ferry:services.web.autoscaling.requestsPerTarget: got 0; an integer from 1 to 1000000",
      "ferry:services.web.autoscaling.cpu: got 0; an integer from 1 to 100",
      "ferry:services.web.autoscaling.memory: got 101; an integer from 1 to 100",
      "ferry:services.web.autoscaling.scaleInCooldown: got 3601; an integer from 0 to 3600",
      "ferry:services.web.autoscaling.scaleOutCooldown: got -1; an integer from 0 to 3600",
    ],
  },
  {
    name: "service: health check",
    data: web({ healthCheck: { interval: 4 } }),
    problems: [
      "ferry:services.web.healthCheck.command: got (missing); a command such as [\"CMD\", \"node\", \"healthcheck.js\"] or [\"CMD-SHELL\", \"curl -f http://localhost/ || exit 1\"]",
      "ferry:services.web.healthCheck.interval: got 4; an integer from 5 to 300",
    ],
  },
  {
    name: "service: secrets and env clash",
    data: web({ environment: { TOKEN: "x" }, secrets: { TOKEN: "arn:aws:ssm:eu-west-1:123456789012:parameter/t", "BAD-NAME": "arn:aws:ssm:eu-west-1:123456789012:parameter/t" } }),
    problems: [
      "ferry:services.web.secrets.TOKEN: got \"TOKEN\"; a name not also set in environment",
      "ferry:services.web.secrets.BAD-NAME: got \"BAD-NAME\"; an environment variable name matching /^[A-Za-z_][A-Za-z0-9_]*$/",
    ],
  },
  {
    name: "service: command and user",
    data: web({ command: [], user: "1000:", target: "-x", healthCheckPath: "healthz" }),
    problems: [
      "ferry:services.web.user: got \"1000:\"; a user (and group), e.g. 1000:1000",
      "ferry:services.web.healthCheckPath: got \"healthz\"; a path of 1-1024 characters starting with /, without spaces",
      "ferry:services.web.target: got \"-x\"; a Dockerfile stage name",
      "ferry:services.web.command: got []; a non-empty list of strings",
    ],
  },
  {
    name: "service: capacity",
    data: web({ capacity: { base: -1, onDemandWeight: 1001, spotWeight: "x" } }),
    problems: [
      "ferry:services.web.capacity.base: got -1; an integer from 0 to 100000",
      "ferry:services.web.capacity.onDemandWeight: got 1001; an integer from 0 to 1000",
      "ferry:services.web.capacity.spotWeight: got \"x\"; an integer from 0 to 1000",
      "ferry:services.web.capacity: got {\"base\":-1,\"onDemandWeight\":1001,\"spotWeight\":\"x\"}; at least one of onDemandWeight and spotWeight above 0 (tasks beyond base go nowhere otherwise)",
    ],
  },
  {
    name: "service: paths",
    data: web({ paths: "/x" }),
    problems: [
      "ferry:services.web.paths: got \"/x\"; a list",
    ],
  },
  {
    name: "top: misc",
    data: { ...web({}), logRetentionDays: "x", certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc x", cluster: { arn: "arn:aws:ecs:eu-west-1:123456789012:cluster/", containerInsights: "no" }, loadBalancer: { deletionProtection: "no", idleTimeout: 0, accessLogs: { bucket: "A", prefix: "/x" } }, promotion: { scanGate: "x", other: 1 } },
    problems: [
      "ferry:logRetentionDays: got \"x\"; one of 0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (days; 0 keeps logs forever)",
      "ferry:certificateArn: got \"arn:aws:acm:eu-west-1:123456789012:certificate/abc x\"; the ARN of an ACM certificate (arn:aws:acm:<region>:<account>:certificate/<id>)",
      "ferry:cluster.arn: got \"arn:aws:ecs:eu-west-1:123456789012:cluster/\"; an ECS cluster ARN (arn:aws:ecs:<region>:<account>:cluster/<name>)",
      "ferry:cluster.containerInsights: got \"no\"; true or false",
      "ferry:loadBalancer.deletionProtection: got \"no\"; true or false",
      "ferry:loadBalancer.idleTimeout: got 0; an integer from 1 to 4000",
      "ferry:loadBalancer.accessLogs.bucket: got \"A\"; an S3 bucket name (3-63 lowercase letters, digits, '.' and '-') whose policy lets ELB deliver logs",
      "ferry:loadBalancer.accessLogs.prefix: got \"/x\"; a key prefix without a leading or trailing / and without \"AWSLogs\"",
      "ferry:promotion.other: got 1; unknown key; known keys: scanGate",
      "ferry:promotion.scanGate: got \"x\"; true or false",
    ],
  },
  {
    name: "top: imageRefs",
    data: { services: { web: { port: 8080 } }, imageRefs: { "Bad Target": REF } },
    problems: [
      "ferry:imageRefs.Bad Target: got \"Bad Target\"; a Dockerfile target name, or \"default\" for services without a target",
    ],
  },
  {
    name: "top: imageRefs empty",
    data: { services: { web: { port: 8080 } }, imageRefs: {} },
    problems: [
      "ferry:imageRefs: got {}; at least one target's image, e.g. { default: <repository>@sha256:<64 hex> }",
    ],
  },
  {
    name: "top: not JSON",
    data: { imageRef: REF, services: "{web: " },
    problems: [
      "ferry:services: got \"{web: \"; an object (a YAML mapping)",
    ],
  },
];

describe("config validation, word for word", () => {
  for (const c of REFUSALS) {
    it(`refuses ${c.name}`, () => {
      expect(problemsFor(c.data)).to.deep.equal(c.problems);
    });
  }

  it("says how many problems there are, one per line", () => {
    let message = "";
    try {
      parse(web({ cpu: 1, port: 0 }));
    } catch (err) {
      expect((err as Error).name).to.equal("ConfigError");
      message = (err as Error).message;
    }
    expect(message.split("\n")).to.deep.equal([
      "invalid Ferry config (2 problems):",
      "  ferry:services.web.cpu: got 1; a Fargate CPU value: one of 256, 512, 1024, 2048, 4096, 8192, 16384",
      "  ferry:services.web.port: got 0; an integer from 1 to 65535",
    ]);
    try {
      parse(web({ port: 0 }));
    } catch (err) {
      expect((err as Error).message.split("\n")[0]).to.equal("invalid Ferry config (1 problem):");
    }
  });
});

const KMS = "arn:aws:kms:eu-west-1:123456789012:alias/ecr";
const HUB_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/hub-AbC";
const SSM = "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db";
const CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/abc-123";
const CLUSTER = "arn:aws:ecs:eu-west-1:123456789012:cluster/shared";
const EXISTING = { vpcId: "vpc-0123456789abcdef0", publicSubnetIds: ["subnet-01234567", "subnet-01234568"], privateSubnetIds: ["subnet-0123456a"] };

/** Accepted settings and what the program receives for them. */
const PARSED: { name: string; data: Record<string, unknown>; read: (c: FerryConfig) => unknown; is: unknown }[] = [
  { name: "an existing network", data: { ...web({}), network: EXISTING }, read: (c) => c.network, is: { mode: "existing", ...EXISTING } },
  { name: "a network from another stack", data: { ...web({}), network: { stackReference: "acme/network/prod" } }, read: (c) => c.network, is: { mode: "stackReference", stack: "acme/network/prod" } },
  { name: "a network Ferry creates", data: { ...web({}), network: { cidr: "10.20.0.0/16" } }, read: (c) => c.network, is: { mode: "create", cidr: "10.20.0.0/16", natGateway: true } },
  { name: "a /24 whose third octet has three digits", data: { ...web({}), network: { cidr: "10.0.100.0/24" } }, read: (c) => c.network, is: { mode: "create", cidr: "10.0.100.0/24", natGateway: true } },
  { name: "the highest octet", data: { ...web({}), network: { cidr: "10.255.0.0/16" } }, read: (c) => c.network, is: { mode: "create", cidr: "10.255.0.0/16", natGateway: true } },
  {
    name: "every image setting",
    data: building({ context: "svc", buildArgs: { NODE_ENV: "production", RETRIES: 3 }, platforms: ["linux/arm64"], mode: "multiPlatform", cache: false, builders: { "linux/arm64": "graviton" }, keepBuilds: 5, cacheDays: 3650, kmsKeyArn: KMS, pullThroughCache: { "ecr-public": {}, "docker-hub": { credentialArn: HUB_SECRET, prefix: "hub" } } }),
    read: (c) => c.image,
    is: {
      context: "svc", dockerfile: "svc/Dockerfile", buildArgs: { NODE_ENV: "production", RETRIES: "3" }, platforms: ["linux/arm64"], mode: "multiPlatform", cache: false,
      builders: { "linux/arm64": "graviton" }, keepBuilds: 5, cacheDays: 3650, kmsKeyArn: KMS,
      pullThroughCache: [{ prefix: "ecr-public", upstream: "ecr-public", credentialArn: undefined }, { prefix: "hub", upstream: "docker-hub", credentialArn: HUB_SECRET }],
    },
  },
  { name: "a Dockerfile of its own", data: building({ context: "svc", dockerfile: "docker/Dockerfile.prod" }), read: (c) => c.image.dockerfile, is: "docker/Dockerfile.prod" },
  { name: "access logs to Ferry's bucket", data: { ...web({}), loadBalancer: { accessLogs: true } }, read: (c) => c.loadBalancer, is: { deletionProtection: false, idleTimeout: 60, accessLogs: { mode: "create" } } },
  { name: "access logs to the team's bucket", data: { ...web({}), loadBalancer: { deletionProtection: true, idleTimeout: 4000, accessLogs: { bucket: "acme-logs", prefix: "alb/prod" } } }, read: (c) => c.loadBalancer, is: { deletionProtection: true, idleTimeout: 4000, accessLogs: { mode: "existing", bucket: "acme-logs", prefix: "alb/prod" } } },
  { name: "access logs off", data: { ...web({}), loadBalancer: { accessLogs: "false" } }, read: (c) => c.loadBalancer.accessLogs, is: undefined },
  { name: "an existing cluster without Container Insights", data: { ...web({}), cluster: { arn: CLUSTER, containerInsights: false } }, read: (c) => c.cluster, is: { arn: CLUSTER, containerInsights: false } },
  { name: "HTTPS", data: { ...web({}), certificateArn: CERT }, read: (c) => c.certificateArn, is: CERT },
  { name: "logs kept forever", data: { ...web({}), logRetentionDays: "0" }, read: (c) => c.logRetentionDays, is: 0 },
  { name: "the scan gate off", data: { ...web({}), promotion: { scanGate: false } }, read: (c) => c.promotion, is: { scanGate: false } },
  { name: "the scan gate on a building stack", data: { ...building({}), promotion: { scanGate: true } }, read: (c) => c.promotion, is: { scanGate: true } },
  { name: "approval given as text", data: web({ deployment: { strategy: "canary", approval: "true" } }), read: (c) => c.services[0].deployment.approval, is: { stage: "POST_TEST_TRAFFIC_SHIFT", timeoutMinutes: 60, timeoutAction: "ROLLBACK" } },
  { name: "no approval", data: web({ deployment: { strategy: "canary", approval: false } }), read: (c) => c.services[0].deployment.approval, is: undefined },
  {
    name: "every approval setting",
    data: web({ deployment: { strategy: "linear", approval: { stage: "PRE_SCALE_UP", timeoutMinutes: 5, timeoutAction: "CONTINUE" }, checkTimeoutMinutes: 6 } }),
    read: (c) => [c.services[0].deployment.approval, c.services[0].deployment.checkTimeoutMinutes],
    is: [{ stage: "PRE_SCALE_UP", timeoutMinutes: 5, timeoutAction: "CONTINUE" }, 6],
  },
  {
    name: "every rolling setting",
    data: web({ deployment: { strategy: "rolling", circuitBreaker: false, minHealthyPercent: 50, maxPercent: 150, alarms: ["slo-burn"] } }),
    read: (c) => c.services[0].deployment,
    is: { strategy: "rolling", circuitBreaker: false, minHealthyPercent: 50, maxPercent: 150, bakeMinutes: 5, stepPercent: 10, stepBakeMinutes: 6, canaryPercent: 5, canaryBakeMinutes: 10, testTraffic: false, approval: undefined, alarms: ["slo-burn"], checkTimeoutMinutes: 30 },
  },
  {
    name: "every linear and canary setting",
    data: { imageRef: REF, services: { web: { port: 8080, deployment: { strategy: "linear", stepPercent: 12.5, stepBakeMinutes: 2, bakeMinutes: 0, testTraffic: false } }, api: { port: 9000, paths: ["/api/*"], deployment: { strategy: "canary", canaryPercent: 0.3, canaryBakeMinutes: 1 } } } },
    read: (c) => c.services.map((s) => s.deployment),
    is: [
      { strategy: "linear", circuitBreaker: false, minHealthyPercent: 100, maxPercent: 200, bakeMinutes: 0, stepPercent: 12.5, stepBakeMinutes: 2, canaryPercent: 5, canaryBakeMinutes: 10, testTraffic: false, approval: undefined, alarms: [], checkTimeoutMinutes: 30 + 7 * 2 },
      { strategy: "canary", circuitBreaker: false, minHealthyPercent: 100, maxPercent: 200, bakeMinutes: 5, stepPercent: 10, stepBakeMinutes: 6, canaryPercent: 0.3, canaryBakeMinutes: 1, testTraffic: true, approval: undefined, alarms: [], checkTimeoutMinutes: 30 + 1 + 5 },
    ],
  },
  {
    name: "every service setting",
    data: web({ cpu: 1024, memory: 3072, architecture: "x86_64", paths: undefined, healthCheckPath: "/ready", desiredCount: 4, minCount: 2, maxCount: 8, capacity: { base: 1, onDemandWeight: 1, spotWeight: 3 }, exec: true, readonlyRootFilesystem: false, user: "app:app", environment: { LOG_LEVEL: "debug", WORKERS: 4 }, secrets: { DB_PASSWORD: SSM }, command: ["node", "server.js"], autoscaling: { memory: 70, scaleInCooldown: 0, scaleOutCooldown: 3600 }, healthCheck: { command: ["CMD", "true"], interval: 300, timeout: 60, retries: 10, startPeriod: 0 } }),
    read: (c) => c.services[0],
    is: {
      name: "web", cpu: 1024, memory: 3072, architecture: "x86_64", port: 8080, paths: [], priority: undefined, healthCheckPath: "/ready", desiredCount: 4, minCount: 2, maxCount: 8,
      capacity: { base: 1, onDemandWeight: 1, spotWeight: 3 }, exec: true, readonlyRootFilesystem: false, user: "app:app", environment: { LOG_LEVEL: "debug", WORKERS: "4" }, secrets: { DB_PASSWORD: SSM },
      command: ["node", "server.js"], target: undefined,
      autoscaling: { cpu: undefined, memory: 70, requestsPerTarget: undefined, scaleInCooldown: 0, scaleOutCooldown: 3600 },
      healthCheck: { command: ["CMD", "true"], interval: 300, timeout: 60, retries: 10, startPeriod: 0 },
      deployment: { strategy: "rolling", circuitBreaker: true, minHealthyPercent: 100, maxPercent: 200, bakeMinutes: 5, stepPercent: 10, stepBakeMinutes: 6, canaryPercent: 5, canaryBakeMinutes: 10, testTraffic: false, approval: undefined, alarms: [], checkTimeoutMinutes: 30 },
    },
  },
  { name: "capacity on demand, by name", data: web({ capacity: "onDemand" }), read: (c) => c.services[0].capacity, is: { base: 0, onDemandWeight: 1, spotWeight: 0 } },
  { name: "a priority", data: { imageRef: REF, services: { web: { port: 8080 }, api: { port: 9000, paths: ["/api/*", "/v2/*"], priority: 7 } } }, read: (c) => [c.services[1].paths, c.services[1].priority], is: [["/api/*", "/v2/*"], 7] },
];

/** Each pattern whole, not in part: the accepted value, and values it must not accept with something before or after. */
const ANCHORS: { path: string; ok: unknown; bad: unknown[]; given?: Record<string, unknown> }[] = [
  { path: "network", ok: EXISTING, bad: [{ ...EXISTING, vpcId: `x${EXISTING.vpcId}` }, { ...EXISTING, vpcId: `${EXISTING.vpcId}x` }, { ...EXISTING, privateSubnetIds: ["xsubnet-0123456a"] }, { ...EXISTING, privateSubnetIds: ["subnet-0123456ax"] }] },
  { path: "network", ok: { stackReference: "acme/network/prod" }, bad: [{ stackReference: "!acme/network/prod" }, { stackReference: "acme/network/prod!" }] },
  { path: "network", ok: { cidr: "10.0.0.0/16" }, bad: [{ cidr: "x10.0.0.0/16" }, { cidr: "10.0.0.0/16x" }, { cidr: "10.0.0.0/15" }, { cidr: "10.0.0.0/25" }, { cidr: "10.0.0.256/24" }, { cidr: "10.0.0.1/24" }] },
  { path: "services.web.user", ok: "1000:1000", bad: ["!1000:1000", "1000:1000!"] },
  { path: "services.web.healthCheckPath", ok: "/ok", bad: ["x/ok", "/ok x"] },
  { path: "services.web.paths", ok: ["/api/*"], bad: [["x/api/*"], ["/api/* x"]], given: { "services.home": { port: 8081 } } },
  { path: "services.web.target", ok: "runtime", bad: ["!runtime", "runtime!"], given: { build: true, imageRef: undefined } },
  { path: "services.web.secrets", ok: { DB: SSM }, bad: [{ DB: `x${SSM}` }, { DB: `${SSM}\nx` }] },
  { path: "services.web.environment", ok: { A_1: "x" }, bad: [{ "1A": "x" }, { "A-": "x" }] },
  { path: "image.builders", ok: { "linux/arm64": "graviton" }, bad: [{ "linux/arm64": "!graviton" }, { "linux/arm64": "graviton!" }], given: { build: true, imageRef: undefined } },
  { path: "image.kmsKeyArn", ok: KMS, bad: [`x${KMS}`, `${KMS}!`, KMS.replace("aws:", "aws!:")], given: { build: true, imageRef: undefined } },
  { path: "image.pullThroughCache", ok: { "docker-hub": { credentialArn: HUB_SECRET } }, bad: [{ "docker-hub": { credentialArn: `x${HUB_SECRET}` } }, { "docker-hub": { credentialArn: `${HUB_SECRET}\nx` } }, { "docker-hub": { credentialArn: HUB_SECRET.replace("aws:", "aws!:") } }], given: { build: true, imageRef: undefined } },
  // ECR pull-through prefixes: 2-30 characters, starting with a letter or digit.
  { path: "image.pullThroughCache", ok: { quay: { prefix: `q${"x".repeat(29)}` } }, bad: [{ quay: { prefix: `q${"x".repeat(30)}` } }, { quay: { prefix: "q" } }, { quay: { prefix: "!qq" } }, { quay: { prefix: "qq!" } }, { quay: { prefix: "q!q" } }], given: { build: true, imageRef: undefined } },
  { path: "certificateArn", ok: CERT, bad: [`x${CERT}`, `${CERT}!`] },
  { path: "cluster.arn", ok: CLUSTER, bad: [`x${CLUSTER}`, `${CLUSTER}!`] },
  { path: "loadBalancer.accessLogs", ok: { bucket: "acme-logs", prefix: "alb" }, bad: [{ bucket: "!acme-logs" }, { bucket: "acme-logs!" }, { bucket: "acme-logs", prefix: "alb/" }] },
  { path: "services.web.deployment.alarms", ok: ["a b"], bad: [[" a"], ["a".repeat(256)]] },
];

describe("config values, exactly as the program receives them", () => {
  for (const c of PARSED) {
    it(`reads ${c.name}`, () => {
      expect(JSON.parse(JSON.stringify(c.read(parse(c.data)) ?? null))).to.deep.equal(JSON.parse(JSON.stringify(c.is ?? null)));
    });
  }
});

describe("config patterns match whole values", () => {
  for (const a of ANCHORS) {
    it(`${a.path}: accepts ${JSON.stringify(a.ok)}, refuses ${a.bad.length} near misses`, () => {
      const make = (v: unknown) => {
        const data: Record<string, unknown> = { imageRef: REF, services: { web: { port: 8080 } } };
        for (const [p, g] of Object.entries(a.given ?? {})) setPath(data, p, g);
        return setPath(data, a.path, v);
      };
      expect(problemsFor(make(a.ok))).to.deep.equal([]);
      for (const bad of a.bad) expect(problemsFor(make(bad)), JSON.stringify(bad)).not.to.deep.equal([]);
    });
  }
});

describe("reading values as config arrives (structured values, and top-level values as text)", () => {
  const read = (f: (r: Reader) => unknown) => {
    const r = new Reader(new Set(["ferry:token"]));
    return { value: f(r), problems: r.problems.map(formatProblem) };
  };
  it("integers and numbers: numbers, or text that is exactly one", () => {
    const integers: [unknown, unknown][] = [[5, 5], ["5", 5], [" 5 ", 5], ["-3", -3], ["5x", undefined], ["x5", undefined], ["5.5", undefined], [5.5, undefined], ["12", 12], ["", undefined], [true, undefined]];
    expect(integers.map(([v]) => [v, read((r) => r.integer("k", v, -10, 20)).value])).to.deep.equal(integers);
    const numbers: [unknown, unknown][] = [[5.5, 5.5], ["5.5", 5.5], [" 0.25 ", 0.25], ["-1.5", -1.5], ["5.", undefined], [".5", undefined], ["5.5x", undefined], ["x5.5", undefined], ["1e1", undefined], [Infinity, undefined], ["15", 15]];
    expect(numbers.map(([v]) => [v, read((r) => r.number("k", v, -10, 20)).value])).to.deep.equal(numbers);
    expect(read((r) => r.integer("k", 21, -10, 20)).problems).to.deep.equal(["k: got 21; an integer from -10 to 20"]);
    expect(read((r) => r.number("k", -10.5, -10, 20)).problems).to.deep.equal(["k: got -10.5; a number from -10 to 20"]);
  });

  it("shows what was given as it was written: numbers and booleans plain, text quoted, secrets never, long values cut", () => {
    const shown = (key: string, v: unknown) => read((r) => r.report(key, v, "x")).problems[0];
    expect([shown("k", "12"), shown("k", "-1.5"), shown("k", "true"), shown("k", "1.5.2"), shown("k", "1."), shown("k", "yes"), shown("k", 3), shown("k", undefined), shown("ferry:token.a", "s3cr3t")]).to.deep.equal([
      "k: got 12; x", "k: got -1.5; x", "k: got true; x", `k: got "1.5.2"; x`, `k: got "1."; x`, `k: got "yes"; x`, "k: got 3; x", "k: got (missing); x", "ferry:token.a: got [secret]; x",
    ]);
    expect(shown("k", "a".repeat(198))).to.equal(`k: got "${"a".repeat(198)}"; x`);
    expect(shown("k", "a".repeat(199))).to.equal(`k: got "${"a".repeat(196)}...; x`);
  });

  it("names the closest known key within two edits, and every known key", () => {
    const unknown = (key: string) => read((r) => r.unknownKey(key, 1, ["memory", "cpu", "port"])).problems[0];
    expect([unknown("s.memroy"), unknown("ferry:memory2"), unknown("s.cpuu"), unknown("s.potr"), unknown("s.xyz"), unknown("s.MEMORY"), unknown("s.memoryxyz")]).to.deep.equal([
      `s.memroy: got 1; unknown key (did you mean "memory"?); known keys: memory, cpu, port`,
      `ferry:memory2: got 1; unknown key (did you mean "memory"?); known keys: memory, cpu, port`,
      `s.cpuu: got 1; unknown key (did you mean "cpu"?); known keys: memory, cpu, port`,
      `s.potr: got 1; unknown key (did you mean "port"?); known keys: memory, cpu, port`,
      `s.xyz: got 1; unknown key; known keys: memory, cpu, port`,
      `s.MEMORY: got 1; unknown key (did you mean "memory"?); known keys: memory, cpu, port`,
      `s.memoryxyz: got 1; unknown key; known keys: memory, cpu, port`,
    ]);
    // The nearest wins, not the first within two edits.
    expect(read((r) => r.unknownKey("a.abxz", 1, ["abcd", "abxy"])).problems[0]).to.contain(`did you mean "abxy"?`);
    expect(read((r) => r.unknownKey("a.abcz", 1, ["abcd", "abxy"])).problems[0]).to.contain(`did you mean "abcd"?`);
  });

  it("strings, choices, objects and lists say what they wanted", () => {
    expect([
      read((r) => r.string("k", "", {})).problems,
      read((r) => r.string("k", "b", { pattern: /^a$/ })).problems,
      read((r) => r.oneOf("k", "c", ["a", "b"])).problems,
      read((r) => r.oneOf("k", 1, ["a", "1"])).problems,
      read((r) => r.anyObject("k", [1])).problems,
      read((r) => r.anyObject("k", null)).problems,
      read((r) => r.list("k", "a")).problems,
    ]).to.deep.equal([["k: got \"\"; a non-empty string"], ["k: got \"b\"; a string matching /^a$/"], [`k: got "c"; one of "a", "b"`], [`k: got 1; one of "a", "1"`], ["k: got [1]; an object (a YAML mapping)"], ["k: got null; an object (a YAML mapping)"], [`k: got "a"; a list`]]);
  });
});

describe("the stack's AWS access, case by case", () => {
  it("reads role durations as pulumi-aws writes them, and ignores what it cannot read", () => {
    const duration = (d: unknown) => readAwsAccess({ "aws:assumeRoles": JSON.stringify([{ roleArn: "arn:aws:iam::1:role/r", duration: d }]) }).assumeRoles[0].durationSeconds;
    const cases: [unknown, number | undefined][] = [["1h", 3600], ["15m", 900], ["900s", 900], ["1h30m", 5400], ["1h2m3s", 3723], ["2m3s", 123], ["", undefined], ["1d", undefined], ["x1h", undefined], ["1hx", undefined], ["m", undefined], [900, undefined]];
    expect(cases.map(([d]) => [d, duration(d)])).to.deep.equal(cases);
  });

  it("keeps only well-formed roles, strings in file lists, an ECS endpoint, and static keys only as a pair", () => {
    const access = readAwsAccess({
      "aws:assumeRoles": JSON.stringify([null, { roleArn: 3 }, { roleArn: "arn:aws:iam::1:role/a", sessionName: 3, externalId: ["x"] }]),
      "aws:sharedCredentialsFiles": JSON.stringify(["/c", 3]),
      "aws:sharedConfigFiles": "not json",
      "aws:endpoints": JSON.stringify([null, { ecs: 3 }, { ecs: "http://127.0.0.1:1" }]),
      "aws:accessKey": "AKIA",
    });
    expect(access).to.deep.equal({ assumeRoles: [{ roleArn: "arn:aws:iam::1:role/a", sessionName: undefined, externalId: undefined, durationSeconds: undefined }], sharedCredentialsFiles: ["/c"], ecsEndpoint: "http://127.0.0.1:1" });
    expect(readAwsAccess({ "aws:secretKey": "s" }).staticKeys).to.equal(undefined);
    expect(readAwsAccess({ "aws:accessKey": "A", "aws:secretKey": "S", "aws:token": "T" }).staticKeys).to.deep.equal({ accessKeyId: "A", secretAccessKey: "S", sessionToken: "T" });
    expect(readAwsAccess({ "aws:endpoints": JSON.stringify({ ecs: "x" }), "aws:assumeRoles": JSON.stringify({ roleArn: "x" }) })).to.deep.equal({ assumeRoles: [] });
  });
});

describe("Fargate task sizes at the edges of ECS's table", () => {
  // ECS developer guide, "Task CPU and memory".
  const sizes: [number, number, boolean][] = [
    [256, 512, true], [256, 2048, true], [256, 3072, false],
    [512, 1024, true], [512, 4096, true], [512, 5120, false],
    [1024, 2048, true], [1024, 8192, true], [1024, 1024, false],
    [2048, 4096, true], [2048, 16384, true], [2048, 17408, false], [2048, 3072, false],
    [4096, 8192, true], [4096, 30720, true], [4096, 31744, false],
    [8192, 16384, true], [8192, 20480, true], [8192, 61440, true], [8192, 17408, false], [8192, 65536, false],
    [16384, 32768, true], [16384, 40960, true], [16384, 122880, true], [16384, 36864, false], [16384, 131072, false],
  ];
  it("accepts exactly the pairs in the table", () => {
    expect(sizes.map(([cpu, memory]) => [cpu, memory, problemsFor(web({ cpu, memory })).length === 0])).to.deep.equal(sizes);
  });
  it("names the allowed memory for the CPU chosen", () => {
    expect([2048, 4096, 8192, 16384].map((cpu) => problemsFor(web({ cpu, memory: 1 }))[0])).to.deep.equal([
      "ferry:services.web.memory: got 1; for cpu 2048, memory (MiB) one of 4096..16384 in steps of 1024",
      "ferry:services.web.memory: got 1; for cpu 4096, memory (MiB) one of 8192..30720 in steps of 1024",
      "ferry:services.web.memory: got 1; for cpu 8192, memory (MiB) one of 16384..61440 in steps of 4096",
      "ferry:services.web.memory: got 1; for cpu 16384, memory (MiB) one of 32768..122880 in steps of 8192",
    ]);
  });
});

describe("secrets and build arguments", () => {
  it("take SSM parameter and Secrets Manager ARNs in any partition, nothing else", () => {
    const arns: [string, boolean][] = [
      ["arn:aws:ssm:eu-west-1:123456789012:parameter/app/db", true],
      ["arn:aws-cn:ssm:cn-north-1:123456789012:parameter/db", true],
      ["arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:db-AbC", true],
      ["arn:aws:ssm:eu-west-1:12345678901:parameter/db", false],
      ["arn:aws:ssm:eu-west-1:123456789012:parameter/", false],
      ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:", false],
      ["arn:aws:secretsmanager:eu-west-1:123456789012:db", false],
      ["arn:aws1:ssm:eu-west-1:123456789012:parameter/db", false],
      ["arn:aws:ssm:EU:123456789012:parameter/db", false],
      ["arn:aws:s3:::bucket/db", false],
      ["xarn:aws:ssm:eu-west-1:123456789012:parameter/db", false],
      ["arn:aws:ssm:eu-west-1:123456789012:parameter/db\nx", false],
    ];
    expect(arns.map(([arn]) => [arn, problemsFor(web({ secrets: { DB: arn } })).length === 0])).to.deep.equal(arns);
  });
  it("build arguments: strings, numbers and booleans, as text", () => {
    expect(parse(building({ buildArgs: { A: "x", B: 2, C: false } })).image.buildArgs).to.deep.equal({ A: "x", B: "2", C: "false" });
    expect(problemsFor(building({ buildArgs: { A: null, B: ["x"] } }))).to.deep.equal([
      "ferry:image.buildArgs.A: got null; a string, number or boolean",
      `ferry:image.buildArgs.B: got ["x"]; a string, number or boolean`,
    ]);
  });
});
