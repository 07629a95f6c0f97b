/**
 * Config validation, rule by rule: for each rule one accepted and one refused value; the refusal
 * names the full key, the value given and what is allowed.
 */
import { expect } from "chai";
import { ConfigError, parseConfig } from "../config";
import { linearSteps, shiftMinutes } from "../config/deployment";
import { DIGEST, flat, problemsFor, REF, setPath } from "./support/configData";

/** A valid non-building stack, as structured data. */
function base(): Record<string, unknown> {
  return {
    imageRef: REF,
    services: { web: { cpu: 256, memory: 512, port: 8080 } },
  };
}

/** Turns the base config into a building stack. */
const BUILDING = { build: true, imageRef: undefined };

interface Rule {
  rule: string;
  path: string;
  ok: unknown;
  bad: unknown;
  /** Full key the refusal must name. @default `ferry:${path}` */
  key?: string;
  /** Text the refusal's "allowed" part must contain. */
  says: string;
  /** Changes applied before both values (e.g. switching the stack to building). */
  given?: Record<string, unknown>;
}

const RULES: Rule[] = [
  { rule: "architecture is arm64 or x86_64", path: "architecture", ok: "x86_64", bad: "amd64", says: `one of "arm64", "x86_64"` },
  { rule: "service architecture is arm64 or x86_64", path: "services.web.architecture", ok: "arm64", bad: "aarch64", says: `one of "arm64", "x86_64"` },
  { rule: "build is a boolean", path: "build", ok: "false", bad: "yes", says: "true or false" },
  { rule: "task cpu is a Fargate size", path: "services.web.cpu", ok: 512, bad: 300, says: "a Fargate CPU value: one of 256, 512, 1024", given: { "services.web.memory": 1024 } },
  { rule: "memory fits the cpu (table)", path: "services.web.memory", ok: 2048, bad: 4096, says: "for cpu 256, memory (MiB) one of 512, 1024, 2048" },
  { rule: "memory fits the cpu (steps)", path: "services.web.memory", ok: 3072, bad: 1536, says: "for cpu 512, memory (MiB) one of 1024..4096 in steps of 1024", given: { "services.web.cpu": 512 } },
  { rule: "desiredCount is a non-negative integer", path: "services.web.desiredCount", ok: 0, bad: -1, says: "an integer from 0 to 5000", given: { "services.web.minCount": 0 } },
  { rule: "counts are integers", path: "services.web.maxCount", ok: 4, bad: 2.5, says: "an integer from 0 to 5000" },
  { rule: "minCount <= desiredCount", path: "services.web.minCount", ok: 2, bad: 3, says: "at most desiredCount (2)", given: { "services.web.desiredCount": 2, "services.web.maxCount": 4 } },
  { rule: "desiredCount <= maxCount", path: "services.web.maxCount", ok: 2, bad: 1, says: "at least desiredCount (2)", given: { "services.web.desiredCount": 2, "services.web.minCount": 1 } },
  { rule: "a non-building stack needs imageRef", path: "imageRef", ok: REF, bad: undefined, says: "required when ferry:build is false" },
  { rule: "imageRef is pinned by digest, not a tag", path: "imageRef", ok: `ghcr.io/acme/app@sha256:${DIGEST}`, bad: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ferry:latest", says: "pinned by digest" },
  { rule: "imageRef with tag and digest is refused", path: "imageRef", ok: `registry.example.com:5000/app@sha256:${DIGEST}`, bad: `ferry:v1@sha256:${DIGEST}`, says: "tags are refused" },
  { rule: "a building stack has no imageRef", path: "imageRef", ok: undefined, bad: REF, says: "remove ferry:imageRef or set ferry:build false", given: { build: true } },
  { rule: "unknown top-level key", path: "architecure", ok: undefined, bad: "arm64", says: `unknown key (did you mean "architecture"?)` },
  { rule: "unknown service key", path: "services.web.memroy", ok: undefined, bad: 512, says: `unknown key (did you mean "memory"?)` },
  { rule: "unknown network key", path: "network.vpc", ok: undefined, bad: "vpc-12345678", says: "unknown key" },
  { rule: "port is 1..65535", path: "services.web.port", ok: 80, bad: 70000, says: "an integer from 1 to 65535" },
  { rule: "capacity shorthand", path: "services.web.capacity", ok: "spot", bad: "cheap", says: `"onDemand", "spot", or { base, onDemandWeight, spotWeight }` },
  { rule: "capacity weights not all zero", path: "services.web.capacity", ok: { base: 1, onDemandWeight: 1, spotWeight: 3 }, bad: { base: 1, onDemandWeight: 0, spotWeight: 0 }, says: "at least one of onDemandWeight and spotWeight above 0" },
  { rule: "deployment strategy", path: "services.web.deployment.strategy", ok: "rolling", bad: "yolo", says: `one of "rolling"` },
  { rule: "secrets are SSM or Secrets Manager ARNs", path: "services.web.secrets.DB_PASSWORD", ok: "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db", bad: "hunter2", says: "the ARN of an SSM parameter" , key: "ferry:services.web.secrets.DB_PASSWORD" },
  { rule: "environment names", path: "services.web.environment", ok: { LOG_LEVEL: "info" }, bad: { "LOG-LEVEL": "info" }, says: "a name matching", key: "ferry:services.web.environment.LOG-LEVEL" },
  { rule: "service names", path: "services", ok: { web: { port: 8080 } }, bad: { Web_1: { port: 8080 } }, says: "a service name of lowercase letters", key: "ferry:services.Web_1" },
  { rule: "at least one service", path: "services", ok: { web: {} }, bad: {}, says: "at least one service" },
  { rule: "one default route", path: "services", ok: { web: { port: 8080 }, api: { port: 8081, paths: ["/api/*"] } }, bad: { web: { port: 8080 }, api: { port: 8081 } }, says: "exactly one service with a port and no paths" },
  { rule: "paths need a port", path: "services.web", ok: { port: 8080 }, bad: { paths: ["/x"] }, says: "nothing unless the service has a port", key: "ferry:services.web.paths" },
  { rule: "log retention is a CloudWatch value", path: "logRetentionDays", ok: 14, bad: 10, says: "one of 0, 1, 3, 5, 7, 14" },
  { rule: "certificate is an ACM ARN", path: "certificateArn", ok: "arn:aws:acm:eu-west-1:123456789012:certificate/abc-123", bad: "my-cert", says: "the ARN of an ACM certificate" },
  { rule: "network vpc id", path: "network", ok: { vpcId: "vpc-0123456789abcdef0", publicSubnetIds: ["subnet-01234567", "subnet-01234568"], privateSubnetIds: ["subnet-01234569"] }, bad: { vpcId: "my-vpc", publicSubnetIds: ["subnet-01234567", "subnet-01234568"], privateSubnetIds: ["subnet-01234569"] }, says: "a VPC id", key: "ferry:network.vpcId" },
  { rule: "two public subnets for the ALB", path: "network", ok: { vpcId: "vpc-01234567", publicSubnetIds: ["subnet-01234567", "subnet-01234568"], privateSubnetIds: ["subnet-01234569"] }, bad: { vpcId: "vpc-01234567", publicSubnetIds: ["subnet-01234567"], privateSubnetIds: ["subnet-01234569"] }, says: "at least 2 subnet ids", key: "ferry:network.publicSubnetIds" },
  { rule: "network cidr", path: "network.cidr", ok: "10.20.0.0/16", bad: "10.20.0.0/8", says: "prefix from /16 to /24" },
  { rule: "stack reference alone", path: "network", ok: { stackReference: "acme/network/prod" }, bad: { stackReference: "acme/network/prod", cidr: "10.0.0.0/16" }, says: "alone: remove ferry:network.cidr", key: "ferry:network.stackReference" },
  { rule: "image settings only in a building stack", path: "image", ok: undefined, bad: { cache: false }, says: "nothing: this stack does not build" },
  { rule: "image platforms", path: "image.platforms", ok: ["linux/arm64"], bad: ["linux/s390x"], says: `one of "linux/amd64", "linux/arm64"`, key: "ferry:image.platforms[0]", given: BUILDING },
  { rule: "services run an architecture the stack builds", path: "services.web.architecture", ok: "x86_64", bad: "arm64", says: "an architecture this stack builds", given: { ...BUILDING, "image.platforms": ["linux/amd64"] } },
  { rule: "image build mode", path: "image.mode", ok: "multiPlatform", bad: "both", says: `one of "perPlatform", "multiPlatform"`, given: BUILDING },
  { rule: "builders per known platform", path: "image.builders", ok: { "linux/arm64": "graviton" }, bad: { "linux/arm": "graviton" }, says: "unknown key", key: "ferry:image.builders.linux/arm", given: BUILDING },
  { rule: "Docker Hub pull-through cache needs a credential", path: "image.pullThroughCache", ok: { "ecr-public": {} }, bad: { "docker-hub": {} }, says: "docker-hub requires authentication", key: "ferry:image.pullThroughCache.docker-hub.credentialArn", given: BUILDING },
  { rule: "pull-through credentials are ecr-pullthroughcache/ secrets", path: "image.pullThroughCache.docker-hub.credentialArn", ok: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/hub-AbC", bad: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:hub-AbC", says: "whose name starts with ecr-pullthroughcache/", given: BUILDING },
  { rule: "unknown pull-through upstream", path: "image.pullThroughCache", ok: { quay: {} }, bad: { dockerhub: {} }, says: `unknown key (did you mean "docker-hub"?)`, key: "ferry:image.pullThroughCache.dockerhub", given: BUILDING },
  { rule: "builds kept", path: "image.keepBuilds", ok: 10, bad: 0, says: "an integer from 1 to 1000", given: BUILDING },
  { rule: "repository KMS key", path: "image.kmsKeyArn", ok: "arn:aws:kms:eu-west-1:123456789012:alias/ecr", bad: "alias/ecr", says: "a KMS key or alias ARN", given: BUILDING },
  { rule: "traffic-shifting strategies need a port", path: "services.worker", ok: { deployment: { strategy: "rolling" } }, bad: { deployment: { strategy: "blueGreen" } }, says: `"rolling" for a service without a port`, key: "ferry:services.worker.deployment.strategy" },
  { rule: "settings of another strategy are refused", path: "services.web.deployment", ok: { strategy: "canary", canaryPercent: 10 }, bad: { strategy: "rolling", canaryPercent: 10 }, says: `nothing unless strategy is "canary" (it is "rolling")`, key: "ferry:services.web.deployment.canaryPercent" },
  { rule: "linear step 3..100 percent", path: "services.web.deployment", ok: { strategy: "linear", stepPercent: 3 }, bad: { strategy: "linear", stepPercent: 2 }, says: "a number from 3 to 100", key: "ferry:services.web.deployment.stepPercent" },
  { rule: "canary share 0.1..100 percent", path: "services.web.deployment", ok: { strategy: "canary", canaryPercent: 0.1 }, bad: { strategy: "canary", canaryPercent: 0.05 }, says: "a number from 0.1 to 100", key: "ferry:services.web.deployment.canaryPercent" },
  { rule: "bake time 0..1440 minutes", path: "services.web.deployment", ok: { strategy: "blueGreen", bakeMinutes: 1440 }, bad: { strategy: "blueGreen", bakeMinutes: 1441 }, says: "an integer from 0 to 1440", key: "ferry:services.web.deployment.bakeMinutes" },
  { rule: "no PAUSE at traffic-shift stages", path: "services.web.deployment", ok: { strategy: "blueGreen", approval: { stage: "POST_TEST_TRAFFIC_SHIFT" } }, bad: { strategy: "blueGreen", approval: { stage: "TEST_TRAFFIC_SHIFT" } }, says: "ECS refuses PAUSE hooks at TEST_TRAFFIC_SHIFT", key: "ferry:services.web.deployment.approval.stage" },
  { rule: "approval timeout 1..20160 minutes", path: "services.web.deployment", ok: { strategy: "canary", approval: { timeoutMinutes: 20160 } }, bad: { strategy: "canary", approval: { timeoutMinutes: 20161 } }, says: "an integer from 1 to 20160", key: "ferry:services.web.deployment.approval.timeoutMinutes" },
  { rule: "approval only for traffic-shifting strategies", path: "services.web.deployment", ok: { strategy: "linear", approval: true }, bad: { strategy: "rolling", approval: true }, says: `nothing unless strategy is "blueGreen" or "linear" or "canary"`, key: "ferry:services.web.deployment.approval" },
  { rule: "the check outlasts the approval", path: "services.web.deployment", ok: { strategy: "blueGreen", approval: { timeoutMinutes: 60 }, checkTimeoutMinutes: 90 }, bad: { strategy: "blueGreen", approval: { timeoutMinutes: 60 }, checkTimeoutMinutes: 45 }, says: "more than approval.timeoutMinutes (60)", key: "ferry:services.web.deployment.checkTimeoutMinutes" },
  { rule: "rolling needs room to replace tasks", path: "services.web.deployment", ok: { minHealthyPercent: 100, maxPercent: 150 }, bad: { minHealthyPercent: 100, maxPercent: 100 }, says: "more than minHealthyPercent (100)", key: "ferry:services.web.deployment.maxPercent" },
  { rule: "autoscaling needs room between min and max", path: "services.web", ok: { port: 8080, minCount: 1, maxCount: 3, autoscaling: { cpu: 50 } }, bad: { port: 8080, autoscaling: { cpu: 50 } }, says: "there is no room to scale", key: "ferry:services.web.autoscaling" },
  { rule: "request-count scaling needs a port", path: "services.worker", ok: { maxCount: 3, autoscaling: { cpu: 70 } }, bad: { maxCount: 3, autoscaling: { requestsPerTarget: 100 } }, says: "nothing for a service without a port", key: "ferry:services.worker.autoscaling.requestsPerTarget" },
  { rule: "request-count scaling only with rolling deployments", path: "services.web", ok: { port: 8080, maxCount: 3, autoscaling: { requestsPerTarget: 100 } }, bad: { port: 8080, maxCount: 3, deployment: { strategy: "blueGreen" }, autoscaling: { requestsPerTarget: 100 } }, says: "the target group serving traffic changes", key: "ferry:services.web.autoscaling.requestsPerTarget" },
  { rule: "container health check command", path: "services.web.healthCheck", ok: { command: ["CMD-SHELL", "true"] }, bad: { command: ["curl", "-f", "localhost"] }, says: `a list starting with "CMD" or "CMD-SHELL"`, key: "ferry:services.web.healthCheck.command" },
  { rule: "container health check interval 5..300 s", path: "services.web.healthCheck", ok: { command: ["CMD", "true"], interval: 5 }, bad: { command: ["CMD", "true"], interval: 4 }, says: "an integer from 5 to 300", key: "ferry:services.web.healthCheck.interval" },
  { rule: "ECS Exec needs a writable root filesystem", path: "services.web", ok: { port: 8080, exec: true }, bad: { port: 8080, exec: true, readonlyRootFilesystem: true }, says: "the ECS Exec agent needs a writable root filesystem", key: "ferry:services.web.readonlyRootFilesystem" },
  { rule: "containers never run as root", path: "services.web.user", ok: "1000:1000", bad: "root", says: "a non-root user" },
  { rule: "load balancer idle timeout", path: "loadBalancer.idleTimeout", ok: 4000, bad: 4001, says: "an integer from 1 to 4000" },
  { rule: "access logs need a bucket", path: "loadBalancer.accessLogs", ok: { bucket: "acme-logs" }, bad: { prefix: "x" }, says: "an S3 bucket name", key: "ferry:loadBalancer.accessLogs.bucket" },
  { rule: "existing cluster ARN", path: "cluster.arn", ok: "arn:aws:ecs:eu-west-1:123456789012:cluster/shared", bad: "shared", says: "an ECS cluster ARN" },
  { rule: "a non-building stack runs only the targets it pins", path: "services.web.target", ok: undefined, bad: "runtime", says: "a target this stack runs: ferry:imageRef is one image" },
  { rule: "a service's target is one ferry:imageRefs pins", path: "services.web.target", ok: "worker", bad: "api", says: "a target this stack runs: ferry:imageRefs pins default, worker", given: { imageRef: undefined, imageRefs: { default: REF, worker: REF } } },
  { rule: "ferry:imageRefs has an image for services without a target", path: "imageRefs", ok: { default: REF, worker: REF }, bad: { worker: REF }, says: `an image for "default": service "web" sets no target`, given: { imageRef: undefined } },
  { rule: "ferry:imageRefs pins by digest", path: "imageRefs", ok: { default: REF }, bad: { default: "ferry:latest" }, says: "an image pinned by digest", key: "ferry:imageRefs.default", given: { imageRef: undefined } },
  { rule: "ferry:imageRef and ferry:imageRefs are not both set", path: "imageRefs", ok: undefined, bad: { default: REF }, says: "nothing together with ferry:imageRefs", key: "ferry:imageRef" },
  { rule: "ferry:imageRefs only in stacks that do not build", path: "imageRefs", ok: undefined, bad: { default: REF }, says: "a stack with ferry:build true deploys the images it builds", given: BUILDING },
];

const P = (n: number) => `/${"p".repeat(n - 1)}`;
const CMD = ["CMD", "true"];

/** AWS's limits, each just inside (ok) and just outside (bad); the source of each is named. */
const BOUNDARIES: Rule[] = [
  // ELBv2 PathPatternConditionConfig.Values: at most 128 characters each.
  { rule: "a path pattern is at most 128 characters", path: "services.api", ok: { port: 9000, paths: [P(128)] }, bad: { port: 9000, paths: [P(129)] }, says: "a path pattern of 1-128 characters", key: "ferry:services.api.paths[0]", given: { "services.web": { port: 8080 } } },
  // ELB quotas: 5 condition values per rule.
  { rule: "a rolling service's paths fit one rule: 5", path: "services.api", ok: { port: 9000, paths: ["/a", "/b", "/c", "/d", "/e"] }, bad: { port: 9000, paths: ["/a", "/b", "/c", "/d", "/e", "/f"] }, says: "at most 5 path patterns", key: "ferry:services.api.paths", given: { "services.web": { port: 8080 } } },
  { rule: "with test traffic the header takes one of the 5", path: "services.api", ok: { port: 9000, paths: ["/a", "/b", "/c", "/d"], deployment: { strategy: "blueGreen" } }, bad: { port: 9000, paths: ["/a", "/b", "/c", "/d", "/e"], deployment: { strategy: "blueGreen" } }, says: "at most 4 path patterns", key: "ferry:services.api.paths", given: { "services.web": { port: 8080 } } },
  { rule: "without test traffic all 5 are paths", path: "services.api", ok: { port: 9000, paths: ["/a", "/b", "/c", "/d", "/e"], deployment: { strategy: "canary", testTraffic: false } }, bad: { port: 9000, paths: ["/a", "/b", "/c", "/d", "/e", "/f"], deployment: { strategy: "canary", testTraffic: false } }, says: "at most 5 path patterns", key: "ferry:services.api.paths", given: { "services.web": { port: 8080 } } },
  // ELBv2 CreateTargetGroup HealthCheckPath: 1-1024 characters.
  { rule: "a target group health-check path is at most 1024 characters", path: "services.web.healthCheckPath", ok: P(1024), bad: P(1025), says: "a path of 1-1024 characters" },
  // ECS HealthCheck: timeout 2-60, interval 5-300, retries 1-10, startPeriod 0-300.
  { rule: "container health check timeout at most 60 s", path: "services.web.healthCheck", ok: { command: CMD, timeout: 60 }, bad: { command: CMD, timeout: 61 }, says: "an integer from 2 to 60", key: "ferry:services.web.healthCheck.timeout" },
  { rule: "container health check timeout at least 2 s", path: "services.web.healthCheck", ok: { command: CMD, timeout: 2 }, bad: { command: CMD, timeout: 1 }, says: "an integer from 2 to 60", key: "ferry:services.web.healthCheck.timeout" },
  { rule: "container health check interval at most 300 s", path: "services.web.healthCheck", ok: { command: CMD, interval: 300 }, bad: { command: CMD, interval: 301 }, says: "an integer from 5 to 300", key: "ferry:services.web.healthCheck.interval" },
  { rule: "container health check retries 1-10", path: "services.web.healthCheck", ok: { command: CMD, retries: 10 }, bad: { command: CMD, retries: 11 }, says: "an integer from 1 to 10", key: "ferry:services.web.healthCheck.retries" },
  { rule: "container health check start period at most 300 s", path: "services.web.healthCheck", ok: { command: CMD, startPeriod: 300 }, bad: { command: CMD, startPeriod: 301 }, says: "an integer from 0 to 300", key: "ferry:services.web.healthCheck.startPeriod" },
  // ECS LinearConfiguration.stepPercent: multiples of 0.1 from 3.0 to 100.0.
  { rule: "linear steps are tenths of a percent", path: "services.web.deployment", ok: { strategy: "linear", stepPercent: 12.5 }, bad: { strategy: "linear", stepPercent: 12.55 }, says: "a multiple of 0.1 from 3 to 100", key: "ferry:services.web.deployment.stepPercent" },
  { rule: "linear steps at most 100 percent", path: "services.web.deployment", ok: { strategy: "linear", stepPercent: 100 }, bad: { strategy: "linear", stepPercent: 100.1 }, says: "a number from 3 to 100", key: "ferry:services.web.deployment.stepPercent" },
  // ECS CanaryConfiguration.canaryPercent: multiples of 0.1 from 0.1 to 100.0.
  { rule: "canary shares are tenths of a percent", path: "services.web.deployment", ok: { strategy: "canary", canaryPercent: 0.2 }, bad: { strategy: "canary", canaryPercent: 0.15 }, says: "a multiple of 0.1 from 0.1 to 100", key: "ferry:services.web.deployment.canaryPercent" },
  // ECS DeploymentLifecycleHook: PAUSE is refused only at TEST_TRAFFIC_SHIFT and PRODUCTION_TRAFFIC_SHIFT.
  { rule: "PAUSE before production traffic is allowed, at it is not", path: "services.web.deployment", ok: { strategy: "linear", approval: { stage: "PRE_PRODUCTION_TRAFFIC_SHIFT" } }, bad: { strategy: "linear", approval: { stage: "PRODUCTION_TRAFFIC_SHIFT" } }, says: "ECS refuses PAUSE hooks at PRODUCTION_TRAFFIC_SHIFT", key: "ferry:services.web.deployment.approval.stage" },
  // ELBv2 CreateListener: the certificate must be in the load balancer's region.
  { rule: "the certificate is in the stack's region", path: "certificateArn", ok: "arn:aws:acm:eu-west-1:123456789012:certificate/abc-123", bad: "arn:aws:acm:us-east-1:123456789012:certificate/abc-123", says: "an ACM certificate in the stack's region eu-west-1", given: { "aws:region": "eu-west-1" } },
  // Target group names: 32 characters, of which Pulumi's suffix takes 8: <service>-green at most 24.
  { rule: "a traffic-shifting service's name fits its green target group name (18 characters)", path: "services", ok: { ["c".repeat(18)]: { port: 8080, deployment: { strategy: "blueGreen" } } }, bad: { ["c".repeat(19)]: { port: 8080, deployment: { strategy: "blueGreen" } } }, says: `"${"c".repeat(19)}-green" (25) must be at most 24`, key: `ferry:services.${"c".repeat(19)}` },
  { rule: "a rolling service's name is free up to 24 characters", path: "services", ok: { ["c".repeat(24)]: { port: 8080 } }, bad: { ["c".repeat(25)]: { port: 8080 } }, says: "at most 24 characters", key: `ferry:services.${"c".repeat(25)}` },
  // Rule priorities (lib/routing.ts): slots 1..4999, unique, only for services with paths.
  { rule: "priority at most 4999", path: "services.api", ok: { port: 9000, paths: ["/api/*"], priority: 4999 }, bad: { port: 9000, paths: ["/api/*"], priority: 5000 }, says: "an integer from 1 to 4999", key: "ferry:services.api.priority", given: { "services.web": { port: 8080 } } },
  { rule: "priority at least 1", path: "services.api", ok: { port: 9000, paths: ["/api/*"], priority: 1 }, bad: { port: 9000, paths: ["/api/*"], priority: 0 }, says: "an integer from 1 to 4999", key: "ferry:services.api.priority", given: { "services.web": { port: 8080 } } },
  { rule: "priority only with paths", path: "services.web", ok: { port: 8080 }, bad: { port: 8080, priority: 3 }, says: "nothing for a service without paths", key: "ferry:services.web.priority" },
  { rule: "priorities are unique", path: "services.admin", ok: { port: 9001, paths: ["/admin/*"], priority: 2 }, bad: { port: 9001, paths: ["/admin/*"], priority: 1 }, says: "a priority no other service has (api has 1)", key: "ferry:services.admin.priority", given: { "services.web": { port: 8080 }, "services.api": { port: 9000, paths: ["/api/*"], priority: 1 } } },
  // Access logs.
  { rule: "access logs: true creates the bucket", path: "loadBalancer.accessLogs", ok: true, bad: "yes", says: "true (Ferry creates the log bucket), false, or { bucket, prefix? }" },
  { rule: "an access log prefix never contains AWSLogs", path: "loadBalancer.accessLogs", ok: { bucket: "acme-logs", prefix: "alb/prod" }, bad: { bucket: "acme-logs", prefix: "AWSLogs/prod" }, says: "without \"AWSLogs\"", key: "ferry:loadBalancer.accessLogs.prefix" },
];

describe("config validation", () => {
  it("accepts the base config", () => {
    expect(problemsFor(base())).to.deep.equal([]);
  });

  for (const r of [...RULES, ...BOUNDARIES]) {
    describe(r.rule, () => {
      const make = (value: unknown) => {
        const data = base();
        for (const [p, v] of Object.entries(r.given ?? {})) setPath(data, p, v);
        return setPath(data, r.path, value);
      };
      const show = (v: unknown) => (JSON.stringify(v) ?? "undefined").replace(/(.)\1{9,}/g, (run, c) => `${c}×${run.length}`);
      it(`accepts ${show(r.ok)}`, () => {
        expect(problemsFor(make(r.ok))).to.deep.equal([]);
      });
      it(`refuses ${show(r.bad)}, naming the key and what is allowed`, () => {
        const problems = problemsFor(make(r.bad));
        const key = r.key ?? `ferry:${r.path}`;
        const hit = problems.find((p) => p.startsWith(`${key}: `));
        expect(hit, `a problem for ${key} among:\n${problems.join("\n")}`).to.be.a("string");
        expect(hit).to.contain(r.says);
        // Messages shorten values past 200 characters.
        if (r.bad !== undefined && typeof r.bad !== "object") expect(hit).to.contain(`got ${JSON.stringify(r.bad)}`.slice(0, 150));
      });
    });
  }

  describe("stack names (resource names are made from them)", () => {
    const routed = { imageRef: REF, services: { web: { port: 8080 } } };
    const unrouted = (service: string) => ({ imageRef: REF, services: { [service]: {} } });
    const cases: { stack: string; data: Record<string, unknown>; problem?: string }[] = [
      // The load balancer: ferry-<stack> + 8 ≤ 32.
      { stack: "a".repeat(18), data: routed },
      { stack: "a".repeat(19), data: routed, problem: "load balancer names are at most 32 characters" },
      // Without a load balancer the roles bound it: ferry-<stack>-<service>-execution + 8 ≤ 64.
      { stack: "a".repeat(30), data: unrouted("w".repeat(9)) },
      { stack: "a".repeat(30), data: unrouted("w".repeat(10)), problem: "IAM role names are at most 64 characters" },
      { stack: "prod-eu-1", data: routed },
      { stack: "Prod_EU", data: routed, problem: "lowercase letters, digits and hyphens" },
      { stack: "prod-", data: routed, problem: "lowercase letters, digits and hyphens" },
    ];
    for (const c of cases) {
      it(`${c.problem ? "refuses" : "accepts"} stack "${c.stack}" (${Object.keys(c.data.services as object)[0]})`, () => {
        const problems = problemsFor(c.data, [], c.stack);
        if (!c.problem) expect(problems).to.deep.equal([]);
        else expect(problems.join("\n")).to.match(new RegExp(`^(stack|ferry:services\\.\\w+): got "${c.stack === "Prod_EU" || c.stack === "prod-" ? c.stack : "[a-z]+"}"; .*${c.problem}`, "m"));
      });
    }
  });

  it("takes the project's name into the names: a longer project leaves less room, and it must be lowercase", () => {
    const routed = flat({ imageRef: REF, services: { web: { port: 8080 } } });
    expect(() => parseConfig("prod", routed, [], "payments")).not.to.throw();
    // <project>-<stack> + 8 ≤ 32: "payments-platform-prod" is 22 characters.
    expect(() => parseConfig("production", routed, [], "payments-platform")).to.throw(`"payments-platform-production" (28) must be at most 24`);
    expect(() => parseConfig("prod", routed, [], "My_Team")).to.throw(`project: got "My_Team"; a Pulumi project name (Pulumi.yaml name) AWS accepts`);
  });

  it("reports every problem at once", () => {
    const data = base();
    setPath(data, "architecture", "amd64");
    setPath(data, "services.web.memory", 300);
    setPath(data, "services.web.desiredCount", -2);
    setPath(data, "bogus", 1);
    expect(problemsFor(data).map((p) => p.split(":").slice(0, 2).join(":"))).to.have.members([
      "ferry:architecture",
      "ferry:services.web.memory",
      "ferry:services.web.desiredCount",
      "ferry:bogus",
    ]);
  });

  it("never echoes a secret value", () => {
    const data = base();
    setPath(data, "services.web.secrets.TOKEN", "s3cr3t-value");
    const problems = problemsFor(data, ["ferry:services"]);
    expect(problems.join("\n")).to.contain("ferry:services.web.secrets.TOKEN: got [secret]");
    expect(problems.join("\n")).not.to.contain("s3cr3t-value");
  });

  it("answers any wrongly typed value with a ConfigError, never a crash", () => {
    const junk = [null, 42, -1, "x", "", [], ["x"], {}, { x: 1 }, true];
    const paths = [
      ...["build", "imageRef", "architecture", "image", "network", "certificateArn", "logRetentionDays", "services"],
      ...["cpu", "memory", "architecture", "port", "paths", "healthCheckPath", "desiredCount", "minCount", "maxCount", "capacity", "deployment", "environment", "secrets", "target", "command"].map((k) => `services.web.${k}`),
      ...["context", "dockerfile", "buildArgs", "platforms", "mode", "cache", "builders", "keepBuilds", "cacheDays", "kmsKeyArn", "pullThroughCache", "pullThroughCache.docker-hub"].map((k) => `image.${k}`),
      ...["cidr", "vpcId", "publicSubnetIds", "privateSubnetIds", "stackReference"].map((k) => `network.${k}`),
      "services.web.capacity.base",
      "services.web.deployment.strategy",
    ];
    for (const path of paths) {
      for (const value of junk) {
        const data = setPath(setPath(setPath(base(), "build", true), "imageRef", undefined), path, value);
        try {
          parseConfig("test", flat(data));
        } catch (err) {
          expect(err, `${path} = ${JSON.stringify(value)}`).to.be.instanceOf(ConfigError);
        }
      }
    }
  });

  it("fills the defaults the README documents, exactly", () => {
    const c = parseConfig("test", flat({ imageRef: REF, services: { web: { port: 8080 }, worker: {} } }));
    const rolling = { strategy: "rolling", circuitBreaker: true, minHealthyPercent: 100, maxPercent: 200, bakeMinutes: 5, stepPercent: 10, stepBakeMinutes: 6, canaryPercent: 5, canaryBakeMinutes: 10, testTraffic: false, alarms: [], checkTimeoutMinutes: 30 };
    const service = { cpu: 256, memory: 512, architecture: "arm64", paths: [], healthCheckPath: "/healthz", desiredCount: 1, minCount: 1, maxCount: 1, capacity: { base: 0, onDemandWeight: 1, spotWeight: 0 }, deployment: rolling, exec: false, readonlyRootFilesystem: true, user: "1000:1000", environment: {}, secrets: {} };
    // JSON drops the keys left undefined (no autoscaling, health check, target, command, approval).
    expect(JSON.parse(JSON.stringify(c))).to.deep.equal({
      project: "ferry",
      stack: "test",
      build: false,
      imageRef: REF,
      images: { default: REF },
      architecture: "arm64",
      image: { context: "app", dockerfile: "app/Dockerfile", buildArgs: {}, platforms: ["linux/amd64", "linux/arm64"], mode: "perPlatform", cache: true, builders: {}, keepBuilds: 30, cacheDays: 14, pullThroughCache: [] },
      network: { mode: "create", cidr: "10.0.0.0/16", natGateway: true },
      cluster: { containerInsights: true },
      loadBalancer: { deletionProtection: false, idleTimeout: 60 },
      logRetentionDays: 30,
      promotion: { scanGate: true },
      cost: { spotDiscountPercent: 70 },
      services: [
        { name: "web", port: 8080, ...service },
        { name: "worker", ...service },
      ],
    });
  });

  it("fills the defaults that depend on other settings", () => {
    const svc = (settings: Record<string, unknown>, stack: Record<string, unknown> = {}) => parseConfig("test", flat({ imageRef: REF, ...stack, services: { web: { port: 8080, ...settings } } })).services[0];
    // Traffic-shifting strategies send test traffic unless told not to; approval's defaults.
    expect(svc({ deployment: { strategy: "blueGreen", approval: true } }).deployment).to.deep.include({ testTraffic: true, approval: { stage: "POST_TEST_TRAFFIC_SHIFT", timeoutMinutes: 60, timeoutAction: "ROLLBACK" } });
    // The check waits 30 minutes plus the approval's timeout plus the bake.
    expect(svc({ deployment: { strategy: "blueGreen", bakeMinutes: 7, approval: { timeoutMinutes: 20 } } }).deployment.checkTimeoutMinutes).to.equal(30 + 20 + 7);
    // Linear by AWS's formula: 10 % steps shift 9 times with a 6-minute bake between, then the bake.
    expect(svc({ deployment: { strategy: "linear" } }).deployment.checkTimeoutMinutes).to.equal(30 + 9 * 6 + 5);
    expect(svc({ deployment: { strategy: "canary", canaryBakeMinutes: 15, bakeMinutes: 2 } }).deployment.checkTimeoutMinutes).to.equal(30 + 15 + 2);
    expect(svc({ deployment: { strategy: "rolling" } }).deployment.checkTimeoutMinutes).to.equal(30);
    // An explicit timeout wins.
    expect(svc({ deployment: { strategy: "linear", checkTimeoutMinutes: 200 } }).deployment.checkTimeoutMinutes).to.equal(200);
    // From 10 tasks a rolling deployment adds at most half again.
    expect(svc({ desiredCount: 10 }).deployment.maxPercent).to.equal(150);
    expect(svc({ desiredCount: 9 }).deployment.maxPercent).to.equal(200);
    // min and max follow desired; autoscaling on CPU 60 % once there is room.
    expect(svc({ desiredCount: 3 })).to.deep.include({ minCount: 3, maxCount: 3, autoscaling: undefined });
    expect(svc({ minCount: 1, maxCount: 4 }).autoscaling).to.deep.equal({ cpu: 60, memory: undefined, requestsPerTarget: undefined, scaleInCooldown: 300, scaleOutCooldown: 60 });
    expect(svc({ minCount: 1, maxCount: 4, autoscaling: { requestsPerTarget: 500 } }).autoscaling).to.deep.include({ cpu: undefined, requestsPerTarget: 500 });
    // Capacity shorthands.
    expect(svc({ capacity: "spot" }).capacity).to.deep.equal({ base: 0, onDemandWeight: 0, spotWeight: 1 });
    expect(svc({ capacity: { spotWeight: 3 } }).capacity).to.deep.equal({ base: 0, onDemandWeight: 0, spotWeight: 3 });
    // A container health check's defaults; ECS Exec makes the root filesystem writable.
    expect(svc({ healthCheck: { command: ["CMD", "true"] } }).healthCheck).to.deep.equal({ command: ["CMD", "true"], interval: 10, timeout: 5, retries: 3, startPeriod: 10 });
    expect(svc({ exec: true })).to.include({ exec: true, readonlyRootFilesystem: false });
    // The service's architecture follows the stack's.
    expect(svc({}, { architecture: "x86_64" }).architecture).to.equal("x86_64");
  });

  it("counts a linear deployment's baked steps as AWS does (a step dividing 100 bakes 100/step − 1 times)", () => {
    const cases: [number, number][] = [[10, 9], [11, 9], [3, 33], [100, 0], [50, 1], [12.5, 7], [33.3, 3], [3.1, 32], [99.9, 1]];
    expect(cases.map(([p]) => [p, linearSteps(p)])).to.deep.equal(cases);
    expect(shiftMinutes({ strategy: "linear", bakeMinutes: 5, stepPercent: 25, stepBakeMinutes: 4, canaryBakeMinutes: 99 })).to.equal(5 + 3 * 4);
    expect(shiftMinutes({ strategy: "blueGreen", bakeMinutes: 5, stepPercent: 25, stepBakeMinutes: 4, canaryBakeMinutes: 99 })).to.equal(5);
  });

  it("turns the scan gate on for every stack that runs promoted images, whatever its name, unless its config turns it off", () => {
    expect(parseConfig("production", flat(base())).promotion.scanGate).to.equal(true);
    expect(parseConfig("qa", flat(base())).promotion.scanGate).to.equal(true);
    expect(parseConfig("qa", flat({ ...base(), promotion: { scanGate: false } })).promotion.scanGate).to.equal(false);
    expect(parseConfig("dev", flat({ build: true, services: { web: {} } })).promotion.scanGate).to.equal(false);
  });

  it("ignores other namespaces (aws:region) and reads top-level values as text", () => {
    const c = parseConfig("test", { ...flat(base()), "aws:region": "eu-west-1", "ferry:build": "false", "ferry:logRetentionDays": "60" });
    expect(c.logRetentionDays).to.equal(60);
  });
});
