/**
 * Renders a program run as the offline plan: a JSON document for tools, or text for people.
 * Secret values never appear: they print as "[secret]".
 */
import * as pulumi from "@pulumi/pulumi";
import { DeploymentConfig, FerryConfig, SecretRef, ServiceConfig } from "../config";
import { notificationsResourceName, rollbackAlarmNames } from "../lib/names";
import { serviceRollout, ServiceRollout, Term } from "../lib/rollout";
import { capacityStrategy } from "../components/service";
import { NETWORK_DIR, NetworkRun, PipelineRun, PlannedResource, ProgramRun, ResourceOptionsSeen } from "./run";
import { planCost, PlannedCost } from "./cost";
import { describeViolation, policyReport, PolicyReport } from "./policy";
import { CostDifference, costDifference } from "../lib/cost";
import type { StackDeployment } from "../pipeline/deployments";
import type { NetworkSettings } from "../network/config";

export const SECRET = "[secret]";

/** Replaces secret values (wrapped by the engine protocol) with "[secret]"; unknowns with "[unknown]". */
export function redact(value: unknown): unknown {
  if (pulumi.runtime.isRpcSecret(value)) return SECRET;
  if (value === pulumi.runtime.unknownValue) return "[unknown]";
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v)]));
  }
  return value;
}

/** Inputs as the plan shows them: secrets redacted, a dynamic resource's serialized provider code left out. */
function planInputs(inputs: Record<string, unknown>): Record<string, unknown> {
  const shown = redact(inputs) as Record<string, unknown>;
  if ("__provider" in shown) shown.__provider = "[provider code omitted]";
  return shown;
}

export type ReviewedOptions = Omit<ResourceOptionsSeen, "dependencies">;

/** The options that change what `pulumi up` and `pulumi destroy` may do; dependencies are left to the engine. */
function reviewed(o: ResourceOptionsSeen): ReviewedOptions | undefined {
  const rest: ReviewedOptions = { ...o };
  delete (rest as ResourceOptionsSeen).dependencies;
  return Object.keys(rest).length ? rest : undefined;
}

/** The options in words, for the resource tree. */
export function describeOptions(o: ReviewedOptions): string {
  const words = [
    o.protect ? "protected" : "",
    o.retainOnDelete ? "kept on delete" : "",
    o.ignoreChanges ? `ignores changes to ${o.ignoreChanges.join(", ")}` : "",
    o.deleteBeforeReplace ? "deleted before replaced" : "",
    o.replaceOnChanges ? `replaced on changes to ${o.replaceOnChanges.join(", ")}` : "",
    o.provider ? `provider ${o.provider}` : "",
  ].filter(Boolean);
  return words.length ? `  [${words.join("; ")}]` : "";
}

export interface PlanDocument {
  project: string;
  stack: string;
  /** Each resource as planned; `options` only the ones a reviewer cares about (protect, retainOnDelete, ignoreChanges, …), absent when none is set. */
  resources: (Omit<PlannedResource, "options"> & { options?: ReviewedOptions })[];
  outputs: Record<string, unknown>;
  services: Record<string, ServiceDecisions>;
  image: ImagePlan;
  /** Who hears about the stack, and exactly which events: null when `ferry:notifications` is absent. */
  notifications: NotificationsPlan | null;
  /** The rollout model (lib/rollout.ts): per service, seconds to deploy and to detect a failed deployment, with their terms. */
  rollout: { services: Record<string, ServiceRollout> };
  /**
   * The cost model (lib/cost.ts): compute per service and for the stack against x86 on-demand, the
   * fixed hourly lines, and — with `--config-file` — the difference from the committed stack file.
   */
  cost: PlannedCost & { againstCommitted?: CostDifference | { unavailable: string } };
  /** The policies (policy/policies.ts) on the planned resources: what `pulumi preview --policy-pack policy` would report. */
  policy: PolicyReport;
}

/** The committed stack's config, to price a changed one against (`ferry plan --config-file`). */
export type CommittedStack = { config: FerryConfig; region: string } | { unavailable: string };

export interface NotificationsPlan {
  slack: { approvers: string[] } | null;
  chatwork: { roomId: string } | null;
  email: string[];
  scanSeverity: string;
  /** Pulumi Cloud's own events sent to the Slack webhook. */
  pulumiCloudEvents: string[];
  /** Each EventBridge rule by its short name: its event pattern, as planned. */
  rules: Record<string, unknown>;
  /** How credentials are kept: the team's secret ARNs, or "a Ferry-managed secret" for Pulumi secrets. */
  secrets: Record<string, string>;
}

export interface ServiceDecisions {
  architecture: string;
  user: string;
  readonlyRootFilesystem: boolean;
  exec: boolean;
  cpu: number;
  memory: number;
  desiredCount: number;
  minCount: number;
  maxCount: number;
  capacity: { capacityProvider: string; base: number; weight: number }[];
  deploymentStrategy: string;
  circuitBreaker: boolean;
  /** The strategy's own settings (bake time, steps, canary share, approval pause). */
  deployment: Record<string, unknown>;
  /** Alarms that roll a deployment back. */
  rollbackAlarms: string[];
  /** Minutes `pulumi up` waits for the deployment before failing it. */
  deploymentCheckMinutes: number;
  autoscaling: Record<string, unknown> | null;
  port: number | null;
  paths: string[];
}

export interface ImagePlan {
  mode: "build" | "promoted";
  /** How a building stack builds: per-platform images joined by an index, or one multi-platform image. */
  buildMode: string | null;
  platforms: string[];
  targets: string[];
  cache: boolean | null;
  /** Builds the lifecycle policy keeps per target (building stacks). */
  keepBuilds: number | null;
  imageRef: unknown;
}

/** What every project's plan document starts with: project, stack, resources, outputs. */
type CommonDocument = Pick<PlanDocument, "project" | "stack" | "resources" | "outputs">;

function commonDocument(run: Pick<ProgramRun, "stack" | "resources" | "outputs">, project: string): CommonDocument {
  return {
    project,
    stack: run.stack,
    resources: run.resources.map((r) => {
      const options = reviewed(r.options);
      return { type: r.type, name: r.name, parent: r.parent, parentType: r.parentType, custom: r.custom, inputs: planInputs(r.inputs), ...(options ? { options } : {}) };
    }),
    outputs: Object.fromEntries(Object.entries(run.outputs).map(([k, o]) => [k, o.secret ? SECRET : redact(o.value)])),
  };
}

export function planDocument(run: ProgramRun, project: string, committed?: CommittedStack): PlanDocument {
  const cost: PlanDocument["cost"] = planCost(run.config, run.region, NETWORK_DIR);
  if (committed) cost.againstCommitted = againstCommitted(cost, committed);
  return {
    ...commonDocument(run, project),
    services: Object.fromEntries(run.config.services.map((s) => [s.name, decisions(run.config.project, run.stack, s)])),
    image: imagePlan(run),
    notifications: notificationsPlan(run),
    rollout: { services: Object.fromEntries(run.config.services.map((s) => [s.name, serviceRollout(s)])) },
    cost,
    policy: policyReport(run.resources),
  };
}

function againstCommitted(cost: PlannedCost, committed: CommittedStack): CostDifference | { unavailable: string } {
  if ("unavailable" in committed) return committed;
  const before = planCost(committed.config, committed.region, NETWORK_DIR);
  if ("unpriced" in cost) return { unavailable: cost.unpriced };
  if ("unpriced" in before) return { unavailable: `the committed stack file: ${before.unpriced}` };
  return costDifference(cost, before);
}

function notificationsPlan(run: ProgramRun): NotificationsPlan | null {
  const n = run.config.notifications;
  if (!n) return null;
  const prefix = `${notificationsResourceName(run.config.project, run.stack)}-`;
  const rules = run.resources
    .filter((r) => r.type === "aws:cloudwatch/eventRule:EventRule" && r.name.startsWith(prefix))
    .map((r) => [r.name.slice(prefix.length), JSON.parse(String(r.inputs.eventPattern))] as const);
  const webhook = run.resources.find((r) => r.type === "pulumiservice:index:Webhook");
  const kept = (ref: SecretRef | undefined) => (ref ? [ref.kind === "arn" ? ref.arn : "a Ferry-managed Secrets Manager secret (from the Pulumi secret)"] : []);
  const secrets = Object.fromEntries(
    [["slack.webhookUrl", n.slack?.webhookUrl], ["slack.signingSecret", n.slack?.signingSecret], ["chatwork.apiToken", n.chatwork?.apiToken]].flatMap(([k, ref]) => kept(ref as SecretRef | undefined).map((v) => [k as string, v])),
  );
  return {
    slack: n.slack ? { approvers: n.slack.signingSecret ? n.slack.approvers : [] } : null,
    chatwork: n.chatwork ? { roomId: n.chatwork.roomId } : null,
    email: n.email,
    scanSeverity: n.scanSeverity,
    pulumiCloudEvents: (webhook?.inputs.filters as string[] | undefined) ?? [],
    rules: Object.fromEntries(rules),
    secrets,
  };
}

function decisions(project: string, stack: string, s: ServiceConfig): ServiceDecisions {
  const d = s.deployment;
  return {
    architecture: s.architecture,
    user: s.user,
    readonlyRootFilesystem: s.readonlyRootFilesystem,
    exec: s.exec,
    cpu: s.cpu,
    memory: s.memory,
    desiredCount: s.desiredCount,
    minCount: s.minCount,
    maxCount: s.maxCount,
    capacity: capacityStrategy(s),
    deploymentStrategy: d.strategy,
    circuitBreaker: d.circuitBreaker,
    deployment: strategySettings(d),
    rollbackAlarms: rollbackAlarmNames(project, stack, s),
    deploymentCheckMinutes: d.checkTimeoutMinutes,
    autoscaling: s.autoscaling ? { ...s.autoscaling } : null,
    port: s.port ?? null,
    paths: s.paths,
  };
}

function strategySettings(d: DeploymentConfig): Record<string, unknown> {
  switch (d.strategy) {
    case "rolling":
      return { minHealthyPercent: d.minHealthyPercent, maxPercent: d.maxPercent };
    case "blueGreen":
      return { bakeMinutes: d.bakeMinutes, testTraffic: d.testTraffic, approval: d.approval ?? null };
    case "linear":
      return { stepPercent: d.stepPercent, stepBakeMinutes: d.stepBakeMinutes, bakeMinutes: d.bakeMinutes, testTraffic: d.testTraffic, approval: d.approval ?? null };
    case "canary":
      return { canaryPercent: d.canaryPercent, canaryBakeMinutes: d.canaryBakeMinutes, bakeMinutes: d.bakeMinutes, testTraffic: d.testTraffic, approval: d.approval ?? null };
  }
}

function imagePlan(run: ProgramRun): ImagePlan {
  const builds = run.resources.filter((r) => r.type === "docker-build:index:Image");
  const platforms = [...new Set(builds.flatMap((b) => (b.inputs.platforms as string[] | undefined) ?? []))].sort();
  const config: FerryConfig = run.config;
  const b = config.build ? config.image : undefined;
  return {
    mode: config.build ? "build" : "promoted",
    buildMode: b?.mode ?? null,
    platforms,
    targets: [...new Set(config.services.map((s) => s.target ?? "(final stage)"))],
    cache: b ? b.cache : null,
    keepBuilds: b?.keepBuilds ?? null,
    imageRef: run.outputs.imageRef ? redact(run.outputs.imageRef.value) : null,
  };
}

function describeDeployment(d: ServiceDecisions): string {
  const s = d.deployment as Record<string, number | boolean | null | { stage: string; timeoutMinutes: number; timeoutAction: string }>;
  const approval = s.approval as { stage: string; timeoutMinutes: number; timeoutAction: string } | null | undefined;
  const pause = approval ? `, pauses at ${approval.stage} for approval (${approval.timeoutMinutes} min, then ${approval.timeoutAction.toLowerCase()})` : "";
  switch (d.deploymentStrategy) {
    case "rolling":
      return `rolling (${s.minHealthyPercent}%..${s.maxPercent}%), circuit breaker ${d.circuitBreaker ? "on with rollback" : "off"}`;
    case "blueGreen":
      return `blue/green, bake ${s.bakeMinutes} min${s.testTraffic ? ", test traffic with header x-ferry-test: 1" : ""}${pause}`;
    case "linear":
      return `linear ${s.stepPercent}% every ${s.stepBakeMinutes} min, bake ${s.bakeMinutes} min${pause}`;
    default:
      return `canary ${s.canaryPercent}% for ${s.canaryBakeMinutes} min, bake ${s.bakeMinutes} min${pause}`;
  }
}

function describeScaling(a: Record<string, unknown>): string {
  const targets = [
    a.cpu !== undefined ? `CPU ${a.cpu}%` : "",
    a.memory !== undefined ? `memory ${a.memory}%` : "",
    a.requestsPerTarget !== undefined ? `${a.requestsPerTarget} requests/task` : "",
  ].filter(Boolean);
  return `target tracking on ${targets.join(", ")} (cooldown in ${a.scaleInCooldown}s, out ${a.scaleOutCooldown}s)`;
}

/** The plan for people: resource tree, per-service decisions, image plan, outputs. */
/** The resource tree, indented by parent. */
function resourceLines(resources: PlanDocument["resources"]): string[] {
  const lines: string[] = [`Resources (${resources.length}):`];
  const children = new Map<string, PlanDocument["resources"]>();
  const parentKey = (r: PlanDocument["resources"][number]) => (r.parent === null ? "" : `${r.parentType}::${r.parent}`);
  for (const r of resources) children.set(parentKey(r), [...(children.get(parentKey(r)) ?? []), r]);
  const walk = (key: string, depth: number) => {
    for (const r of children.get(key) ?? []) {
      lines.push(`${"  ".repeat(depth + 1)}${r.type}  ${r.name}${r.custom ? "" : "  (component)"}${r.options ? describeOptions(r.options) : ""}`);
      walk(`${r.type}::${r.name}`, depth + 1);
    }
  };
  walk("", 0);
  return lines;
}

/** The network project's plan: the same contract (project, stack, resources, outputs) and its decisions. */
export type NetworkPlanDocument = CommonDocument & { network: NetworkSettings };

export function networkPlanDocument(run: NetworkRun, project: string): NetworkPlanDocument {
  return { ...commonDocument(run, project), network: run.settings };
}

export function networkPlanText(doc: NetworkPlanDocument): string {
  const n = doc.network;
  const endpoints = n.interfaceEndpoints.length
    ? `${n.interfaceEndpoints.join(", ")} (${n.interfaceEndpointsMonthlyUsd === null ? `no list prices for ${n.region} here` : `about USD ${n.interfaceEndpointsMonthlyUsd.toFixed(2)} a month in hourly charges at ${n.region} list prices`}, plus data processed)`
    : "none (AWS traffic other than S3 goes through NAT)";
  return [
    `Network offline plan: project ${doc.project}, stack ${doc.stack}`,
    "",
    ...resourceLines(doc.resources),
    "",
    "Network:",
    `  VPC ${n.cidr} in ${n.region}, ${n.availabilityZones} Availability Zones, public and private subnets in each`,
    `  NAT: ${n.natGateways === "onePerAz" ? "one gateway per Availability Zone" : "one gateway for the VPC"}; S3 through the gateway endpoint (free)`,
    `  interface endpoints: ${endpoints}`,
    "",
    "Outputs (what ferry:network.stackReference reads):",
    ...Object.entries(doc.outputs).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`),
    "",
  ].join("\n");
}

/** The pipeline project's plan: the same contract and, per stack, what Deployments does. */
export type PipelinePlanDocument = CommonDocument & { deployments: StackDeployment[] };

export function pipelinePlanDocument(run: PipelineRun, project: string): PipelinePlanDocument {
  return { ...commonDocument(run, project), deployments: run.deployments };
}

export function pipelinePlanText(doc: PipelinePlanDocument): string {
  const lines = [`Pipeline offline plan: project ${doc.project}, stack ${doc.stack}`, "", ...resourceLines(doc.resources), "", "Pulumi Deployments:"];
  for (const d of doc.deployments) {
    lines.push(
      `  ${d.organization}/${d.project}/${d.stack} (from ${d.repository} ${d.branch}, folder ${d.repoDir}):`,
      `    pulumi up on a push that changes: ${d.paths.join(" ")}`,
      `    pull requests: preview${d.pullRequestTemplate ? "; each gets a review stack made from this one" : ""}`,
      `    before the operation: ${d.preRunCommands.join("; ")}`,
      `    AWS: role ${d.roleName} through OIDC, trusted by ${d.reviewStacksExcept ? `this stack and its review stacks (not ${d.reviewStacksExcept.join(", ")})` : "this stack only"}`,
      `    may: ${d.features.join(", ")} on ${d.namePrefix}* names${d.deniedPrefixes.length ? `, never ${d.deniedPrefixes.map((p) => `${p}*`).join(", ")}` : ""} (${d.generatedPolicies} generated ${d.generatedPolicies === 1 ? "policy" : "policies"}${d.policyArns.length ? `, plus ${d.policyArns.join(", ")}` : ""})`,
      ...(d.driftSchedule ? [`    drift detection: ${d.driftSchedule}`] : []),
    );
  }
  return lines.join("\n") + "\n";
}

export function planText(doc: PlanDocument): string {
  const lines: string[] = [`Ferry offline plan: project ${doc.project}, stack ${doc.stack}`, "", ...resourceLines(doc.resources)];

  lines.push("", "Services:");
  for (const [name, d] of Object.entries(doc.services)) {
    const mix = d.capacity.map((c) => `${c.capacityProvider} base ${c.base} weight ${c.weight}`).join(", ");
    lines.push(
      `  ${name}: ${d.architecture}, ${d.cpu} CPU / ${d.memory} MiB, ${d.desiredCount} task(s) (min ${d.minCount}, max ${d.maxCount})`,
      `    capacity: ${mix}`,
      `    deployment: ${describeDeployment(d)}`,
      `    rollback alarms: ${d.rollbackAlarms.length ? d.rollbackAlarms.join(", ") : "none"}; pulumi up fails if ECS rolls back (waits up to ${d.deploymentCheckMinutes} min)`,
      `    autoscaling: ${d.autoscaling ? describeScaling(d.autoscaling) : "off"}`,
      `    container: user ${d.user}, root filesystem ${d.readonlyRootFilesystem ? "read-only (/tmp writable)" : "writable"}, ECS Exec ${d.exec ? "on" : "off"}`,
      `    traffic: ${d.port === null ? "none (no port)" : `port ${d.port}, paths ${d.paths.length ? d.paths.join(" ") : "/* (default route)"}`}`,
    );
    const r = doc.rollout.services[name];
    if (r) {
      const terms = (ts: Term[]) => ts.filter((t) => t.seconds > 0).map((t) => `${t.term} ${t.seconds} s`).join(" + ");
      lines.push(`    rollout (modeled): deployed in ${r.deploySeconds} s = ${terms(r.deployTerms)}`, `    a failed deployment is detected in ${r.detectFailureSeconds} s: ${r.detectTerms.map((t) => (t.seconds > 0 ? `${t.term} ${t.seconds} s` : t.term)).join(" + ")}`);
    }
  }

  const img = doc.image;
  lines.push("", "Image:");
  if (img.mode === "build") {
    const how = img.buildMode === "multiPlatform" ? "one multi-platform build per target" : "one build per platform, joined by a multi-arch index per target";
    lines.push(
      `  builds ${img.targets.join(", ")} for ${img.platforms.join(" + ")}: ${how}, pinned by digest`,
      `  registry cache in ECR: ${img.cache ? (img.buildMode === "multiPlatform" ? "on (one platform's layers only)" : "on, per platform (mode max)") : "off"}`,
      `  lifecycle: keeps every release, the newest ${img.keepBuilds} builds per target; no untagged rule (see README)`,
    );
  } else {
    lines.push("  runs the promoted image (no build in this stack)");
  }
  lines.push(`  imageRef: ${String(img.imageRef)}`);

  const n = doc.notifications;
  lines.push("", "Notifications:");
  if (!n) lines.push("  off (ferry:notifications not set)");
  else {
    const to = [
      n.slack ? `Slack${n.slack.approvers.length ? ` (approve/reject from Slack: ${n.slack.approvers.join(", ")})` : ""}` : "",
      n.chatwork ? `Chatwork room ${n.chatwork.roomId}` : "",
      n.email.length ? `e-mail ${n.email.join(", ")}` : "",
    ].filter(Boolean);
    lines.push(`  to: ${to.join("; ")}`, `  scan findings at or above: ${n.scanSeverity}`, "  rules (EventBridge → SNS → notifier; undelivered messages kept 14 days in a dead-letter queue with an alarm):");
    for (const [rule, pattern] of Object.entries(n.rules)) lines.push(`    ${rule}: ${JSON.stringify(pattern)}`);
    for (const [key, where] of Object.entries(n.secrets)) lines.push(`  ${key}: ${where}`);
    if (n.pulumiCloudEvents.length) lines.push(`  Pulumi Cloud to Slack: ${n.pulumiCloudEvents.join(", ")}`);
  }

  lines.push("", ...costLines(doc.cost));

  const p = doc.policy;
  lines.push("", `Policy (${p.policies} policies: Security Hub ECS, ECR and ELB controls and Ferry's own; policy/):`);
  if (!p.violations.length) lines.push("  no violations");
  else lines.push(`  ${p.mandatory} mandatory and ${p.advisory} advisory violation(s):`, ...p.violations.map((v) => `  ${describeViolation(v)}`));

  lines.push("", "Outputs:");
  for (const [k, v] of Object.entries(doc.outputs)) lines.push(`  ${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
  return lines.join("\n") + "\n";
}

const usd = (n: number) => n.toFixed(2);
const signed = (n: number) => `${n > 0 ? "+" : n < 0 ? "-" : "±"}${usd(Math.abs(n))}`;
const tasks = (n: number) => String(Math.round(n * 100) / 100);

function costLines(c: PlanDocument["cost"]): string[] {
  if ("unpriced" in c) return ["Cost (modeled):", `  not modeled: ${c.unpriced}`];
  const lines = [`Cost (modeled, USD a month; ${c.region} list prices as of ${c.pricesAsOf}, Spot ${c.spotDiscountPercent} % off):`];
  for (const [name, s] of Object.entries(c.services)) {
    lines.push(`  ${name}: ${s.architecture}, ${tasks(s.onDemandTasks)} on-demand + ${tasks(s.spotTasks)} Spot task(s): ${usd(s.monthlyUsd)} (x86 on-demand: ${usd(s.baselineMonthlyUsd)})`);
  }
  lines.push(`  compute: ${usd(c.monthlyUsd)} against ${usd(c.baselineMonthlyUsd)} on x86 on-demand: ${Math.round(c.savingsRatio * 100)} % less`);
  for (const f of c.fixed) lines.push(`  ${f.item} × ${f.count}: ${usd(f.monthlyUsd)}`);
  lines.push(`  network: ${c.network}`, `  total: ${usd(c.totalMonthlyUsd)}`, `  left out: ${c.leftOut.join("; ")}`);
  const d = c.againstCommitted;
  if (d && "unavailable" in d) lines.push(`  against the committed stack file: not compared (${d.unavailable})`);
  else if (d) lines.push(`  against the committed stack file: compute ${signed(d.monthlyUsd)} (from ${usd(d.committedMonthlyUsd)}), total ${signed(d.totalMonthlyUsd)} (from ${usd(d.committedTotalMonthlyUsd)})`);
  return lines;
}
