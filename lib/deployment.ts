/**
 * A service's deployment settings as the ECS Service resource takes them, decided from config alone.
 * Rolling deployments get the circuit breaker; blue/green, linear and canary are ECS-native
 * strategies (not CodeDeploy) with bake times, steps and an optional PAUSE hook for approval.
 * CloudWatch alarms roll back every strategy.
 */
import { DeploymentConfig } from "../config";

export const ECS_STRATEGY = { rolling: "ROLLING", blueGreen: "BLUE_GREEN", linear: "LINEAR", canary: "CANARY" } as const;

export interface ServiceDeploymentSettings {
  deploymentConfiguration: {
    strategy: string;
    bakeTimeInMinutes?: string;
    linearConfiguration?: { stepPercent: number; stepBakeTimeInMinutes: string };
    canaryConfiguration?: { canaryPercent: number; canaryBakeTimeInMinutes: string };
    lifecycleHooks?: { targetType: "PAUSE"; lifecycleStages: string[]; timeoutConfiguration: { action: string; timeoutInMinutes: string } }[];
  };
  deploymentCircuitBreaker: { enable: boolean; rollback: boolean };
  deploymentMinimumHealthyPercent?: number;
  deploymentMaximumPercent?: number;
  alarms?: { alarmNames: string[]; enable: boolean; rollback: boolean };
}

/** Whether traffic moves between two target groups (blue and green) during a deployment. */
export function shiftsTraffic(d: DeploymentConfig): boolean {
  return d.strategy !== "rolling";
}

export function deploymentSettings(d: DeploymentConfig, alarmNames: string[]): ServiceDeploymentSettings {
  const rolling = d.strategy === "rolling";
  // The provider's bake and timeout fields are strings.
  const minutes = (n: number) => String(n);
  return {
    deploymentConfiguration: {
      strategy: ECS_STRATEGY[d.strategy],
      ...(rolling ? {} : { bakeTimeInMinutes: minutes(d.bakeMinutes) }),
      ...(d.strategy === "linear" ? { linearConfiguration: { stepPercent: d.stepPercent, stepBakeTimeInMinutes: minutes(d.stepBakeMinutes) } } : {}),
      ...(d.strategy === "canary" ? { canaryConfiguration: { canaryPercent: d.canaryPercent, canaryBakeTimeInMinutes: minutes(d.canaryBakeMinutes) } } : {}),
      ...(d.approval
        ? {
            lifecycleHooks: [
              {
                targetType: "PAUSE" as const,
                lifecycleStages: [d.approval.stage],
                timeoutConfiguration: { action: d.approval.timeoutAction, timeoutInMinutes: minutes(d.approval.timeoutMinutes) },
              },
            ],
          }
        : {}),
    },
    deploymentCircuitBreaker: { enable: rolling && d.circuitBreaker, rollback: rolling && d.circuitBreaker },
    ...(rolling ? { deploymentMinimumHealthyPercent: d.minHealthyPercent, deploymentMaximumPercent: d.maxPercent } : {}),
    ...(alarmNames.length ? { alarms: { alarmNames, enable: true, rollback: true } } : {}),
  };
}
