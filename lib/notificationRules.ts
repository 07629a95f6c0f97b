/**
 * The EventBridge rules that tell a stack's team what happens to it, as data (pure; the notifications
 * component declares them). Every pattern is scoped to this stack's own resources — its services'
 * ARNs, its cluster, the repository its images come from, its deployment alarms — so two stacks in
 * one account never hear each other. Event shapes and names are AWS's (Amazon ECS developer guide:
 * "Amazon ECS events", "Pause hooks"; Amazon ECR user guide: "Amazon ECR events and EventBridge";
 * Amazon CloudWatch user guide: "Alarm events and EventBridge").
 */

/** ECR's severities, highest first. */
export const SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** ECS service actions that mean tasks cannot start or be placed. */
export const SERVICE_TROUBLE = ["SERVICE_TASK_START_IMPAIRED", "SERVICE_TASK_PLACEMENT_FAILURE", "SERVICE_TASK_CONFIGURATION_FAILURE"] as const;

export interface NotificationScope {
  clusterArn: string;
  /** The cluster is the stack's own (nothing else runs there); else Spot events are narrowed to its services' tasks. */
  ownCluster: boolean;
  /** The stack's ECS services: their ECS names (the last part of the ARN) and ARNs. */
  services: { name: string; arn: string }[];
  /** The ECR repository the stack's images come from (scan findings). */
  repositoryName?: string;
  /**
   * A stack that runs promoted images hears of findings in those images only (their digests); a
   * building stack, of every image pushed to its repository.
   */
  imageDigests?: string[];
  /** The deployment alarms of the stack's services. */
  alarmNames: string[];
  /** Scan findings at or above this severity are told. */
  scanSeverity: Severity;
}

export interface NotificationRule {
  /** Short name, unique within the stack: `deployments`, `approvals`, … */
  name: string;
  description: string;
  pattern: Record<string, unknown>;
}

/** EventBridge's default quota on an event pattern's size, in characters (EventBridge quotas; 4,096 on request). */
export const MAX_PATTERN_CHARS = 2048;

/** The ARN prefix of every service of a cluster: `…:cluster/<c>` → `…:service/<c>/`. */
export function servicesOfCluster(clusterArn: string): string {
  return `${clusterArn.replace(/:cluster\//, ":service/")}/`;
}

export function notificationRules(s: NotificationScope): NotificationRule[] {
  // In the stack's own cluster every service is the stack's: one prefix, however many services.
  const serviceArns: unknown[] = s.ownCluster ? [{ prefix: servicesOfCluster(s.clusterArn) }] : s.services.map((x) => x.arn);
  const rules: NotificationRule[] = [
    {
      name: "deployments",
      description: "ECS deployments of the stack's services: started, rolling back, completed, failed",
      pattern: { source: ["aws.ecs"], "detail-type": ["ECS Deployment State Change"], resources: serviceArns },
    },
    {
      name: "approvals",
      description: "A deployment of the stack's services paused at its approval hook",
      pattern: { source: ["aws.ecs"], "detail-type": ["ECS Hook State Change"], resources: serviceArns, detail: { eventName: ["HOOK_AWAITING_ACTION"] } },
    },
    {
      name: "service-trouble",
      description: "Tasks of the stack's services failing to start or to be placed",
      pattern: { source: ["aws.ecs"], "detail-type": ["ECS Service Action"], resources: serviceArns, detail: { eventName: [...SERVICE_TROUBLE] } },
    },
    {
      name: "spot-interruptions",
      description: "Tasks of the stack stopped by a Fargate Spot interruption",
      pattern: {
        source: ["aws.ecs"],
        "detail-type": ["ECS Task State Change"],
        detail: {
          clusterArn: [s.clusterArn],
          stopCode: ["SpotInterruption"],
          // A service's tasks carry the group `service:<service name>` (ECS Task.group).
          ...(s.ownCluster ? {} : { group: s.services.map((x) => `service:${x.name}`) }),
        },
      },
    },
  ];
  if (s.repositoryName) {
    const atOrAbove = SEVERITIES.slice(0, SEVERITIES.indexOf(s.scanSeverity) + 1);
    rules.push({
      name: "scan-findings",
      description: `ECR scan findings of ${atOrAbove.join(", ")} severity in the stack's repository`,
      pattern: {
        source: ["aws.ecr"],
        "detail-type": ["ECR Image Scan"],
        detail: {
          "repository-name": [s.repositoryName],
          "scan-status": ["COMPLETE"],
          ...(s.imageDigests ? { "image-digest": s.imageDigests } : {}),
          $or: atOrAbove.map((sev) => ({ "finding-severity-counts": { [sev]: [{ numeric: [">", 0] }] } })),
        },
      },
    });
  }
  if (s.alarmNames.length) {
    rules.push({
      name: "alarms",
      description: "The stack's deployment alarms going off, and back to OK",
      pattern: { source: ["aws.cloudwatch"], "detail-type": ["CloudWatch Alarm State Change"], detail: { alarmName: s.alarmNames, state: { value: ["ALARM", "OK"] } } },
    });
  }
  return rules;
}

/** The rules whose pattern exceeds EventBridge's default size, with their sizes. */
export function oversizedRules(rules: NotificationRule[], max = MAX_PATTERN_CHARS): { name: string; chars: number }[] {
  return rules.map((r) => ({ name: r.name, chars: JSON.stringify(r.pattern).length })).filter((r) => r.chars > max);
}
