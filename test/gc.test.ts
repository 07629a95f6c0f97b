/**
 * `ferry gc`'s decision, over a repository seeded as the issue of reference-aware cleanup describes:
 * indexes with untagged children (platform images, attestations), old build tags, generation tags,
 * cache tags, and an image only a task definition still uses. Nothing a rollback, a stack or a task
 * can reach goes; every kept image says why, every removed one says why not.
 */
import { BatchDeleteImageCommand, BatchGetImageCommand, DescribeImagesCommand, ECRClient } from "@aws-sdk/client-ecr";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { BATCH, DESCRIBE_PAGE, EcrImageStore } from "../aws/imageStore";
import { FIXTURES } from "./support/paths";
import { parseRepository, repositoryUrl } from "../lib/ecrRepository";
import { digestsUsed, GcInputs, planGc, RepositoryImage } from "../lib/gc";
import { gc } from "../automation/gc";
import { messages } from "../automation/decisions";
import { RefusedError } from "../automation/errors";
import type { UpdateRecord } from "../automation/ports";
import type { ImageStorePort } from "../aws/imageStore";
import type { ImageUsagePort } from "../aws/imageUsage";
import { memoryPorts, MemoryStack, ref, REPO } from "./support/memoryPorts";

const d = (c: string) => `sha256:${c.repeat(64)}`;
const at = (day: number) => `2026-11-${String(day).padStart(2, "0")}T10:00:00.000Z`;

/** An index pushed on `day` with an amd64 image, an arm64 image and an attestation, all untagged. */
const index = (c: string, day: number, tags: string[], children: string[]) => [
  { digest: d(c), tags, pushedAt: at(day), children },
  ...children.map((child) => ({ digest: child, tags: [], pushedAt: at(day) })),
];

function seeded(): GcInputs {
  return {
    images: [
      // Generation 1 and 2 of prod, 3 of staging; prod runs 2; staging runs 3.
      ...index("1", 1, ["build-aaaaaaaaaaaa", "release-prod-1"], [d("a"), d("b")]),
      ...index("2", 2, ["build-bbbbbbbbbbbb", "release-prod-2", "stack-prod"], [d("c"), d("e")]),
      ...index("3", 3, ["build-cccccccccccc", "release-staging-3", "stack-staging"], [d("f"), d("0")]),
      // An old build nobody promoted, and its platform image tagged on its own.
      ...index("4", 4, ["build-dddddddddddd"], [d("5")]),
      { digest: d("6"), tags: ["arm64-dddddddddddd"], pushedAt: at(4) },
      // The build cache, and an untagged manifest a cache push overwrote.
      { digest: d("7"), tags: ["cache-web-arm64"], pushedAt: at(5) },
      { digest: d("8"), tags: [], pushedAt: at(5) },
      // An image only an ACTIVE task definition still uses (a service outside the stacks' outputs).
      { digest: d("9"), tags: ["build-eeeeeeeeeeee"], pushedAt: at(6) },
    ],
    running: { prod: [d("2")], staging: [d("3")] },
    releases: {
      prod: [{ generation: 2, digests: [d("2")] }, { generation: 1, digests: [d("1")] }],
      staging: [{ generation: 3, digests: [d("3")] }],
    },
    keepGenerations: 2,
    inUse: [{ what: "ACTIVE task definition ferry-prod-batch:4", digests: [d("9")] }],
  };
}

describe("ferry gc decides", () => {
  it("keeps whatever a stack, a kept generation, a task or a kept index reaches, and the cache; removes the rest, saying why", () => {
    const plan = planGc(seeded());
    const said = (list: typeof plan.keep) => Object.fromEntries(list.map((x) => [x.digest.slice(7, 8), x.reasons]));
    expect(said(plan.keep)).to.deep.equal({
      "1": ["generation 1 of prod (the newest 2 are kept)"],
      a: ["part of kept index 111111111111"],
      b: ["part of kept index 111111111111"],
      "2": ["prod runs it", "generation 2 of prod (the newest 2 are kept)"],
      c: ["part of kept index 222222222222"],
      e: ["part of kept index 222222222222"],
      "3": ["staging runs it", "generation 3 of staging (the newest 2 are kept)"],
      f: ["part of kept index 333333333333"],
      "0": ["part of kept index 333333333333"],
      "7": ["a build cache (expired by age, by the lifecycle policy)"],
      "9": ["ACTIVE task definition ferry-prod-batch:4"],
    });
    expect(said(plan.remove)).to.deep.equal({
      "4": ["no stack runs it, no kept generation is it, no task uses it"],
      "5": ["untagged, and no kept index references it"],
      "6": ["no stack runs it, no kept generation is it, no task uses it"],
      "8": ["untagged, and no kept index references it"],
    });
  });

  it("lets a generation go once newer ones fill the kept count, with its platform images, unless something else holds them", () => {
    const one = { ...seeded(), keepGenerations: 1 };
    const plan = planGc(one);
    const removed = plan.remove.map((x) => x.digest.slice(7, 8));
    expect(removed).to.include.members(["1", "a", "b"]);
    expect(plan.remove.find((x) => x.digest === d("1"))!.reasons).to.deep.equal(["generation 1 of prod: older than the generations kept, and nothing runs it"]);
    // A platform image shared with a kept index stays.
    const shared = seeded();
    shared.keepGenerations = 1;
    shared.images.find((x) => x.digest === d("2"))!.children = [d("c"), d("e"), d("a")];
    const kept = planGc(shared).keep.find((x) => x.digest === d("a"));
    expect(kept?.reasons).to.deep.equal(["part of kept index 222222222222"]);
    // A task still running an old generation keeps it.
    const running = seeded();
    running.keepGenerations = 0;
    running.inUse.push({ what: "running task 0a1b2c of ferry-prod", digests: [d("1")] });
    expect(planGc(running).keep.find((x) => x.digest === d("1"))?.reasons).to.deep.equal(["running task 0a1b2c of ferry-prod"]);
  });

  it("follows nested indexes, and never removes what a stack runs whatever the kept count", () => {
    const nested = seeded();
    nested.images.push({ digest: d("d"), tags: [], pushedAt: at(7), children: [d("5")] });
    nested.images.find((x) => x.digest === d("3"))!.children!.push(d("d"));
    const plan = planGc({ ...nested, keepGenerations: 0 });
    expect(plan.keep.find((x) => x.digest === d("5"))?.reasons).to.deep.equal(["part of kept index dddddddddddd"]);
    expect(plan.keep.map((x) => x.digest)).to.include.members([d("2"), d("3")]);
  });

  it("refuses inputs it cannot reason about", () => {
    const bad = seeded();
    bad.keepGenerations = -1;
    bad.images.push({ digest: "latest", tags: [], pushedAt: at(1) }, { ...bad.images[0] });
    expect(() => planGc(bad)).to.throw(`cannot plan a cleanup: keepGenerations must be a whole number of at least 0, not -1; "latest" is not an image digest (sha256:<64 hex>); ${d("1")} is listed twice`);
    for (const digest of [`x${d("1")}`, `${d("1")}0`]) {
      expect(() => planGc({ ...seeded(), images: [{ digest, tags: [], pushedAt: at(1) }] })).to.throw(`${JSON.stringify(digest)} is not an image digest`);
    }
  });

  it("lists what may go oldest first (by push time, then digest), and a shared child once per kept index", () => {
    const plan = planGc({
      images: [
        { digest: d("9"), tags: [], pushedAt: at(2) },
        { digest: d("8"), tags: [], pushedAt: at(1) },
        { digest: d("7"), tags: [], pushedAt: at(2) },
        { digest: d("1"), tags: ["stack-prod"], pushedAt: at(3), children: [d("2"), d("2")] },
        { digest: d("2"), tags: [], pushedAt: at(3), children: [d("1")] },
      ],
      running: { prod: [d("1")] },
      releases: {},
      keepGenerations: 1,
      inUse: [],
    });
    expect(plan.remove.map((r) => r.digest)).to.deep.equal([d("8"), d("7"), d("9")]);
    expect(plan.keep.map((k) => [k.digest, k.reasons])).to.deep.equal([
      [d("1"), ["prod runs it", `part of kept index ${"2".repeat(12)}`]],
      [d("2"), [`part of kept index ${"1".repeat(12)}`]],
    ]);
  });
});

describe("ferry gc (orchestration over the stacks, ECR and ECS ports)", () => {
  const R = (c: string) => ref(c);
  const digestOf = (r: string) => r.slice(r.indexOf("@") + 1);
  const update = (message: string, n: number): UpdateRecord => ({ kind: "update", result: "succeeded", message, startTime: `2026-11-0${n}T10:00:00Z`, endTime: `2026-11-0${n}T10:00:00Z` });

  function setup(stacks: Record<string, MemoryStack> = {}) {
    const ports = memoryPorts({
      dev: { outputs: { imageRef: R("d") }, history: [] },
      staging: { outputs: { imageRef: R("b") }, history: [update(messages.promote(R("b"), "dev", 2), 2), update(messages.promote(R("a"), "dev", 1), 1)] },
      prod: { outputs: undefined, history: [] },
      ...stacks,
    });
    const images: RepositoryImage[] = ["a", "b", "c", "d"].map((c, i) => ({ digest: digestOf(R(c)), tags: [], pushedAt: `2026-11-0${i + 1}T00:00:00.000Z`, children: [d(String(i))] }));
    images.push(...[0, 1, 2, 3].map((i) => ({ digest: d(String(i)), tags: [], pushedAt: `2026-11-0${i + 1}T00:00:00.000Z` })));
    const calls: string[][] = [];
    const store: ImageStorePort = {
      images: async (r) => (calls.push(["images", repositoryUrl(r)]), images),
      remove: async (r, digests) => (calls.push(["remove", ...digests]), { deleted: digests.filter((x) => x !== d("2")), failures: digests.includes(d("2")) ? [{ digest: d("2"), reason: "ImageNotFound: gone" }] : [] }),
    };
    const usage: ImageUsagePort = { holders: async () => [] };
    return { ports: { ...ports, images: store, usage }, calls };
  }

  it("keeps what runs and the newest generations; deletes indexes before the platform images they referenced", async () => {
    const { ports, calls } = setup();
    const dry = await gc(ports, { keepGenerations: 1 });
    expect(dry.repository).to.equal(REPO);
    expect(dry.plan.remove.map((x) => x.digest).sort()).to.deep.equal([digestOf(R("a")), digestOf(R("c")), d("0"), d("2")].sort());
    expect(calls.filter((c) => c[0] === "remove")).to.deep.equal([]);
    const applied = await gc(ports, { keepGenerations: 2, apply: true });
    // Generation 1 (a) is kept with 2 generations; c (never released, not running) goes with its child.
    expect(calls.filter((c) => c[0] === "remove")).to.deep.equal([["remove", digestOf(R("c"))], ["remove", d("2")]]);
    expect(applied.deleted).to.deep.equal([digestOf(R("c"))]);
    expect(applied.failures).to.deep.equal([{ digest: d("2"), reason: "ImageNotFound: gone" }]);
  });

  const refusals: [string, Parameters<typeof gc>[1], Record<string, MemoryStack>, string][] = [
    ["keep 0", { keepGenerations: 0 }, {}, "keep must be a whole number of generations of at least 1 (a rollback needs one to go back to), not 0"],
    ["keep 1.5", { keepGenerations: 1.5 }, {}, "not 1.5"],
    ["a repository that is not ECR's", { repository: "docker.io/library/node" }, {}, `repository "docker.io/library/node" is not an ECR repository URL`],
    ["no stack runs from ECR", {}, { dev: { outputs: undefined, history: [] }, staging: { outputs: undefined, history: [] } }, "no stack of this project runs an image from Amazon ECR; name the repository with --repository"],
    ["two repositories", {}, { dev: { outputs: { imageRef: R("d").replace("ferry-dev", "other") }, history: [] } }, "the stacks run images from 2 repositories"],
  ];
  for (const [what, req, stacks, says] of refusals) {
    it(`refuses before reading ECR: ${what}`, async () => {
      const { ports, calls } = setup(stacks);
      const err = await gc(ports, req).then(() => undefined, (e: Error) => e);
      expect(err).to.be.instanceOf(RefusedError);
      expect(err!.message).to.contain(says);
      expect(calls).to.deep.equal([]);
    });
  }

  it("counts only images of the repository it cleans: the same digest in another registry, region or repository holds nothing here", async () => {
    const elsewhere = [R("b").replace("123456789012", "210987654321"), R("b").replace("eu-west-1", "us-east-1"), R("b").replace("ferry-dev", "ferry-other")];
    for (const other of elsewhere) {
      const { ports } = setup({ staging: { outputs: { imageRef: other }, history: [] } });
      const plan = (await gc(ports, { repository: REPO, keepGenerations: 1 })).plan;
      expect(plan.remove.map((x) => x.digest), other).to.include(digestOf(R("b")));
    }
  });

  it("says whether it deleted; deletes nothing on a dry run, and sends no empty batch", async () => {
    const { ports, calls } = setup();
    // The repository holds what dev runs and one untagged manifest nothing references: no index goes.
    const store = ports.images;
    ports.images = { images: async () => [{ digest: digestOf(R("d")), tags: [], pushedAt: at(1) }, { digest: d("5"), tags: [], pushedAt: at(2) }], remove: store.remove };
    const dry = await gc(ports, { keepGenerations: 1 });
    expect([dry.applied, dry.plan.remove.map((x) => x.digest), calls.filter((c) => c[0] === "remove")]).to.deep.equal([false, [d("5")], []]);
    const applied = await gc(ports, { keepGenerations: 1, apply: true });
    expect([applied.applied, applied.deleted]).to.deep.equal([true, [d("5")]]);
    expect(calls.filter((c) => c[0] === "remove")).to.deep.equal([["remove", d("5")]]);
  });

  it("names every repository the stacks run from when there are several", async () => {
    const { ports } = setup({ dev: { outputs: { imageRef: R("d").replace("ferry-dev", "other") }, history: [] } });
    const err = await gc(ports, {}).catch((e: Error) => e);
    expect((err as Error).message).to.equal(`the stacks run images from 2 repositories (123456789012.dkr.ecr.eu-west-1.amazonaws.com/other, ${REPO}); name one with --repository`);
  });

  it("names the repository itself when given one (a URL or any image reference in it)", async () => {
    const { ports, calls } = setup();
    await gc(ports, { repository: `${REPO}:latest` });
    expect(calls[0]).to.deep.equal(["images", REPO]);
  });
});

describe("digestsUsed: container images as task definitions and tasks write them", () => {
  const repo = { registryId: "123456789012", region: "eu-west-1", repositoryName: "ferry-dev" };
  const images: RepositoryImage[] = [
    { digest: d("1"), tags: ["latest"], pushedAt: "2026-11-01T00:00:00.000Z" },
    { digest: d("2"), tags: ["build-abc", "release-prod-2"], pushedAt: "2026-11-02T00:00:00.000Z" },
  ];
  const cases: [string, string[]][] = [
    [`${REPO}@${d("3")}`, [d("3")]],
    [`${REPO}:build-abc@${d("3")}`, [d("3")]],
    [`${REPO}:release-prod-2`, [d("2")]],
    [REPO, [d("1")]],
    [`${REPO}:gone`, []],
    [`${REPO}-other@${d("3")}`, []],
    [`123456789012.dkr.ecr.us-east-1.amazonaws.com/ferry-dev@${d("3")}`, []],
    ["public.ecr.aws/nginx/nginx:1.27", []],
    [`${REPO}@sha256:short`, []],
    [`${REPO}@${d("3")}0`, []],
    [`${REPO}x`, []],
    [`${REPO}:tag:more`, []],
    [`${REPO}:`, []],
  ];
  for (const [image, want] of cases) {
    it(`${image} → ${want.join(", ") || "nothing of this repository"}`, () => expect(digestsUsed([image], repo, images)).to.deep.equal(want));
  }
  it("parses repository URLs and references, and nothing else", () => {
    expect(parseRepository(`${REPO}:tag@${d("1")}`)).to.deep.equal(repo);
    expect(parseRepository("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app")).to.deep.equal({ ...repo, repositoryName: "team/app" });
    expect(parseRepository("docker.io/library/node")).to.equal(undefined);
    expect(parseRepository("12345.dkr.ecr.eu-west-1.amazonaws.com/x")).to.equal(undefined);
  });
});

describe("ferry gc's ECR adapter", () => {
  const model = JSON.parse(fs.readFileSync(path.join(FIXTURES, "aws-models", "ecr.json"), "utf8")) as { shapes: Record<string, { max?: number }> };
  const repo = { registryId: "123456789012", region: "eu-west-1", repositoryName: "ferry-dev" };
  let ecr: ReturnType<typeof mockClient>;
  beforeEach(() => (ecr = mockClient(ECRClient)));
  afterEach(() => ecr.restore());

  it("uses AWS's own limits: 100 image ids per batch call, 1000 images per DescribeImages page", () => {
    expect([BATCH, DESCRIBE_PAGE]).to.deep.equal([model.shapes.ImageIdentifierList.max, model.shapes.MaxResults.max]);
  });

  it("reads every page, and the platform images of each index", async () => {
    const detail = (c: string, index: boolean) => ({ imageDigest: d(c), imageTags: index ? [`build-${c}`] : undefined, imagePushedAt: new Date("2026-11-01T00:00:00Z"), imageManifestMediaType: index ? "application/vnd.oci.image.index.v1+json" : "application/vnd.oci.image.manifest.v1+json" });
    ecr.on(DescribeImagesCommand).callsFake((input: { nextToken?: string; maxResults?: number }) => {
      expect(input.maxResults).to.equal(DESCRIBE_PAGE);
      return input.nextToken ? { imageDetails: [detail("2", false)] } : { imageDetails: [detail("1", true)], nextToken: "more" };
    });
    ecr.on(BatchGetImageCommand).resolves({ images: [{ imageId: { imageDigest: d("1") }, imageManifest: JSON.stringify({ manifests: [{ digest: d("2") }, { digest: d("3") }] }) }] });
    const images = await new EcrImageStore(() => new ECRClient({ region: "eu-west-1" })).images(repo);
    expect(images).to.deep.equal([
      { digest: d("1"), tags: ["build-1"], pushedAt: "2026-11-01T00:00:00.000Z", children: [d("2"), d("3")] },
      { digest: d("2"), tags: [], pushedAt: "2026-11-01T00:00:00.000Z" },
    ]);
  });

  it("refuses to go on when an index cannot be read (its platform images would look unreferenced)", async () => {
    ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageDigest: d("1"), imageManifestMediaType: "application/vnd.oci.image.index.v1+json" }] });
    ecr.on(BatchGetImageCommand).resolves({ images: [], failures: [{ imageId: { imageDigest: d("1") }, failureCode: "ImageNotFound", failureReason: "Requested image not found" }] });
    const err = await new EcrImageStore(() => new ECRClient({ region: "eu-west-1" })).images(repo).catch((e: Error) => e);
    expect(String(err)).to.contain(`cannot read index ${d("1")} of ferry-dev: ImageNotFound Requested image not found`);
  });

  it("deletes in batches of 100 and reports what ECR deleted and what it refused", async () => {
    const sizes: number[] = [];
    ecr.on(BatchDeleteImageCommand).callsFake((input: { imageIds: { imageDigest: string }[] }) => {
      sizes.push(input.imageIds.length);
      const [first, ...rest] = input.imageIds;
      return { imageIds: rest, failures: [{ imageId: first, failureCode: "ImageReferencedByManifestList", failureReason: "in use" }] };
    });
    const digests = Array.from({ length: 250 }, (_, i) => `sha256:${i.toString(16).padStart(64, "0")}`);
    const out = await new EcrImageStore(() => new ECRClient({ region: "eu-west-1" })).remove(repo, digests);
    expect(sizes).to.deep.equal([100, 100, 50]);
    expect(out.deleted).to.have.length(247);
    expect(out.failures.map((f) => f.digest)).to.deep.equal([digests[0], digests[100], digests[200]]);
    expect(out.failures[0].reason).to.equal("ImageReferencedByManifestList: in use");
  });
});
