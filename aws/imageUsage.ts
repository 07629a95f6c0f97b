/**
 * What in ECS still uses a repository's images, for `ferry gc`: every ACTIVE task definition in the
 * repository's region (a service, a scheduled task or a person may start it again) and every running
 * task in every cluster there. Container images are read as written (`@sha256:` pins, tags) and
 * resolved against the repository's images (lib/gc.ts `digestsUsed`); running tasks also report the
 * digest ECS resolved. DescribeTasks takes up to 100 task ARNs (ECS API reference); list calls are
 * paged with ECS's default page size.
 */
import { DescribeTaskDefinitionCommand, DescribeTasksCommand, ECSClient, ListClustersCommand, ListTaskDefinitionsCommand, ListTasksCommand } from "@aws-sdk/client-ecs";
import type { RepositoryId } from "../lib/ecrRepository";
import { digestsUsed, Holder, RepositoryImage } from "../lib/gc";

export const DESCRIBE_TASKS_BATCH = 100;
/** Task definitions described at once (one DescribeTaskDefinition call each). */
const PARALLEL = 5;

export interface ImageUsagePort {
  holders(repository: RepositoryId, images: RepositoryImage[]): Promise<Holder[]>;
}

async function paged(next: (token?: string) => Promise<{ items?: string[]; nextToken?: string }>): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page = await next(token);
    out.push(...(page.items ?? []));
    token = page.nextToken;
  } while (token);
  return out;
}

const shortArn = (arn: string) => arn.slice(arn.lastIndexOf("/") + 1);

export class EcsImageUsage implements ImageUsagePort {
  constructor(private readonly client: (region: string) => ECSClient = (region) => new ECSClient({ region })) {}

  async holders(repository: RepositoryId, images: RepositoryImage[]): Promise<Holder[]> {
    const ecs = this.client(repository.region);
    const holders: Holder[] = [];
    const definitions = await paged(async (nextToken) => {
      const p = await ecs.send(new ListTaskDefinitionsCommand({ status: "ACTIVE", nextToken }));
      return { items: p.taskDefinitionArns, nextToken: p.nextToken };
    });
    for (let i = 0; i < definitions.length; i += PARALLEL) {
      const described = await Promise.all(definitions.slice(i, i + PARALLEL).map((taskDefinition) => ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }))));
      for (const d of described) {
        const digests = digestsUsed((d.taskDefinition?.containerDefinitions ?? []).map((c) => c.image ?? ""), repository, images);
        if (digests.length) holders.push({ what: `ACTIVE task definition ${shortArn(d.taskDefinition?.taskDefinitionArn ?? "?")}`, digests });
      }
    }
    const clusters = await paged(async (nextToken) => {
      const p = await ecs.send(new ListClustersCommand({ nextToken }));
      return { items: p.clusterArns, nextToken: p.nextToken };
    });
    for (const cluster of clusters) {
      const tasks = await paged(async (nextToken) => {
        const p = await ecs.send(new ListTasksCommand({ cluster, desiredStatus: "RUNNING", nextToken }));
        return { items: p.taskArns, nextToken: p.nextToken };
      });
      for (let i = 0; i < tasks.length; i += DESCRIBE_TASKS_BATCH) {
        const out = await ecs.send(new DescribeTasksCommand({ cluster, tasks: tasks.slice(i, i + DESCRIBE_TASKS_BATCH) }));
        for (const t of out.tasks ?? []) {
          const refs = (t.containers ?? []).flatMap((c) => [c.image ?? "", ...(c.imageDigest && c.image ? [`${c.image.replace(/[:@].*$/, "")}@${c.imageDigest}`] : [])]);
          const digests = digestsUsed(refs, repository, images);
          if (digests.length) holders.push({ what: `running task ${shortArn(t.taskArn ?? "?")} in ${shortArn(cluster)}`, digests });
        }
      }
    }
    return holders;
  }
}
