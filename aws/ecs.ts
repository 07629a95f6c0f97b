/**
 * ECS over the AWS SDK v3: the reads the deployment watch needs and the answer to a paused
 * deployment. Endpoints and credentials follow the SDK's standard settings (AWS_REGION,
 * AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_ECS, profiles), so an emulator can stand in.
 */
import type * as EcsSdk from "@aws-sdk/client-ecs";
import type { ECSClient, Service, ServiceDeployment, ServiceDeploymentBrief, ServiceRevision } from "@aws-sdk/client-ecs";
import type { AwsAccess } from "../config/awsAccess";
import type { EcsDeploymentReader } from "../lib/deploymentWatch";
import { clientConfig } from "./access";
import type { DeploymentsPort, PausedDeployment } from "../automation/ports";

/**
 * The ECS SDK, loaded when first used: the offline plan declares the deployment check (which holds
 * this module) without loading it. A `require` inside a function is also how Pulumi's closure
 * serializer wants a package used by a dynamic provider's code.
 */
function sdk(): typeof EcsSdk {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("@aws-sdk/client-ecs");
}

/** ECS accepts at most 20 ARNs per Describe call. */
const BATCH = 20;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class EcsDeployments implements EcsDeploymentReader {
  constructor(readonly client: ECSClient) {}

  static forRegion(region?: string): EcsDeployments {
    return new EcsDeployments(new (sdk().ECSClient)(region ? { region } : {}));
  }

  /** A reader of the account and region a stack deploys to, with its provider's credentials and endpoint. */
  static forAccess(access: AwsAccess): EcsDeployments {
    return new EcsDeployments(new (sdk().ECSClient)(clientConfig(access, access.ecsEndpoint)));
  }

  async listServiceDeployments(cluster: string, service: string, createdAfter: Date): Promise<ServiceDeploymentBrief[]> {
    const out: ServiceDeploymentBrief[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(new (sdk().ListServiceDeploymentsCommand)({ cluster, service, createdAt: { after: createdAfter }, nextToken }));
      out.push(...(page.serviceDeployments ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return out;
  }

  async describeServiceDeployments(arns: string[]): Promise<ServiceDeployment[]> {
    const pages = await Promise.all(chunks(arns, BATCH).map((serviceDeploymentArns) => this.client.send(new (sdk().DescribeServiceDeploymentsCommand)({ serviceDeploymentArns }))));
    return pages.flatMap((p) => p.serviceDeployments ?? []);
  }

  async describeServiceRevisions(arns: string[]): Promise<ServiceRevision[]> {
    const pages = await Promise.all(chunks(arns, BATCH).map((serviceRevisionArns) => this.client.send(new (sdk().DescribeServiceRevisionsCommand)({ serviceRevisionArns }))));
    return pages.flatMap((p) => p.serviceRevisions ?? []);
  }

  async describeService(cluster: string, service: string): Promise<Service | undefined> {
    const out = await this.client.send(new (sdk().DescribeServicesCommand)({ cluster, services: [service] }));
    return out.services?.[0];
  }

  /** Deployments of these services waiting at a PAUSE lifecycle hook. */
  async paused(cluster: string, services: string[]): Promise<PausedDeployment[]> {
    const out: PausedDeployment[] = [];
    for (const service of services) {
      const briefs: ServiceDeploymentBrief[] = [];
      let nextToken: string | undefined;
      do {
        const page = await this.client.send(new (sdk().ListServiceDeploymentsCommand)({ cluster, service, status: ["IN_PROGRESS"], nextToken }));
        briefs.push(...(page.serviceDeployments ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      const arns = briefs.map((b) => b.serviceDeploymentArn).filter((a): a is string => !!a);
      for (const d of arns.length ? await this.describeServiceDeployments(arns) : []) {
        for (const hook of d.lifecycleHookDetails ?? []) {
          if (hook.targetType === "PAUSE" && hook.status === "AWAITING_ACTION" && hook.hookId && d.serviceDeploymentArn) {
            out.push({ service, deploymentArn: d.serviceDeploymentArn, hookId: hook.hookId, stage: d.lifecycleStage, expiresAt: hook.expiresAt, timeoutAction: hook.timeoutAction });
          }
        }
      }
    }
    return out;
  }

  /** Answers a deployment paused at a PAUSE lifecycle hook. */
  async continueDeployment(serviceDeploymentArn: string, hookId: string, action: "CONTINUE" | "ROLLBACK"): Promise<void> {
    await this.client.send(new (sdk().ContinueServiceDeploymentCommand)({ serviceDeploymentArn, hookId, action }));
  }
}

/** ECS deployments in any region, one client per region. */
export class EcsDeploymentsByRegion implements DeploymentsPort {
  private byRegion = new Map<string, EcsDeployments>();

  constructor(private readonly makeClient: (region: string) => ECSClient = (region) => new (sdk().ECSClient)({ region })) {}

  private in(region: string): EcsDeployments {
    let e = this.byRegion.get(region);
    if (!e) this.byRegion.set(region, (e = new EcsDeployments(this.makeClient(region))));
    return e;
  }

  paused(region: string, cluster: string, services: string[]): Promise<PausedDeployment[]> {
    return this.in(region).paused(cluster, services);
  }

  answer(region: string, deployment: PausedDeployment, action: "CONTINUE" | "ROLLBACK"): Promise<void> {
    return this.in(region).continueDeployment(deployment.deploymentArn, deployment.hookId, action);
  }
}
