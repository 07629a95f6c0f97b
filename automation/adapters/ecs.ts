/**
 * ECS over the AWS SDK v3: the reads the deployment watch needs and the answer to a paused
 * deployment. Endpoints and credentials follow the SDK's standard settings (AWS_REGION,
 * AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_ECS, profiles), so an emulator can stand in.
 */
import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  Service,
  ServiceDeployment,
  ServiceDeploymentBrief,
  ServiceRevision,
} from "@aws-sdk/client-ecs";
import type { EcsDeploymentReader } from "../../lib/deploymentWatch";

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
    return new EcsDeployments(new ECSClient(region ? { region } : {}));
  }

  async listServiceDeployments(cluster: string, service: string, createdAfter: Date): Promise<ServiceDeploymentBrief[]> {
    const out: ServiceDeploymentBrief[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(new ListServiceDeploymentsCommand({ cluster, service, createdAt: { after: createdAfter }, nextToken }));
      out.push(...(page.serviceDeployments ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return out;
  }

  async describeServiceDeployments(arns: string[]): Promise<ServiceDeployment[]> {
    const pages = await Promise.all(chunks(arns, BATCH).map((serviceDeploymentArns) => this.client.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns }))));
    return pages.flatMap((p) => p.serviceDeployments ?? []);
  }

  async describeServiceRevisions(arns: string[]): Promise<ServiceRevision[]> {
    const pages = await Promise.all(chunks(arns, BATCH).map((serviceRevisionArns) => this.client.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns }))));
    return pages.flatMap((p) => p.serviceRevisions ?? []);
  }

  async describeService(cluster: string, service: string): Promise<Service | undefined> {
    const out = await this.client.send(new DescribeServicesCommand({ cluster, services: [service] }));
    return out.services?.[0];
  }

  /** Answers a deployment paused at a PAUSE lifecycle hook. */
  async continueDeployment(serviceDeploymentArn: string, hookId: string, action: "CONTINUE" | "ROLLBACK"): Promise<void> {
    await this.client.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn, hookId, action }));
  }
}
