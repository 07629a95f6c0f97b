/**
 * The container definition of a Ferry service as plain data (ECS `ContainerDefinition` shape), so the
 * exact JSON ECS receives is tested without any runtime, and validated against the ECS API model.
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

/** The writable scratch volume mounted at /tmp when the root filesystem is read-only. */
export const SCRATCH_VOLUME = "tmp";

export function containerDefinition(input: ContainerInput): Record<string, unknown> {
  const { service: s } = input;
  const sorted = (o: Record<string, string>) => Object.keys(o).sort();
  return {
    name: s.name,
    image: input.image,
    essential: true,
    ...(s.command ? { command: s.command } : {}),
    user: s.user,
    readonlyRootFilesystem: s.readonlyRootFilesystem,
    ...(s.readonlyRootFilesystem ? { mountPoints: [{ sourceVolume: SCRATCH_VOLUME, containerPath: "/tmp", readOnly: false }] } : {}),
    // An init process reaps zombies and forwards SIGTERM; ECS Exec needs it too.
    linuxParameters: { initProcessEnabled: true },
    portMappings: s.port === undefined ? [] : [{ containerPort: s.port, protocol: "tcp", name: s.name }],
    environment: sorted(s.environment).map((name) => ({ name, value: s.environment[name] })),
    secrets: sorted(s.secrets).map((name) => ({ name, valueFrom: s.secrets[name] })),
    ...(s.healthCheck ? { healthCheck: { ...s.healthCheck } } : {}),
    stopTimeout: STOP_TIMEOUT_SECONDS,
    logConfiguration: {
      logDriver: "awslogs",
      options: {
        "awslogs-group": input.logGroupName,
        "awslogs-region": input.region,
        "awslogs-stream-prefix": s.name,
      },
    },
  };
}
