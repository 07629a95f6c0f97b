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

export interface ImageBuildConfig {
  /** Build context, relative to the project directory. */
  context: string;
  /** Dockerfile path, relative to the project directory. */
  dockerfile: string;
  buildArgs: Record<string, string>;
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
