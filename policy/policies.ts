/**
 * Ferry's policies (pure): the AWS Security Hub controls that apply to what Ferry declares for ECS,
 * ECR and Elastic Load Balancing, and Ferry's own. Each takes resources as data (type, name, inputs)
 * and returns violations, so the same code runs in the policy pack (policy/index.ts, for
 * `pulumi preview --policy-pack policy`) and in `ferry plan`, and is tested without a runtime.
 *
 * A value the engine does not know yet (an output during preview) is never a violation: the check
 * waits for the value rather than guess.
 */
import { STACK_TAG, X86_REASON_TAG } from "../lib/names";

export type EnforcementLevel = "mandatory" | "advisory";

/** A resource as policies see it: its Pulumi type, its name, and its inputs (plain values). */
export interface PolicyResource {
  type: string;
  name: string;
  props: Record<string, unknown>;
  /** `<type>::<name>` of the resources this one depends on (the engine knows them before any value). */
  dependencies?: string[];
}

export interface PolicySettings {
  /** Stacks whose load balancers must refuse deletion (ELB.6), by the `ferry:stack` tag. @default ["prod"] */
  productionStacks: string[];
}

export const DEFAULT_SETTINGS: PolicySettings = { productionStacks: ["prod"] };

export interface Policy {
  /** The policy's name in the pack (`pulumi preview` prints it). */
  name: string;
  /** The Security Hub control it enforces (e.g. "ECS.2"); absent for Ferry's own policies. */
  control?: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  /** The resource type a per-resource check applies to. */
  resourceType?: string;
  /** Violations of one resource of `resourceType`, as messages. */
  check?: (props: Record<string, unknown>, settings: PolicySettings) => string[];
  /** Violations that need the whole stack (one resource's absence): a message and the resource it names. */
  checkStack?: (resources: PolicyResource[], settings: PolicySettings) => { resource: string; message: string }[];
}

export interface Violation {
  policy: string;
  control: string | null;
  enforcementLevel: EnforcementLevel;
  /** `<type>::<name>` of the resource in question. */
  resource: string;
  message: string;
}

// ---------------------------------------------------------------------------------------------
// Reading inputs
// ---------------------------------------------------------------------------------------------

const TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";
const SERVICE = "aws:ecs/service:Service";
const CLUSTER = "aws:ecs/cluster:Cluster";
const REPOSITORY = "aws:ecr/repository:Repository";
const LIFECYCLE_POLICY = "aws:ecr/lifecyclePolicy:LifecyclePolicy";
const LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer";
const LISTENER = "aws:lb/listener:Listener";


type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : undefined);
const list = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);

interface Container {
  name?: string;
  image?: string;
  privileged?: boolean;
  readonlyRootFilesystem?: boolean;
  user?: string;
  environment?: { name?: string; value?: string }[];
  logConfiguration?: { logDriver?: string };
}

/** A task definition's containers, or undefined while they are unknown (or not JSON). */
function containersOf(props: Obj): Container[] | undefined {
  const raw = props.containerDefinitions;
  if (typeof raw !== "string") return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? (parsed as Container[]) : undefined;
  } catch {
    return undefined;
  }
}

const perContainer = (test: (c: Container) => string | undefined) => (props: Obj) =>
  (containersOf(props) ?? []).flatMap((c) => {
    const problem = test(c);
    return problem ? [`container ${c.name ?? "(unnamed)"}: ${problem}`] : [];
  });

/** Environment variable names ECS.8 looks for (AWS Config rule ecs-no-environment-secrets). */
export const AWS_SECRET_NAMES = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA"];
/** A name ending in one of these words says the variable holds a secret (Ferry checks more than AWS's three names). */
export const SECRET_NAME_WORDS = /(^|_)(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)$/;
/** Values that are credentials whatever their name: AWS access key ids, private keys, Slack and GitHub tokens. */
const SECRET_VALUES = /^(AKIA|ASIA)[A-Z0-9]{16}$|-----BEGIN [A-Z ]*PRIVATE KEY-----|^xox[abprs]-|^gh[pousr]_[A-Za-z0-9]{20,}/;

/** Why an environment variable looks like a secret, or undefined. Never quotes the value. */
export function secretInEnvironment(name: string, value: string | undefined): string | undefined {
  if (AWS_SECRET_NAMES.includes(name)) return `${name} is a credential AWS names`;
  if (SECRET_NAME_WORDS.test(name.toUpperCase())) return `${name}'s name says it holds a secret`;
  if (value !== undefined && SECRET_VALUES.test(value)) return `${name}'s value has the shape of a credential`;
  return undefined;
}

const DIGEST_PINNED = /@sha256:[a-f0-9]{64}$/;

// ---------------------------------------------------------------------------------------------
// The policies
// ---------------------------------------------------------------------------------------------

export const POLICIES: readonly Policy[] = [
  {
    name: "ecs-service-no-public-ip",
    control: "ECS.2",
    description: "ECS services should not have public IP addresses assigned to them automatically.",
    enforcementLevel: "mandatory",
    resourceType: SERVICE,
    check: (p) => (obj(p.networkConfiguration)?.assignPublicIp === true ? ["assignPublicIp is true: every task gets an address reachable from the internet; run tasks in private subnets (a NAT gateway or VPC endpoints for egress)"] : []),
  },
  {
    name: "ecs-container-not-privileged",
    control: "ECS.4",
    description: "ECS containers should run as non-privileged.",
    enforcementLevel: "mandatory",
    resourceType: TASK_DEFINITION,
    check: perContainer((c) => (c.privileged === true ? "privileged is true" : undefined)),
  },
  {
    name: "ecs-container-readonly-root",
    control: "ECS.5",
    description: "ECS containers should be limited to read-only access to root filesystems.",
    enforcementLevel: "mandatory",
    resourceType: TASK_DEFINITION,
    check: perContainer((c) => (c.readonlyRootFilesystem !== true ? "the root filesystem is writable (ferry:services.<name>.readonlyRootFilesystem; ECS Exec needs it writable)" : undefined)),
  },
  {
    name: "ecs-no-secrets-in-environment",
    control: "ECS.8",
    description: "Secrets should not be passed as container environment variables; pass them as secrets (SSM Parameter Store or Secrets Manager).",
    enforcementLevel: "mandatory",
    resourceType: TASK_DEFINITION,
    check: (p) =>
      (containersOf(p) ?? []).flatMap((c) =>
        (c.environment ?? []).flatMap((e) => {
          const why = e.name === undefined ? undefined : secretInEnvironment(e.name, e.value);
          return why ? [`container ${c.name ?? "(unnamed)"}: ${why}; pass it in secrets (an SSM parameter or Secrets Manager ARN), not environment`] : [];
        }),
      ),
  },
  {
    name: "ecs-container-non-root",
    control: "ECS.20",
    description: "ECS task definitions should configure non-root users in Linux container definitions.",
    enforcementLevel: "mandatory",
    resourceType: TASK_DEFINITION,
    check: perContainer((c) => {
      const user = c.user?.split(":")[0];
      return user === undefined || user === "" || user === "root" || user === "0" ? `runs as root (user ${c.user === undefined ? "not set" : JSON.stringify(c.user)})` : undefined;
    }),
  },
  {
    name: "ecs-task-logging",
    control: "ECS.9",
    description: "ECS task definitions should have a logging configuration.",
    enforcementLevel: "mandatory",
    resourceType: TASK_DEFINITION,
    check: perContainer((c) => (c.logConfiguration?.logDriver ? undefined : "no logConfiguration with a log driver")),
  },
  {
    name: "ecs-cluster-container-insights",
    control: "ECS.12",
    description: "ECS clusters should use Container Insights.",
    enforcementLevel: "mandatory",
    resourceType: CLUSTER,
    check: (p) => {
      const value = (list(p.settings) ?? []).map(obj).find((s) => s?.name === "containerInsights")?.value;
      return value === "enabled" || value === "enhanced" ? [] : [`containerInsights is ${value === undefined ? "not set" : JSON.stringify(value)}`];
    },
  },
  {
    name: "ecr-scan-on-push",
    control: "ECR.1",
    description: "ECR private repositories should have image scanning configured.",
    enforcementLevel: "mandatory",
    resourceType: REPOSITORY,
    check: (p) => (obj(p.imageScanningConfiguration)?.scanOnPush === true ? [] : ["imageScanningConfiguration.scanOnPush is not true"]),
  },
  {
    name: "ecr-tag-immutability",
    control: "ECR.2",
    description: "ECR private repositories should have tag immutability configured (IMMUTABLE, or IMMUTABLE_WITH_EXCLUSION for build-cache tags).",
    enforcementLevel: "mandatory",
    resourceType: REPOSITORY,
    check: (p) => (p.imageTagMutability === "IMMUTABLE" || p.imageTagMutability === "IMMUTABLE_WITH_EXCLUSION" ? [] : [`imageTagMutability is ${JSON.stringify(p.imageTagMutability ?? "MUTABLE")}: a tag could be moved to another image`]),
  },
  {
    name: "ecr-lifecycle-policy",
    control: "ECR.3",
    description: "ECR repositories should have at least one lifecycle policy configured.",
    enforcementLevel: "mandatory",
    checkStack: (resources) => {
      const policies = resources.filter((r) => r.type === LIFECYCLE_POLICY);
      // A lifecycle policy covers the repository it depends on, or the one it names.
      const covers = (p: PolicyResource, r: PolicyResource) => p.dependencies?.includes(`${r.type}::${r.name}`) || (p.props.repository !== undefined && p.props.repository === (r.props.name ?? r.name));
      // Without dependencies, a policy whose repository is not known yet may be any repository's.
      if (policies.some((p) => p.dependencies === undefined && typeof p.props.repository !== "string")) return [];
      return resources
        .filter((r) => r.type === REPOSITORY && !policies.some((p) => covers(p, r)))
        .map((r) => ({ resource: `${r.type}::${r.name}`, message: "no lifecycle policy: the repository grows forever" }));
    },
  },
  {
    name: "elb-http-to-https",
    control: "ELB.1",
    description: "Application Load Balancers should redirect all HTTP requests to HTTPS.",
    enforcementLevel: "mandatory",
    resourceType: LISTENER,
    check: (p) => {
      if (p.protocol !== "HTTP") return [];
      const actions = list(p.defaultActions)?.map(obj) ?? [];
      const redirects = actions.some((a) => a?.type === "redirect" && obj(a.redirect)?.protocol === "HTTPS");
      return redirects ? [] : [`HTTP listener on port ${String(p.port ?? "?")} does not redirect to HTTPS (set ferry:certificateArn to serve HTTPS)`];
    },
  },
  {
    name: "elb-drop-invalid-headers",
    control: "ELB.4",
    description: "Application Load Balancers should be configured to drop invalid HTTP headers.",
    enforcementLevel: "mandatory",
    resourceType: LOAD_BALANCER,
    check: (p) => (p.loadBalancerType !== undefined && p.loadBalancerType !== "application") || p.dropInvalidHeaderFields === true ? [] : ["dropInvalidHeaderFields is not true"],
  },
  {
    name: "elb-access-logs",
    control: "ELB.5",
    description: "Application Load Balancer logging should be enabled.",
    enforcementLevel: "advisory",
    resourceType: LOAD_BALANCER,
    check: (p) => (obj(p.accessLogs)?.enabled === true ? [] : ["access logs are off (ferry:loadBalancer.accessLogs)"]),
  },
  {
    name: "elb-deletion-protection",
    control: "ELB.6",
    description: "Load balancers of production stacks should have deletion protection enabled.",
    enforcementLevel: "mandatory",
    resourceType: LOAD_BALANCER,
    check: (p, settings) => {
      const stack = obj(p.tags)?.[STACK_TAG];
      // A load balancer without Ferry's stack tag is held to the control, as Security Hub holds every one.
      const production = typeof stack !== "string" || settings.productionStacks.includes(stack);
      return production && p.enableDeletionProtection !== true ? [`deletion protection is off in ${typeof stack === "string" ? `production stack ${stack}` : "a load balancer of no known stack"} (ferry:loadBalancer.deletionProtection)`] : [];
    },
  },
  {
    name: "ferry-deployment-safety",
    description: "Every ECS service rolls back a failed deployment: a circuit breaker with rollback, or deployment alarms with rollback.",
    enforcementLevel: "mandatory",
    resourceType: SERVICE,
    check: (p) => {
      const breaker = obj(p.deploymentCircuitBreaker);
      const alarms = obj(p.alarms);
      const on = (o: Obj | undefined) => o?.enable === true && o.rollback === true;
      return on(breaker) || on(alarms) ? [] : ["neither the circuit breaker nor deployment alarms roll a failed deployment back"];
    },
  },
  {
    name: "ferry-image-pinned-by-digest",
    description: "Every container runs an image pinned by digest (<repository>@sha256:<digest>), never a tag that can move.",
    enforcementLevel: "mandatory",
    resourceType: TASK_DEFINITION,
    check: perContainer((c) => (c.image === undefined || DIGEST_PINNED.test(c.image) ? undefined : `image ${c.image} is not pinned by digest`)),
  },
  {
    name: "ferry-arm64-unless-stated",
    description: `Tasks run on arm64 (Graviton) unless the task definition's ${X86_REASON_TAG} tag says why not (ferry:services.<name>.x86Reason).`,
    enforcementLevel: "mandatory",
    resourceType: TASK_DEFINITION,
    check: (p) => {
      const arch = obj(p.runtimePlatform)?.cpuArchitecture;
      if (arch === "ARM64") return [];
      const reason = obj(p.tags)?.[X86_REASON_TAG];
      if (typeof reason === "string" && reason.trim() !== "") return [];
      return [`runs on ${arch === undefined ? "X86_64 (no runtimePlatform.cpuArchitecture)" : String(arch)} with no stated reason (ferry:services.<name>.x86Reason)`];
    },
  },
];

/** Every violation of `policies` among `resources`, in policy order then resource order. */
export function evaluate(resources: PolicyResource[], settings: PolicySettings = DEFAULT_SETTINGS, policies: readonly Policy[] = POLICIES): Violation[] {
  const out: Violation[] = [];
  for (const policy of policies) {
    const base = { policy: policy.name, control: policy.control ?? null, enforcementLevel: policy.enforcementLevel };
    if (policy.check) {
      for (const r of resources.filter((x) => x.type === policy.resourceType)) {
        for (const message of policy.check(r.props, settings)) out.push({ ...base, resource: `${r.type}::${r.name}`, message });
      }
    }
    if (policy.checkStack) for (const v of policy.checkStack(resources, settings)) out.push({ ...base, ...v });
  }
  return out;
}
