/**
 * The image pipeline under the mock runtime: what a building stack builds and pushes, and that the
 * other stacks build nothing and run the digest promotion pinned.
 */
import { expect } from "chai";
import { lifecyclePolicyProblems } from "../lib/lifecycle";
import { Run, runStack } from "./harness";

const IMAGE = "docker-build:index:Image";
const INDEX = "docker-build:index:Index";
type Inputs = Record<string, unknown>;
const cacheRef = (i: Inputs, key: "cacheFrom" | "cacheTo") => ((i[key] as { registry: { ref: string } }[])[0]?.registry.ref);

describe("image pipeline", function () {
  this.timeout(30000);
  let dev: Run;
  before(async () => {
    dev = await runStack("dev");
  });

  it("builds one image per platform, each with its own ECR registry cache", () => {
    const images = dev.ofType(IMAGE).map((r) => dev.inputs(r));
    expect(images.map((i) => i.platforms)).to.deep.equal([["linux/amd64"], ["linux/arm64"]]);
    const refs = images.map((i) => cacheRef(i, "cacheTo"));
    expect(new Set(refs).size, "distinct cache refs per platform").to.equal(2);
    for (const i of images) {
      const to = (i.cacheTo as { registry: Inputs }[])[0].registry;
      expect(to).to.include({ mode: "max", imageManifest: true, ociMediaTypes: true });
      expect(cacheRef(i, "cacheFrom")).to.equal(to.ref);
      expect(to.ref).to.match(/\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/.+:cache-final-(amd64|arm64)$/);
      expect(i.push).to.equal(true);
      expect(i.buildOnPreview).to.equal(false);
      // The ECR token is a secret; the engine protocol marks the whole registries list secret.
      expect(i.registries).to.equal("[secret]");
    }
  });

  it("tags platform images and the index with immutable per-commit tags", () => {
    const tags = dev.ofType(IMAGE).map((r) => (dev.inputs(r).tags as string[])[0].split(":").pop());
    const commit = /^amd64-(.+)$/.exec(tags[0]!)![1];
    expect(commit).to.match(/^[0-9a-f]{12}(-dirty-[0-9a-f]{8})?$/);
    expect(tags).to.deep.equal([`amd64-${commit}`, `arm64-${commit}`]);
    const index = dev.inputs(dev.one(INDEX));
    expect((index.tag as string).split(":").pop()).to.equal(`build-${commit}`);
  });

  it("joins both platform images in one index and runs it pinned by digest", () => {
    const index = dev.inputs(dev.one(INDEX));
    const sources = index.sources as string[];
    expect(sources).to.have.length(2);
    expect(sources[0]).to.match(/:amd64-.+@sha256:[0-9a-f]{64}$/);
    expect(sources[1]).to.match(/:arm64-.+@sha256:[0-9a-f]{64}$/);
    const ref = dev.output("imageRef") as string;
    expect(ref).to.match(/^123456789012\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/[^:@]+@sha256:[0-9a-f]{64}$/);
    const containers = JSON.parse(dev.inputs(dev.one("aws:ecs/taskDefinition:TaskDefinition", "ferry-dev-web")).containerDefinitions as string);
    expect(containers[0].image).to.equal(ref);
  });

  it("keeps digests reproducible: no build time or random id in labels or args", async () => {
    const again = await runStack("dev");
    const inputs = (run: Run) => run.ofType(IMAGE).map((r) => run.inputs(r));
    expect(inputs(again)).to.deep.equal(inputs(dev));
    for (const i of inputs(dev)) {
      expect(Object.keys(i.labels as Inputs)).to.deep.equal(["org.opencontainers.image.revision"]);
      expect((i.buildArgs as Inputs).SOURCE_DATE_EPOCH).to.match(/^\d+$/);
    }
  });

  it("creates an ECR repository with scan on push, immutable build tags and a valid lifecycle policy", () => {
    const repo = dev.inputs(dev.one("aws:ecr/repository:Repository"));
    expect(repo.imageScanningConfiguration).to.deep.equal({ scanOnPush: true });
    expect(repo.imageTagMutability).to.equal("IMMUTABLE_WITH_EXCLUSION");
    expect(repo.imageTagMutabilityExclusionFilters).to.deep.equal([
      { filter: "cache-*", filterType: "WILDCARD" },
      { filter: "stack-*", filterType: "WILDCARD" },
    ]);
    const policy = JSON.parse(dev.inputs(dev.one("aws:ecr/lifecyclePolicy:LifecyclePolicy")).policy as string);
    expect(lifecyclePolicyProblems(policy)).to.deep.equal([]);
    expect(policy.rules[0].selection.tagPatternList).to.deep.equal(["release-*"]);
  });

  const variants: { what: string; overrides: Record<string, unknown>; check: (run: Run) => void }[] = [
    {
      what: "services with different Dockerfile targets get their own image and imageRef",
      overrides: { services: { web: { port: 8080, target: "runtime" }, worker: { target: "worker" } } },
      check: (run) => {
        expect(run.ofType(INDEX).map((r) => (run.inputs(r).tag as string).split(":").pop()!.replace(/^build-[^-]+(-dirty-[0-9a-f]+)?-/, ""))).to.deep.equal(["runtime", "worker"]);
        expect(run.ofType(IMAGE).map((r) => run.inputs(r).target)).to.deep.equal(["runtime", "runtime", "worker", "worker"]);
        const refs = run.output("serviceImageRefs") as Record<string, string>;
        expect(refs.web).not.to.equal(refs.worker);
        // Promotion moves every target's image together: one output per target.
        expect(run.output("imageRefs")).to.deep.equal({ runtime: refs.web, worker: refs.worker });
        expect(run.output("imageRef")).to.equal(refs.web);
        const cacheTags = run.ofType(IMAGE).map((r) => cacheRef(run.inputs(r), "cacheTo").split(":").pop());
        expect(cacheTags).to.deep.equal(["cache-runtime-amd64", "cache-runtime-arm64", "cache-worker-amd64", "cache-worker-arm64"]);
      },
    },
    {
      what: "cache: false builds without registry cache",
      overrides: { image: { cache: false } },
      check: (run) => {
        for (const r of run.ofType(IMAGE)) expect(run.inputs(r)).to.deep.include({ cacheFrom: [], cacheTo: [] });
      },
    },
    {
      what: "mode multiPlatform builds one image for both platforms, no index",
      overrides: { image: { mode: "multiPlatform" } },
      check: (run) => {
        expect(run.ofType(INDEX)).to.have.length(0);
        const image = run.inputs(run.one(IMAGE));
        expect(image.platforms).to.deep.equal(["linux/amd64", "linux/arm64"]);
        expect(cacheRef(image, "cacheTo")).to.match(/:cache-final-multi$/);
        expect(run.output("imageRef")).to.match(/@sha256:[0-9a-f]{64}$/);
      },
    },
    {
      what: "per-platform builders point each platform at its own (native) builder",
      overrides: { image: { builders: { "linux/arm64": "graviton" } } },
      check: (run) => {
        expect(run.ofType(IMAGE).map((r) => run.inputs(r).builder)).to.deep.equal([undefined, { name: "graviton" }]);
      },
    },
    {
      what: "pull-through cache rules for ECR Public and Docker Hub (with its ecr-pullthroughcache/ secret)",
      overrides: {
        image: {
          pullThroughCache: {
            "ecr-public": {},
            "docker-hub": { credentialArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/dockerhub-AbCdEf" },
          },
        },
      },
      check: (run) => {
        const rules = run.ofType("aws:ecr/pullThroughCacheRule:PullThroughCacheRule").map((r) => run.inputs(r));
        expect(rules).to.deep.equal([
          { ecrRepositoryPrefix: "ecr-public", upstreamRegistryUrl: "public.ecr.aws" },
          {
            ecrRepositoryPrefix: "docker-hub",
            upstreamRegistryUrl: "registry-1.docker.io",
            credentialArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/dockerhub-AbCdEf",
          },
        ]);
      },
    },
    {
      what: "a KMS key encrypts the repository",
      overrides: { image: { kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" } },
      check: (run) => {
        expect(run.inputs(run.one("aws:ecr/repository:Repository")).encryptionConfigurations).to.deep.equal([
          { encryptionType: "KMS", kmsKey: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
        ]);
      },
    },
  ];
  for (const v of variants) {
    it(v.what, async () => v.check(await runStack("dev", v.overrides)));
  }

  for (const stack of ["staging", "prod"]) {
    it(`${stack} declares no build and no repository, and exports the pinned imageRef`, async () => {
      const run = await runStack(stack);
      expect(run.resources.filter((r) => r.type.startsWith("docker-build:") || r.type.startsWith("aws:ecr/"))).to.deep.equal([]);
      expect(run.output("imageRef")).to.equal(run.result.config.imageRef);
      const policy = JSON.parse(run.inputs(run.one("aws:iam/rolePolicy:RolePolicy", `ferry-${stack}-web-execution`)).policy as string);
      const pull = policy.Statement.find((s: { Sid: string }) => s.Sid === "PullImage");
      expect(pull.Resource).to.equal("arn:aws:ecr:eu-west-1:123456789012:repository/ferry-dev");
      expect(run.output("imageRefs")).to.deep.equal({ default: run.result.config.imageRef });
    });
  }

  it("a stack that does not build runs each service's target from ferry:imageRefs", async () => {
    const pinned = (c: string) => `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ferry-dev@sha256:${c.repeat(64)}`;
    const run = await runStack("staging", {
      imageRef: undefined,
      imageRefs: { default: pinned("a"), worker: pinned("b") },
      services: { web: { port: 8080 }, worker: { target: "worker" } },
    });
    const imageOf = (name: string) => JSON.parse(run.inputs(run.one("aws:ecs/taskDefinition:TaskDefinition", name)).containerDefinitions as string)[0].image;
    expect(imageOf("ferry-staging-web")).to.equal(pinned("a"));
    expect(imageOf("ferry-staging-worker")).to.equal(pinned("b"));
    expect(run.output("imageRefs")).to.deep.equal({ default: pinned("a"), worker: pinned("b") });
  });
});
