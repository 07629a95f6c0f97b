/**
 * ECR over the AWS SDK v3: scan findings of an image (summed over its platform images) and release
 * tags written on an index and each of its platform images. Clients follow the SDK's standard
 * settings (credentials, AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_ECR), in the image's own region.
 */
import {
  BatchGetImageCommand,
  DescribeImageScanFindingsCommand,
  ECRClient,
  ImageAlreadyExistsException,
  PutImageCommand,
} from "@aws-sdk/client-ecr";
import { RegistryPort, ScanFindings } from "../automation/ports";
import { parseRepository } from "../lib/ecrRepository";

const INDEX_TYPES = ["application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json"];
const MANIFEST_TYPES = ["application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json"];

export interface EcrImage {
  registryId: string;
  region: string;
  repositoryName: string;
  digest: string;
}

/** `<account>.dkr.ecr.<region>.amazonaws.com/<name>@sha256:<hex>` → its parts; undefined outside ECR or unpinned. */
export function parseEcrRef(ref: string): EcrImage | undefined {
  const repository = parseRepository(ref);
  const digest = /@(sha256:[a-f0-9]{64})$/.exec(ref)?.[1];
  return repository && digest ? { ...repository, digest } : undefined;
}

interface ManifestEntry {
  digest: string;
  platform?: { os?: string; architecture?: string };
  annotations?: Record<string, string>;
}

export class EcrRegistry implements RegistryPort {
  private clients = new Map<string, ECRClient>();

  constructor(private readonly makeClient: (region: string) => ECRClient = (region) => new ECRClient({ region })) {}

  private client(region: string): ECRClient {
    let c = this.clients.get(region);
    if (!c) this.clients.set(region, (c = this.makeClient(region)));
    return c;
  }

  private image(ref: string): EcrImage {
    const image = parseEcrRef(ref);
    if (!image) throw new Error(`${ref} is not an image in Amazon ECR`);
    return image;
  }

  private async manifest(image: EcrImage, digest: string): Promise<{ body: string; mediaType?: string }> {
    const out = await this.client(image.region).send(
      new BatchGetImageCommand({
        registryId: image.registryId,
        repositoryName: image.repositoryName,
        imageIds: [{ imageDigest: digest }],
        acceptedMediaTypes: [...INDEX_TYPES, ...MANIFEST_TYPES],
      }),
    );
    const found = out.images?.[0];
    if (!found?.imageManifest) throw new Error(`${image.repositoryName}@${digest} was not found (${out.failures?.[0]?.failureReason ?? "no manifest"})`);
    return { body: found.imageManifest, mediaType: found.imageManifestMediaType };
  }

  /** The platform images of an index (attestation manifests left out), or [] for a single image. */
  async platformImages(ref: string): Promise<{ digest: string; arch: string }[]> {
    const image = this.image(ref);
    const doc = JSON.parse((await this.manifest(image, image.digest)).body) as { manifests?: ManifestEntry[] };
    return (doc.manifests ?? [])
      .filter((m) => m.platform?.os !== "unknown" && m.annotations?.["vnd.docker.reference.type"] !== "attestation-manifest")
      .map((m) => ({ digest: m.digest, arch: m.platform?.architecture ?? "unknown" }));
  }

  async platforms(ref: string): Promise<string[]> {
    const image = this.image(ref);
    const { body, mediaType } = await this.manifest(image, image.digest);
    const doc = JSON.parse(body) as { mediaType?: string; manifests?: ManifestEntry[] };
    if (!INDEX_TYPES.includes(mediaType ?? doc.mediaType ?? "") && !doc.manifests) {
      throw new Error(`${image.repositoryName}@${image.digest} is a single image, not a multi-arch index, so ECR does not say which architecture it is for`);
    }
    return [...new Set((await this.platformImages(ref)).map((p) => p.arch))];
  }

  async scanFindings(ref: string): Promise<ScanFindings> {
    const image = this.image(ref);
    const platforms = await this.platformImages(ref);
    const digests = platforms.length ? platforms.map((p) => p.digest) : [image.digest];
    const counts: Record<string, number> = {};
    for (const digest of digests) {
      const out = await this.client(image.region).send(
        new DescribeImageScanFindingsCommand({ registryId: image.registryId, repositoryName: image.repositoryName, imageId: { imageDigest: digest } }),
      );
      const status = out.imageScanStatus?.status;
      if (status !== "COMPLETE" && status !== "ACTIVE") {
        throw new Error(`the scan of ${digest} is ${status ?? "missing"}${out.imageScanStatus?.description ? ` (${out.imageScanStatus.description})` : ""}`);
      }
      for (const [severity, n] of Object.entries(out.imageScanFindings?.findingSeverityCounts ?? {})) counts[severity] = (counts[severity] ?? 0) + (n ?? 0);
    }
    return { counts, images: digests.length };
  }

  async tag(ref: string, tag: string): Promise<void> {
    const image = this.image(ref);
    const put = async (digest: string, imageTag: string) => {
      const { body, mediaType } = await this.manifest(image, digest);
      try {
        await this.client(image.region).send(
          new PutImageCommand({ registryId: image.registryId, repositoryName: image.repositoryName, imageManifest: body, imageManifestMediaType: mediaType, imageTag, imageDigest: digest }),
        );
      } catch (err) {
        // The same tag on the same image: already done.
        if (!(err instanceof ImageAlreadyExistsException)) throw err;
      }
    };
    for (const p of await this.platformImages(ref)) await put(p.digest, `${tag}-${p.arch}`);
    await put(image.digest, tag);
  }
}
