/**
 * A small stand-in for the Amazon ECR API on 127.0.0.1 (the AWS JSON 1.1 protocol the SDK speaks), for
 * contract tests of Ferry's registry calls: BatchGetImage, DescribeImageScanFindings and PutImage over
 * seeded multi-arch indexes. It keeps tags the way ECR does (a tag names one digest; putting the same
 * tag on the same image again is ImageAlreadyExistsException).
 */
import { createHash } from "crypto";
import * as http from "http";
import { AddressInfo } from "net";

interface Stored {
  manifest: string;
  mediaType: string;
  counts: Record<string, number>;
}

const INDEX = "application/vnd.oci.image.index.v1+json";
const MANIFEST = "application/vnd.oci.image.manifest.v1+json";

export class FakeEcr {
  readonly images = new Map<string, Stored>();
  /** `<repository>:<tag>` → digest. */
  readonly tags = new Map<string, string>();
  readonly calls: string[] = [];
  private server?: http.Server;
  url = "";

  /** Seeds `ref` (`…/<repo>@sha256:<hex>`) as an index of platform images, each with these scan findings. */
  seedIndex(ref: string, arches: string[] = ["amd64", "arm64"], counts: Record<string, number> = { HIGH: 1 }): void {
    const digest = ref.slice(ref.indexOf("@") + 1);
    const manifests = arches.map((arch) => {
      const body = JSON.stringify({ schemaVersion: 2, mediaType: MANIFEST, config: { digest: `sha256:${"0".repeat(64)}` }, arch, of: digest });
      const d = `sha256:${createHash("sha256").update(body).digest("hex")}`;
      this.images.set(d, { manifest: body, mediaType: MANIFEST, counts });
      return { mediaType: MANIFEST, digest: d, size: body.length, platform: { os: "linux", architecture: arch } };
    });
    this.images.set(digest, { manifest: JSON.stringify({ schemaVersion: 2, mediaType: INDEX, manifests }), mediaType: INDEX, counts });
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        const op = String(req.headers["x-amz-target"] ?? "").split(".").pop() ?? "";
        this.calls.push(op);
        const [status, out] = this.answer(op, JSON.parse(body || "{}"));
        res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
        res.end(JSON.stringify(out));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this;
  }

  stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.url = "";
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  private answer(op: string, input: Record<string, unknown>): [number, unknown] {
    const repo = input.repositoryName as string;
    switch (op) {
      case "BatchGetImage": {
        const ids = input.imageIds as { imageDigest?: string; imageTag?: string }[];
        const images = [];
        const failures = [];
        for (const id of ids) {
          const digest = id.imageDigest ?? this.tags.get(`${repo}:${id.imageTag}`);
          const found = digest ? this.images.get(digest) : undefined;
          if (found) images.push({ registryId: input.registryId, repositoryName: repo, imageId: { imageDigest: digest }, imageManifest: found.manifest, imageManifestMediaType: found.mediaType });
          else failures.push({ imageId: id, failureCode: "ImageNotFound", failureReason: "Requested image not found" });
        }
        return [200, { images, failures }];
      }
      case "DescribeImageScanFindings": {
        const digest = (input.imageId as { imageDigest: string }).imageDigest;
        const found = this.images.get(digest);
        if (!found) return [400, { __type: "ImageNotFoundException", message: `The image with imageId {imageDigest:'${digest}'} does not exist` }];
        return [200, { imageScanStatus: { status: "COMPLETE" }, imageScanFindings: { findingSeverityCounts: found.counts } }];
      }
      case "PutImage": {
        const key = `${repo}:${input.imageTag}`;
        const digest = input.imageDigest as string;
        const existing = this.tags.get(key);
        if (existing === digest) return [400, { __type: "ImageAlreadyExistsException", message: "Image with digest and tag already exists" }];
        if (existing) return [400, { __type: "ImageTagAlreadyExistsException", message: `The image tag '${input.imageTag}' already exists and cannot be overwritten because the repository is immutable` }];
        this.tags.set(key, digest);
        return [200, { image: { repositoryName: repo, imageId: { imageDigest: digest, imageTag: input.imageTag } } }];
      }
      default:
        return [400, { __type: "UnknownOperationException", message: `the fake ECR does not know ${op}` }];
    }
  }
}
