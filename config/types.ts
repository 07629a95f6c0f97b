/**
 * The validated shape of a stack's `ferry:*` config. Nothing else in the program reads `ferry:*` keys:
 * index.ts calls `loadConfig()` once and passes these plain values to the components.
 */

export type Architecture = "arm64" | "x86_64";
export const ARCHITECTURES: readonly Architecture[] = ["arm64", "x86_64"];

/** How a service's tasks are spread over FARGATE (on-demand) and FARGATE_SPOT. */
export interface CapacityMix {
  /** Tasks that always run on on-demand FARGATE before weights apply. */
  base: number;
  /** Relative share of the remaining tasks on on-demand FARGATE. */
  onDemandWeight: number;
  /** Relative share of the remaining tasks on FARGATE_SPOT. */
  spotWeight: number;
}

/** ECS-native deployment strategies (no CodeDeploy). */
export type DeploymentStrategy = "rolling" | "blueGreen" | "linear" | "canary";
export const DEPLOYMENT_STRATEGIES: readonly DeploymentStrategy[] = ["rolling", "blueGreen", "linear", "canary"];

/** Lifecycle stages where ECS allows a PAUSE hook (not TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT). */
export const PAUSE_STAGES = [
  "RECONCILE_SERVICE",
  "PRE_SCALE_UP",
  "POST_SCALE_UP",
  "POST_TEST_TRAFFIC_SHIFT",
  "PRE_PRODUCTION_TRAFFIC_SHIFT",
  "POST_PRODUCTION_TRAFFIC_SHIFT",
] as const;
export type PauseStage = (typeof PAUSE_STAGES)[number];

/** A deployment that waits at a lifecycle stage until `ferry approve` / `ferry reject`, or its timeout. */
export interface ApprovalConfig {
  stage: PauseStage;
  timeoutMinutes: number;
  /** What ECS does when nobody answers in time. */
  timeoutAction: "ROLLBACK" | "CONTINUE";
}

export interface DeploymentConfig {
  strategy: DeploymentStrategy;
  /** Deployment circuit breaker with automatic rollback (rolling only; ECS supports it nowhere else). */
  circuitBreaker: boolean;
  /** Rolling: the share of desired tasks kept running, and the most that may run, during a deployment. */
  minHealthyPercent: number;
  maxPercent: number;
  /** blueGreen/linear/canary: minutes the new revision runs with all production traffic before the old one is removed. */
  bakeMinutes: number;
  /** linear: traffic percent shifted per step and minutes between steps. */
  stepPercent: number;
  stepBakeMinutes: number;
  /** canary: traffic percent sent to the new revision first, and minutes before the rest follows. */
  canaryPercent: number;
  canaryBakeMinutes: number;
  /** blueGreen/linear/canary: a test listener rule reaching the new revision (header `x-ferry-test: 1`). */
  testTraffic: boolean;
  approval?: ApprovalConfig;
  /** Extra CloudWatch alarm names that roll a deployment back (besides Ferry's own 5xx and unhealthy-host alarms). */
  alarms: string[];
  /** Minutes `pulumi up` waits for the deployment to finish before failing. */
  checkTimeoutMinutes: number;
}

export interface AutoscalingConfig {
  /** Target average CPU utilization (%), if scaling on CPU. */
  cpu?: number;
  /** Target average memory utilization (%), if scaling on memory. */
  memory?: number;
  /** Target ALB requests per task, if scaling on requests (services with a port). */
  requestsPerTarget?: number;
  scaleInCooldown: number;
  scaleOutCooldown: number;
}

/** The container's own health check (ECS `HealthCheck`); it needs the command's tool inside the image. */
export interface ContainerHealthCheck {
  command: string[];
  interval: number;
  timeout: number;
  retries: number;
  startPeriod: number;
}

export interface ServiceConfig {
  /** The service's name as the user wrote it under `ferry:services`. */
  name: string;
  cpu: number;
  memory: number;
  architecture: Architecture;
  /** Why the service runs on x86_64 (the policy \`ferry-arm64-unless-stated\` reads it from a tag). */
  x86Reason?: string;
  /** Container port; a service with a port is reachable through the load balancer. */
  port?: number;
  /** Path patterns routed to this service; empty for the load balancer's default route. */
  paths: string[];
  /** Order among services with paths (1..4999, lower tried first); unset: a slot from the name. */
  priority?: number;
  healthCheckPath: string;
  desiredCount: number;
  minCount: number;
  maxCount: number;
  capacity: CapacityMix;
  deployment: DeploymentConfig;
  /** Target tracking; undefined when the service does not scale (minCount = maxCount). */
  autoscaling?: AutoscalingConfig;
  healthCheck?: ContainerHealthCheck;
  /** Root filesystem read-only; a writable /tmp is mounted. */
  readonlyRootFilesystem: boolean;
  /** User the container runs as; never root. */
  user: string;
  /** ECS Exec (`aws ecs execute-command`) into running tasks. */
  exec: boolean;
  /** Plain environment variables (never secrets). */
  environment: Record<string, string>;
  /** Environment variable name → ARN of an SSM parameter or a Secrets Manager secret. */
  secrets: Record<string, string>;
  /** Dockerfile stage this service runs (building stacks); undefined for the final stage. */
  target?: string;
  command?: string[];
}

export type NetworkConfig =
  /** `natGateway: false`: no NAT gateway; tasks run in the public subnets with public IPs. */
  | { mode: "create"; cidr: string; natGateway: boolean }
  | { mode: "existing"; vpcId: string; publicSubnetIds: string[]; privateSubnetIds: string[] }
  | { mode: "stackReference"; stack: string };

export type Platform = "linux/amd64" | "linux/arm64";
export const PLATFORMS: readonly Platform[] = ["linux/amd64", "linux/arm64"];

/** The platform an ECS CPU architecture runs. */
export const PLATFORM_OF: Record<Architecture, Platform> = { arm64: "linux/arm64", x86_64: "linux/amd64" };

/**
 * `perPlatform`: one build per platform, each with its own registry cache, joined by an index.
 * `multiPlatform`: one build for all platforms; BuildKit then exports the registry cache of one platform only.
 */
export type ImageBuildMode = "perPlatform" | "multiPlatform";
export const IMAGE_BUILD_MODES: readonly ImageBuildMode[] = ["perPlatform", "multiPlatform"];

/** Upstream registries ECR pull-through cache supports without a custom URL. */
export const UPSTREAM_REGISTRIES = {
  "ecr-public": { url: "public.ecr.aws", credential: false },
  k8s: { url: "registry.k8s.io", credential: false },
  quay: { url: "quay.io", credential: false },
  "docker-hub": { url: "registry-1.docker.io", credential: true },
  "github-container-registry": { url: "ghcr.io", credential: true },
  "gitlab-container-registry": { url: "registry.gitlab.com", credential: true },
} as const;
export type UpstreamRegistry = keyof typeof UPSTREAM_REGISTRIES;

export interface PullThroughCacheConfig {
  /** ECR repository prefix images are pulled through (`<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/…`). */
  prefix: string;
  upstream: UpstreamRegistry;
  /** Secrets Manager secret named `ecr-pullthroughcache/…` (registries that require authentication). */
  credentialArn?: string;
}

export interface ImageBuildConfig {
  /** Build context, relative to the project directory. */
  context: string;
  /** Dockerfile path, relative to the project directory. */
  dockerfile: string;
  buildArgs: Record<string, string>;
  platforms: Platform[];
  mode: ImageBuildMode;
  /** ECR registry build cache. */
  cache: boolean;
  /** Buildx builder per platform (e.g. native arm64 builders instead of QEMU). */
  builders: Partial<Record<Platform, string>>;
  /** Newest builds the lifecycle policy keeps (per target). */
  keepBuilds: number;
  /** Days after which an unused cache tag expires. */
  cacheDays: number;
  /** KMS key for the repository's encryption at rest; AES256 when absent. */
  kmsKeyArn?: string;
  pullThroughCache: PullThroughCacheConfig[];
}

export interface LoadBalancerConfig {
  /** Refuse deletion of the load balancer. */
  deletionProtection: boolean;
  idleTimeout: number;
  /** `create`: a bucket Ferry makes for this load balancer; `existing`: a bucket of the team's own. */
  accessLogs?: { mode: "create" } | { mode: "existing"; bucket: string; prefix?: string };
}

export interface ClusterConfig {
  /** Run in this existing cluster (with FARGATE and FARGATE_SPOT capacity providers) instead of creating one. */
  arn?: string;
  containerInsights: boolean;
}

export interface PromotionConfig {
  /** Refuse images with CRITICAL ECR scan findings, or whose findings cannot be read. */
  scanGate: boolean;
}

/** A credential: a Secrets Manager secret the team made, or a Pulumi secret Ferry stores in one (`value` absent when read offline). */
export type SecretRef = { kind: "arn"; arn: string } | { kind: "value"; value?: string };

export interface NotificationsConfig {
  slack?: { webhookUrl: SecretRef; signingSecret?: SecretRef; approvers: string[] };
  chatwork?: { roomId: string; apiToken: SecretRef };
  email: string[];
  /** Scan findings at or above this severity are told. */
  scanSeverity: "CRITICAL" | "HIGH" | "MEDIUM" | "LOW" | "INFORMATIONAL";
  /** Pulumi Cloud's own events (updates, drift) to the Slack webhook. */
  pulumiDeployments: boolean;
}

export interface FerryConfig {
  /** The Pulumi project (Pulumi.yaml `name`); resource names start with `<project>-<stack>`. */
  project: string;
  stack: string;
  /** Whether this stack builds the image (dev) or runs a promoted digest (staging, prod). */
  build: boolean;
  /** The digest-pinned image a non-building stack runs: `<repository>@sha256:<64 hex>`. */
  imageRef?: string;
  /**
   * The images a non-building stack runs, per Dockerfile target (`default` for services without one):
   * from `ferry:imageRefs`, or `{ default: ferry:imageRef }`. Undefined in a building stack.
   */
  images?: Record<string, string>;
  /** Stack-wide default CPU architecture for services. */
  architecture: Architecture;
  image: ImageBuildConfig;
  network: NetworkConfig;
  /** ACM certificate for HTTPS on the load balancer; HTTP only when absent. */
  certificateArn?: string;
  loadBalancer: LoadBalancerConfig;
  cluster: ClusterConfig;
  logRetentionDays: number;
  /** How `ferry promote` and `ferry rollback` treat this stack as a target. */
  promotion: PromotionConfig;
  /** The cost model's assumptions (`ferry plan`); nothing deployed depends on them. */
  cost: { spotDiscountPercent: number };
  services: ServiceConfig[];
  /** Who hears about the stack (Slack, Chatwork, e-mail) and who may approve from chat; off when absent. */
  notifications?: NotificationsConfig;
  /** Set in a review stack (made by Pulumi Deployments from the template's config): its time-to-live. */
  reviewStack?: { ttlHours: number };
}
