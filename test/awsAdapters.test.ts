/**
 * The AWS adapters over recorded-shape SDK responses (aws-sdk-client-mock): ECR scan findings and
 * release tags across a multi-arch index's platform images, and paused ECS deployments.
 */
import { BatchGetImageCommand, DescribeImageScanFindingsCommand, ECRClient, ImageAlreadyExistsException, PutImageCommand } from "@aws-sdk/client-ecr";
import { ContinueServiceDeploymentCommand, DescribeServiceDeploymentsCommand, ECSClient, ListServiceDeploymentsCommand } from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { EcrRegistry, parseEcrRef } from "../aws/ecr";
import { EcsDeploymentsByRegion } from "../aws/ecs";

const INDEX = `sha256:${"1".repeat(64)}`;
const AMD = `sha256:${"2".repeat(64)}`;
const ARM = `sha256:${"3".repeat(64)}`;
const ATTEST = `sha256:${"4".repeat(64)}`;
const REF = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/ferry@${INDEX}`;
const INDEX_MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: "application/vnd.oci.image.index.v1+json",
  manifests: [
    { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: AMD, size: 1, platform: { architecture: "amd64", os: "linux" } },
    { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: ARM, size: 1, platform: { architecture: "arm64", os: "linux" } },
    { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: ATTEST, size: 1, platform: { architecture: "unknown", os: "unknown" }, annotations: { "vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": AMD } },
  ],
});

describe("AWS adapters", () => {
  // Mocked for this suite only: other suites mock the same client classes.
  const mockEcr = () => mockClient(ECRClient);
  const mockEcs = () => mockClient(ECSClient);
  let ecr: ReturnType<typeof mockEcr>;
  let ecs: ReturnType<typeof mockEcs>;
  before(() => ((ecr = mockEcr()), (ecs = mockEcs())));
  afterEach(() => (ecr.reset(), ecs.reset()));
  after(() => (ecr.restore(), ecs.restore()));

  const registry = () => new EcrRegistry((region) => new ECRClient({ region }));
  const serveManifests = () =>
    ecr.on(BatchGetImageCommand).callsFake((input) => {
      const digest = input.imageIds[0].imageDigest;
      const body = digest === INDEX ? INDEX_MANIFEST : JSON.stringify({ schemaVersion: 2, config: { digest } });
      const mediaType = digest === INDEX ? "application/vnd.oci.image.index.v1+json" : "application/vnd.oci.image.manifest.v1+json";
      return { images: [{ imageId: { imageDigest: digest }, imageManifest: body, imageManifestMediaType: mediaType }], failures: [] };
    });

  it("parses ECR references and refuses others", () => {
    expect(parseEcrRef(REF)).to.deep.equal({ registryId: "123456789012", region: "eu-west-1", repositoryName: "team/ferry", digest: INDEX });
    expect(parseEcrRef(`ghcr.io/acme/app@${INDEX}`)).to.equal(undefined);
  });

  it("sums scan findings over the platform images of an index, leaving attestations out", async () => {
    serveManifests();
    ecr.on(DescribeImageScanFindingsCommand).callsFake((input) => ({
      imageScanStatus: { status: "COMPLETE" },
      imageScanFindings: { findingSeverityCounts: input.imageId.imageDigest === AMD ? { HIGH: 2, CRITICAL: 1 } : { HIGH: 1 } },
    }));
    expect(await registry().scanFindings(REF)).to.deep.equal({ counts: { HIGH: 3, CRITICAL: 1 }, images: 2 });
    expect(ecr.commandCalls(DescribeImageScanFindingsCommand).map((c) => c.args[0].input.imageId?.imageDigest)).to.deep.equal([AMD, ARM]);
    expect(ecr.commandCalls(DescribeImageScanFindingsCommand)[0].args[0].input).to.deep.include({ registryId: "123456789012", repositoryName: "team/ferry" });
  });

  it("fails when any platform image has no finished scan (the gate then fails closed)", async () => {
    serveManifests();
    ecr.on(DescribeImageScanFindingsCommand).callsFake((input) => ({ imageScanStatus: { status: input.imageId.imageDigest === ARM ? "IN_PROGRESS" : "COMPLETE" } }));
    const err = await registry().scanFindings(REF).then(() => undefined, (e: Error) => e);
    expect(err?.message).to.equal(`the scan of ${ARM} is IN_PROGRESS`);
  });

  it("tags each platform image <tag>-<arch> and the index <tag>; an existing identical tag is fine", async () => {
    serveManifests();
    ecr.on(PutImageCommand).callsFake((input) => {
      if (input.imageTag === "release-prod-4-amd64") throw new ImageAlreadyExistsException({ message: "exists", $metadata: {} });
      return { image: { imageId: { imageDigest: input.imageDigest, imageTag: input.imageTag } } };
    });
    await registry().tag(REF, "release-prod-4");
    expect(ecr.commandCalls(PutImageCommand).map((c) => [c.args[0].input.imageTag, c.args[0].input.imageDigest, c.args[0].input.imageManifestMediaType])).to.deep.equal([
      ["release-prod-4-amd64", AMD, "application/vnd.oci.image.manifest.v1+json"],
      ["release-prod-4-arm64", ARM, "application/vnd.oci.image.manifest.v1+json"],
      ["release-prod-4", INDEX, "application/vnd.oci.image.index.v1+json"],
    ]);
  });

  it("finds deployments paused at a PAUSE hook and continues them", async () => {
    const arn = "arn:aws:ecs:eu-west-1:123456789012:service-deployment/c/web/abc";
    ecs.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [{ serviceDeploymentArn: arn, status: "IN_PROGRESS" }] });
    ecs.on(DescribeServiceDeploymentsCommand).resolves({
      serviceDeployments: [{
        serviceDeploymentArn: arn,
        status: "IN_PROGRESS",
        lifecycleStage: "POST_TEST_TRAFFIC_SHIFT",
        lifecycleHookDetails: [
          { hookId: "h-lambda", targetType: "AWS_LAMBDA", status: "IN_PROGRESS" },
          { hookId: "h-pause", targetType: "PAUSE", status: "AWAITING_ACTION", expiresAt: new Date("2026-11-23T11:00:00Z"), timeoutAction: "ROLLBACK" },
        ],
      }],
    });
    ecs.on(ContinueServiceDeploymentCommand).resolves({ serviceDeploymentArn: arn });
    const deployments = new EcsDeploymentsByRegion((region) => new ECSClient({ region }));
    const paused = await deployments.paused("eu-west-1", "c", ["web"]);
    expect(paused).to.deep.equal([{ service: "web", deploymentArn: arn, hookId: "h-pause", stage: "POST_TEST_TRAFFIC_SHIFT", expiresAt: new Date("2026-11-23T11:00:00Z"), timeoutAction: "ROLLBACK" }]);
    expect(ecs.commandCalls(ListServiceDeploymentsCommand)[0].args[0].input).to.deep.include({ cluster: "c", service: "web", status: ["IN_PROGRESS"] });
    await deployments.answer("eu-west-1", paused[0], "CONTINUE");
    expect(ecs.commandCalls(ContinueServiceDeploymentCommand)[0].args[0].input).to.deep.equal({ serviceDeploymentArn: arn, hookId: "h-pause", action: "CONTINUE" });
  });
});
