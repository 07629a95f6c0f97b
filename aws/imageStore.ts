/**
 * The images of one ECR repository, for `ferry gc`: every manifest with its tags and push time, the
 * manifests each multi-arch index references, and deletion in batches. Limits are the API model's
 * (test/fixtures/aws-models/ecr.json): DescribeImages returns at most 1000 per page, BatchGetImage and
 * BatchDeleteImage take at most 100 image ids.
 */
import { BatchDeleteImageCommand, BatchGetImageCommand, DescribeImagesCommand, ECRClient, ImageDetail } from "@aws-sdk/client-ecr";
import type { RepositoryId } from "../lib/ecrRepository";
import type { RepositoryImage } from "../lib/gc";

export const DESCRIBE_PAGE = 1000;
export const BATCH = 100;
const INDEX_TYPES = ["application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json"];
const ALL_TYPES = [...INDEX_TYPES, "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json"];

export interface RemoveResult {
  deleted: string[];
  failures: { digest: string; reason: string }[];
}

/** What `ferry gc` reads and deletes in a repository. */
export interface ImageStorePort {
  images(repository: RepositoryId): Promise<RepositoryImage[]>;
  remove(repository: RepositoryId, digests: string[]): Promise<RemoveResult>;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export class EcrImageStore implements ImageStorePort {
  constructor(private readonly client: (region: string) => ECRClient = (region) => new ECRClient({ region })) {}

  async images(r: RepositoryId): Promise<RepositoryImage[]> {
    const ecr = this.client(r.region);
    const details: ImageDetail[] = [];
    let nextToken: string | undefined;
    do {
      const page = await ecr.send(new DescribeImagesCommand({ registryId: r.registryId, repositoryName: r.repositoryName, maxResults: DESCRIBE_PAGE, nextToken }));
      details.push(...(page.imageDetails ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    const indexes = details.filter((d) => INDEX_TYPES.includes(d.imageManifestMediaType ?? "")).map((d) => d.imageDigest!);
    const children = new Map<string, string[]>();
    for (const batch of chunks(indexes, BATCH)) {
      const out = await ecr.send(
        new BatchGetImageCommand({ registryId: r.registryId, repositoryName: r.repositoryName, imageIds: batch.map((imageDigest) => ({ imageDigest })), acceptedMediaTypes: ALL_TYPES }),
      );
      const failure = out.failures?.[0];
      // An index whose references cannot be read must not let its platform images go.
      if (failure) throw new Error(`cannot read index ${failure.imageId?.imageDigest} of ${r.repositoryName}: ${failure.failureCode} ${failure.failureReason ?? ""}`.trim());
      for (const img of out.images ?? []) {
        const doc = JSON.parse(img.imageManifest ?? "{}") as { manifests?: { digest: string }[] };
        children.set(img.imageId!.imageDigest!, (doc.manifests ?? []).map((m) => m.digest));
      }
    }
    return details.map((d) => ({
      digest: d.imageDigest!,
      tags: d.imageTags ?? [],
      pushedAt: (d.imagePushedAt ?? new Date(0)).toISOString(),
      ...(children.has(d.imageDigest!) ? { children: children.get(d.imageDigest!) } : {}),
    }));
  }

  async remove(r: RepositoryId, digests: string[]): Promise<RemoveResult> {
    const result: RemoveResult = { deleted: [], failures: [] };
    for (const batch of chunks(digests, BATCH)) {
      const out = await this.client(r.region).send(
        new BatchDeleteImageCommand({ registryId: r.registryId, repositoryName: r.repositoryName, imageIds: batch.map((imageDigest) => ({ imageDigest })) }),
      );
      // Each id either is deleted or comes back as a failure. The deleted ids are not read from the
      // reply's imageIds: ECR lists an image once per tag there, and moto lists untagged ones not at all.
      const failed = new Set<string>();
      for (const f of out.failures ?? []) {
        failed.add(f.imageId?.imageDigest ?? "");
        result.failures.push({ digest: f.imageId?.imageDigest ?? "?", reason: `${f.failureCode}: ${f.failureReason ?? ""}`.trim() });
      }
      result.deleted.push(...batch.filter((d) => !failed.has(d)));
    }
    return result;
  }
}
