/**
 * The container definition of a Ferry service as plain data (ECS `ContainerDefinition` shape), so the
 * exact JSON ECS receives is tested without any runtime.
 */
import { ServiceConfig } from "../config";

export interface ContainerInput {
  service: ServiceConfig;
  image: string;
  logGroupName: string;
  region: string;
}

/** Seconds ECS waits after SIGTERM before SIGKILL: the most Fargate allows, inside Spot's 2-minute notice. */
export const STOP_TIMEOUT_SECONDS = 120;

export function containerDefinition(input: ContainerInput): Record<string, unknown> {
  const { service } = input;
  const sorted = (o: Record<string, string>) => Object.keys(o).sort();
  return {
    name: service.name,
    image: input.image,
    essential: true,
    ...(service.command ? { command: service.command } : {}),
    portMappings: service.port === undefined ? [] : [{ containerPort: service.port, protocol: "tcp", name: service.name }],
    environment: sorted(service.environment).map((name) => ({ name, value: service.environment[name] })),
    secrets: sorted(service.secrets).map((name) => ({ name, valueFrom: service.secrets[name] })),
    stopTimeout: STOP_TIMEOUT_SECONDS,
    logConfiguration: {
      logDriver: "awslogs",
      options: {
        "awslogs-group": input.logGroupName,
        "awslogs-region": input.region,
        "awslogs-stream-prefix": service.name,
      },
    },
  };
}
