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

export type DeploymentStrategy = "rolling";
export const DEPLOYMENT_STRATEGIES: readonly DeploymentStrategy[] = ["rolling"];

export interface DeploymentConfig {
  strategy: DeploymentStrategy;
  /** Deployment circuit breaker with automatic rollback (rolling deployments). */
  circuitBreaker: boolean;
}

export interface ServiceConfig {
  /** The service's name as the user wrote it under `ferry:services`. */
  name: string;
  cpu: number;
  memory: number;
  architecture: Architecture;
  /** Container port; a service with a port is reachable through the load balancer. */
  port?: number;
  /** Path patterns routed to this service; empty for the load balancer's default route. */
  paths: string[];
  healthCheckPath: string;
  desiredCount: number;
  minCount: number;
  maxCount: number;
  capacity: CapacityMix;
  deployment: DeploymentConfig;
  /** Plain environment variables (never secrets). */
  environment: Record<string, string>;
  /** Environment variable name → ARN of an SSM parameter or a Secrets Manager secret. */
  secrets: Record<string, string>;
  /** Dockerfile stage this service runs (building stacks); undefined for the final stage. */
  target?: string;
  command?: string[];
}

export type NetworkConfig =
  | { mode: "create"; cidr: string }
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

export interface FerryConfig {
  stack: string;
  /** Whether this stack builds the image (dev) or runs a promoted digest (staging, prod). */
  build: boolean;
  /** The digest-pinned image a non-building stack runs: `<repository>@sha256:<64 hex>`. */
  imageRef?: string;
  /** Stack-wide default CPU architecture for services. */
  architecture: Architecture;
  image: ImageBuildConfig;
  network: NetworkConfig;
  /** ACM certificate for HTTPS on the load balancer; HTTP only when absent. */
  certificateArn?: string;
  logRetentionDays: number;
  services: ServiceConfig[];
}
