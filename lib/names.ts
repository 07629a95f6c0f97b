/**
 * Resource names, derived from the stack and service names and never renamed (renames replace
 * resources), and the limits AWS puts on the names derived from them.
 *
 * Pulumi names most resources `<resource name>-<7 random hex>` (autonaming) and refuses to create
 * one whose name would pass the AWS limit, so each limit below leaves 8 characters for the suffix.
 * Target groups are named after the service alone (`web`, `web-green`): with the stack in the name
 * as well, ordinary names such as `production` and `checkout` would not fit in 32 characters.
 * The limits are AWS's (ELBv2 CreateLoadBalancer/CreateTargetGroup Name: 32 alphanumerics or
 * hyphens; IAM CreateRole RoleName: 64; S3 bucket names: 63 lowercase), checked in the tests against
 * the API models.
 */

/** Characters Pulumi's autonaming appends: "-" and 7 random hex characters. */
export const AUTONAME_SUFFIX_LENGTH = 8;

/** Project and stack names Ferry derives resource names from: lowercase letters, digits and inner hyphens. */
export const STACK_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * `<project>-<stack>`: the Pulumi project's name first, so two projects (two copies of Ferry for two
 * teams) in one account never share a resource or alarm name. For this repository: `ferry-<stack>`.
 */
export function stackResourceName(project: string, stack: string): string {
  return `${project}-${stack}`;
}

export function serviceResourceName(project: string, stack: string, service: string): string {
  return `${stackResourceName(project, stack)}-${service}`;
}

/** The notifications component's resource name; its other names derive from it. */
export function notificationsResourceName(project: string, stack: string): string {
  return `${stackResourceName(project, stack)}-notifications`;
}

/** The alarm on undelivered notifications (its name is fixed, so the alarms rule can list it before it exists). */
export function undeliveredAlarmName(notificationsResource: string): string {
  return `${notificationsResource}-undelivered`;
}

/** The deployment alarms Ferry makes for a load-balanced service: 5xx and unhealthy hosts per target group suffix ("" or "-green"). */
export function alarmNames(serviceResource: string, suffixes: string[]): string[] {
  return suffixes.flatMap((s) => [`${serviceResource}-5xx${s}`, `${serviceResource}-unhealthy${s}`]);
}

/** Every alarm that rolls a service's deployments back: Ferry's own (with a port; blue and green when traffic shifts) and the team's. */
export function rollbackAlarmNames(project: string, stack: string, s: { name: string; port?: number; deployment: { strategy: string; alarms: string[] } }): string[] {
  const own = s.port === undefined ? [] : alarmNames(serviceResourceName(project, stack, s.name), s.deployment.strategy !== "rolling" ? ["", "-green"] : [""]);
  return [...own, ...s.deployment.alarms];
}

/** A target group's resource name: the service's, plus `-green` for the alternate group. */
export function targetGroupResourceName(service: string, suffix: "" | "-green"): string {
  return `${service}${suffix}`;
}

/** What a service declares that is named after it, and so bounds its name. */
export interface NamedService {
  name: string;
  /** Behind the load balancer: has target groups. */
  routed: boolean;
  /** A second (green) target group for blue/green, linear and canary deployments. */
  shiftsTraffic: boolean;
}

export interface NameProblem {
  /** "project", "stack" or the service's name. */
  subject: string;
  /** The longest resource name derived from it, before Pulumi's suffix. */
  name: string;
  /** What AWS allows, in words. */
  limit: string;
}

interface Limit {
  what: string;
  max: number;
}

const ALB: Limit = { what: "load balancer names", max: 32 };
const TARGET_GROUP: Limit = { what: "target group names", max: 32 };
const ROLE: Limit = { what: "IAM role names", max: 64 };

function over(subject: string, name: string, limit: Limit): NameProblem[] {
  const room = limit.max - AUTONAME_SUFFIX_LENGTH;
  return name.length > room
    ? [{ subject, name, limit: `${limit.what} are at most ${limit.max} characters and Pulumi adds ${AUTONAME_SUFFIX_LENGTH}, so "${name}" (${name.length}) must be at most ${room}` }]
    : [];
}

/**
 * Problems with the names a stack's resources would get; empty when AWS accepts all of them.
 * The longest derived names: the load balancer `<project>-<stack>`, a routed service's target groups
 * `<service>[-green]`, a service's roles `<project>-<stack>-<service>-execution`.
 */
export function nameProblems(project: string, stack: string, services: NamedService[]): NameProblem[] {
  const out: NameProblem[] = [];
  const allowed = "lowercase letters, digits and hyphens, not starting or ending with a hyphen (resource names are made from it)";
  if (!STACK_NAME.test(project)) out.push({ subject: "project", name: project, limit: allowed });
  if (!STACK_NAME.test(stack)) out.push({ subject: "stack", name: stack, limit: allowed });
  if (out.length) return out;
  if (services.some((s) => s.routed)) out.push(...over("stack", stackResourceName(project, stack), ALB));
  for (const s of services) {
    const base = serviceResourceName(project, stack, s.name);
    if (s.routed) out.push(...over(s.name, targetGroupResourceName(s.name, s.shiftsTraffic ? "-green" : ""), TARGET_GROUP));
    out.push(...over(s.name, `${base}-execution`, ROLE));
  }
  return out;
}

/** The tag that states why a task runs on x86_64 (from `ferry:services.<name>.x86Reason`); policy reads it. */
export const X86_REASON_TAG = "ferry:x86-reason";
/** The tag that names the stack of the load balancer; the deletion-protection policy reads it. */
export const STACK_TAG = "ferry:stack";
