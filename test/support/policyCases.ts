/** Resources that pass and fail each policy, shared by the policies' tests and the pack's. */
import { POLICIES, PolicyResource } from "../../policy/policies";

export const TASK = "aws:ecs/taskDefinition:TaskDefinition";
export const SERVICE = "aws:ecs/service:Service";
export const CLUSTER = "aws:ecs/cluster:Cluster";
export const REPOSITORY = "aws:ecr/repository:Repository";
export const LIFECYCLE = "aws:ecr/lifecyclePolicy:LifecyclePolicy";
export const ALB = "aws:lb/loadBalancer:LoadBalancer";
export const LISTENER = "aws:lb/listener:Listener";

const DIGEST = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ferry-dev@sha256:${"a".repeat(64)}`;
const goodContainer = { name: "web", image: DIGEST, user: "1000:1000", readonlyRootFilesystem: true, environment: [{ name: "LOG_LEVEL", value: "info" }], logConfiguration: { logDriver: "awslogs" } };
export const task = (container: Record<string, unknown> = {}, props: Record<string, unknown> = {}) => ({
  containerDefinitions: JSON.stringify([{ ...goodContainer, ...container }]),
  runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" },
  ...props,
});
export const env = (name: string, value = "x") => task({ environment: [{ name, value }] });
export const service = (props: Record<string, unknown> = {}) => ({ networkConfiguration: { assignPublicIp: false, subnets: ["subnet-1"] }, deploymentCircuitBreaker: { enable: true, rollback: true }, ...props });
export const repository = (props: Record<string, unknown> = {}) => ({ imageScanningConfiguration: { scanOnPush: true }, imageTagMutability: "IMMUTABLE_WITH_EXCLUSION", ...props });
export const alb = (props: Record<string, unknown> = {}) => ({ loadBalancerType: "application", dropInvalidHeaderFields: true, enableDeletionProtection: true, accessLogs: { enabled: true, bucket: "logs" }, tags: { "ferry:stack": "prod" }, ...props });

export interface Case {
  type: string;
  pass: Record<string, unknown>[];
  /** Failing inputs and a phrase the violation says. */
  fail: [Record<string, unknown>, string][];
}

/** Every per-resource policy: inputs that pass every policy, and inputs that break this one only. */
export const CASES: Record<string, Case> = {
  "ecs-service-no-public-ip": { type: SERVICE, pass: [service()], fail: [[service({ networkConfiguration: { assignPublicIp: true } }), "assignPublicIp is true"]] },
  "ecs-container-not-privileged": { type: TASK, pass: [task(), task({ privileged: false })], fail: [[task({ privileged: true }), "container web: privileged is true"]] },
  "ecs-container-readonly-root": { type: TASK, pass: [task()], fail: [[task({ readonlyRootFilesystem: false }), "container web: the root filesystem is writable"], [task({ readonlyRootFilesystem: undefined }), "writable"]] },
  "ecs-no-secrets-in-environment": {
    type: TASK,
    pass: [task(), env("TOKEN_URL"), env("SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x"), env("PASSWORD_MIN_LENGTH", "12")],
    fail: [
      [env("DB_PASSWORD", "hunter2"), "DB_PASSWORD's name says it holds a secret; pass it in secrets"],
      [env("AWS_SECRET_ACCESS_KEY"), "AWS_SECRET_ACCESS_KEY is a credential AWS names"],
      [env("ECS_ENGINE_AUTH_DATA"), "ECS_ENGINE_AUTH_DATA is a credential AWS names"],
      [env("GITHUB_TOKEN"), "GITHUB_TOKEN's name says"],
      [env("api_key"), "api_key's name says"],
      [env("UPSTREAM", "AKIAABCDEFGHIJKLMNOP"), "UPSTREAM's value has the shape of a credential"],
    ],
  },
  "ecs-container-non-root": { type: TASK, pass: [task(), task({ user: "app" })], fail: [[task({ user: "root" }), 'runs as root (user "root")'], [task({ user: "0:0" }), "runs as root"], [task({ user: undefined }), "user not set"]] },
  "ecs-task-logging": { type: TASK, pass: [task()], fail: [[task({ logConfiguration: undefined }), "no logConfiguration with a log driver"], [task({ logConfiguration: {} }), "no logConfiguration"]] },
  "ecs-cluster-container-insights": {
    type: CLUSTER,
    pass: [{ settings: [{ name: "containerInsights", value: "enabled" }] }, { settings: [{ name: "containerInsights", value: "enhanced" }] }],
    fail: [[{ settings: [{ name: "containerInsights", value: "disabled" }] }, 'containerInsights is "disabled"'], [{}, "containerInsights is not set"]],
  },
  "ecr-scan-on-push": { type: REPOSITORY, pass: [repository()], fail: [[repository({ imageScanningConfiguration: { scanOnPush: false } }), "scanOnPush is not true"], [repository({ imageScanningConfiguration: undefined }), "scanOnPush"]] },
  "ecr-tag-immutability": { type: REPOSITORY, pass: [repository(), repository({ imageTagMutability: "IMMUTABLE" })], fail: [[repository({ imageTagMutability: "MUTABLE" }), 'imageTagMutability is "MUTABLE"'], [repository({ imageTagMutability: undefined }), '"MUTABLE"']] },
  "elb-http-to-https": {
    type: LISTENER,
    pass: [{ protocol: "HTTP", port: 80, defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }] }, { protocol: "HTTPS", port: 443, defaultActions: [{ type: "fixed-response" }] }],
    fail: [[{ protocol: "HTTP", port: 80, defaultActions: [{ type: "fixed-response" }] }, "HTTP listener on port 80 does not redirect to HTTPS"]],
  },
  "elb-drop-invalid-headers": { type: ALB, pass: [alb(), alb({ loadBalancerType: "network", dropInvalidHeaderFields: undefined })], fail: [[alb({ dropInvalidHeaderFields: false }), "dropInvalidHeaderFields is not true"]] },
  "elb-access-logs": { type: ALB, pass: [alb()], fail: [[alb({ accessLogs: undefined }), "access logs are off"], [alb({ accessLogs: { enabled: false, bucket: "b" } }), "access logs are off"]] },
  "elb-deletion-protection": {
    type: ALB,
    pass: [alb(), alb({ enableDeletionProtection: false, tags: { "ferry:stack": "dev" } })],
    fail: [[alb({ enableDeletionProtection: false }), "deletion protection is off in production stack prod"], [alb({ enableDeletionProtection: false, tags: undefined }), "a load balancer of no known stack"]],
  },
  "ferry-deployment-safety": {
    type: SERVICE,
    pass: [service(), service({ deploymentCircuitBreaker: { enable: false, rollback: false }, alarms: { alarmNames: ["a"], enable: true, rollback: true } })],
    fail: [[service({ deploymentCircuitBreaker: { enable: true, rollback: false } }), "neither the circuit breaker nor deployment alarms"], [service({ deploymentCircuitBreaker: undefined, alarms: { enable: true, rollback: false } }), "neither"]],
  },
  "ferry-image-pinned-by-digest": { type: TASK, pass: [task()], fail: [[task({ image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ferry-dev:latest" }), "image 123456789012.dkr.ecr.eu-west-1.amazonaws.com/ferry-dev:latest is not pinned by digest"], [task({ image: "nginx" }), "not pinned"]] },
  "ferry-arm64-unless-stated": {
    type: TASK,
    pass: [task(), task({}, { runtimePlatform: { cpuArchitecture: "X86_64" }, tags: { "ferry:x86-reason": "libfoo has no arm64 build" } })],
    fail: [
      [task({}, { runtimePlatform: { cpuArchitecture: "X86_64" } }), "runs on X86_64 with no stated reason"],
      [task({}, { runtimePlatform: { cpuArchitecture: "X86_64" }, tags: { "ferry:x86-reason": " " } }), "no stated reason"],
      [task({}, { runtimePlatform: undefined }), "runs on X86_64 (no runtimePlatform.cpuArchitecture)"],
    ],
  },
};

/** The stack-wide policy (one resource's absence): resources in dependency order. */
export const repo = { type: REPOSITORY, name: "ferry-dev", props: repository() };
const lifecycle = (deps: string[], repositoryName?: string) => ({ type: LIFECYCLE, name: "ferry-dev", props: repositoryName ? { repository: repositoryName } : {}, dependsOn: deps });
export const STACK_CASES = {
  policy: "ecr-lifecycle-policy",
  pass: [[repo, lifecycle([`${REPOSITORY}::ferry-dev`])], [{ ...repo, props: repository({ name: "images" }) }, { ...lifecycle([], "images"), name: "other" }]],
  fail: [[repo], [repo, { ...lifecycle([]), props: { repository: "another" } }]],
};
/** The per-resource policies (a lone repository always breaks the stack-wide one). */
export const RESOURCE_POLICIES = POLICIES.filter((p) => p.check);
export const asPolicyResources = (list: { type: string; name: string; props: Record<string, unknown>; dependsOn?: string[] }[]): PolicyResource[] =>
  list.map((r) => ({ type: r.type, name: r.name, props: r.props, dependencies: r.dependsOn ?? [] }));
