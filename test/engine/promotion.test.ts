/**
 * Ferry's automation through the real engine: promote dev → staging → prod, a deployment ECS rolls
 * back, approve and reject of a paused deployment, rollback to a generation, status, a concurrent
 * update and Ctrl-C during a running deployment check. Each step asserts what the engine reports
 * (stack outputs, update history, the stack file in git), not Ferry's own account of it.
 *
 * The steps build on each other, in order, in one world.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { BatchGetImageCommand, DescribeImagesCommand, PutImageCommand } from "@aws-sdk/client-ecr";
import { ECSClient, RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import { messages } from "../../automation/decisions";
import { EngineWorld, REGION, Run } from "./world";

interface Update {
  kind: string;
  result: string;
  message: string;
}

describe("engine: promotion, rollback and approval through the real Pulumi CLI", function () {
  this.timeout(600000);
  let world: EngineWorld;
  const running = async (stack: string) => (await world.json<{ imageRef: string }>(["stack", "output", "-s", stack])).imageRef;
  const history = (stack: string) => world.json<Update[]>(["stack", "history", "-s", stack]);
  const pinned = (stack: string) => /ferry:imageRef: (\S+)/.exec(world.stackFile(stack))?.[1];
  const devRefs: string[] = [];
  let shipped: Record<string, string> = {};

  /** Builds dev at the checkout's commit and pushes what the build made to the emulated ECR. */
  async function buildDev(): Promise<string> {
    await world.mustPulumi(["up", "--yes", "--skip-preview", "-s", "dev"]);
    const ref = await running("dev");
    await world.pushBuild(ref);
    devRefs.push(ref);
    return ref;
  }

  /** Runs `ferry`, resolving once its output says `marker`, with the finished run as a promise. */
  function startFerry(args: string[], marker: string): { seen: Promise<void>; done: Promise<Run>; ctrlC: () => void } {
    let seen!: () => void;
    let pressed = false;
    const seenP = new Promise<void>((r) => (seen = r));
    const done = world.ferry(args, { watch: (out) => out.includes(marker) && seen(), interrupts: [() => pressed] });
    return {
      ctrlC: () => (pressed = true), seen: Promise.race([seenP, done.then((r) => Promise.reject(new Error(`ferry ${args.join(" ")} ended (${r.code}) before "${marker}":\n${r.stdout}\n${r.stderr}`)))]), done };
  }

  before(async () => {
    world = await new EngineWorld().start();
    await world.standUp();
    // prod's team commits what `stack init` wrote; staging's does not (Ferry must not mind).
    world.git("commit", "-q", "-m", "prod: stack init", "--", "Pulumi.prod.yaml");
    shipped = { staging: pinned("staging")!, prod: pinned("prod")! };
    for (const stack of ["staging", "prod"]) await world.mustPulumi(["up", "--yes", "--skip-preview", "-s", stack]);
    await buildDev();
  });
  after(() => world?.stop());
  beforeEach(() => world.ecs.reset());

  it("promotes dev to staging although `stack init` rewrote the stack file: staging runs dev's digest", async () => {
    const r = await world.ferry(["promote", "--from", "dev", "--to", "staging", "--yes"]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(await running("staging")).to.equal(devRefs[0]);
    // What the real event stream carries: no SDK debug log (the check's serialized source among it),
    // and each service's check result once, cleanly, under its stack.
    expect(r.stderr).to.not.match(/debug|__provider|exports\.|function \w*\(/);
    const checks = r.stderr.split("\n").filter((l) => l.includes("deployment check:"));
    expect(checks.map((l) => l.replace(/ferry-staging-(web|worker)-[0-9a-f]{7}/, "ferry-staging-$1"))).to.have.members([
      "  [staging] deployment check: ferry-staging-web: deployment kQ3xU2aMW1nP0fTz completed",
      "  [staging] deployment check: ferry-staging-worker: deployment kQ3xU2aMW1nP0fTz completed",
    ]).and.have.length(2);
    expect(pinned("staging")).to.equal(devRefs[0]);
    expect((await history("staging"))[0]).to.include({ result: "succeeded", message: messages.promote(devRefs[0], "dev", 1) });
    // Release tags, as ECR (the emulator) has them: on the index and on each platform image.
    const [url, digest] = devRefs[0].split("@");
    const ecr = world.ecr();
    const images = await ecr.send(new DescribeImagesCommand({ repositoryName: url.slice(url.indexOf("/") + 1) }));
    const tagsOf = (d: string) => (images.imageDetails ?? []).find((i) => i.imageDigest === d)?.imageTags?.sort();
    expect(tagsOf(digest)).to.deep.equal(["release-staging-1", "stack-staging"]);
    const index = await ecr.send(new BatchGetImageCommand({ repositoryName: url.slice(url.indexOf("/") + 1), imageIds: [{ imageDigest: digest }] }));
    const platforms = (JSON.parse(index.images![0].imageManifest!) as { manifests: { digest: string; platform: { architecture: string } }[] }).manifests;
    for (const p of platforms) expect(tagsOf(p.digest)).to.deep.equal([`release-staging-1-${p.platform.architecture}`, `stack-staging-${p.platform.architecture}`]);
    // Against the commit: the CLI's rewrite (encryptionsalt, quoted scalars) and the image line, nothing else.
    const diff = world.git("diff", "-U0", "--", "Pulumi.staging.yaml").split("\n").filter((l) => /^[-+][^-+]/.test(l));
    expect(diff.filter((l) => !/^\+encryptionsalt: /.test(l) && !/^[-+]  ferry:(build|logRetentionDays|architecture):/.test(l))).to.deep.equal([`-  ferry:imageRef: ${shipped.staging}`, `+  ferry:imageRef: ${devRefs[0]}`]);
    world.git("commit", "-q", "-am", "staging: promoted");
  });

  it("a promotion whose ECS deployment is rolled back fails, and the previous image runs again", async () => {
    world.ecs.next("ferry-prod-web", "rolled-back-by-circuit-breaker");
    const r = await world.ferry(["promote", "--from", "staging", "--to", "prod", "--yes", "--commit"]);
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout + r.stderr).to.contain("circuit breaker");
    expect(await running("prod")).to.equal(shipped.prod);
    expect(pinned("prod")).to.equal(shipped.prod);
    expect(world.git("status", "--porcelain", "--", "Pulumi.prod.yaml")).to.equal("");
    const [restore, failed] = await history("prod");
    expect([failed.result, failed.message]).to.deep.equal(["failed", messages.promote(devRefs[0], "staging", 1)]);
    expect(restore.result).to.equal("succeeded");
    expect(restore.message).to.match(/^ferry: restore /);
  });

  it("promotes staging to prod with --commit --push: the pushed commit changes the image line and nothing else", async () => {
    const r = await world.ferry(["promote", "--from", "staging", "--to", "prod", "--yes", "--commit", "--push"]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.contain("and pushed it to origin/main");
    expect(execFileSync("git", ["rev-parse", "main"], { cwd: world.remote, encoding: "utf8" })).to.equal(world.git("rev-parse", "HEAD"));
    expect(await running("prod")).to.equal(devRefs[0]);
    const diff = world.git("show", "-U0", "--format=", "HEAD", "--", "Pulumi.prod.yaml").split("\n").filter((l) => /^[-+][^-+]/.test(l));
    expect(diff).to.deep.equal([`-  ferry:imageRef: ${shipped.prod}`, `+  ferry:imageRef: ${devRefs[0]}`]);
    expect(world.git("status", "--porcelain")).to.equal("");
  });

  it("a deployment paused at the approval hook goes on when `ferry approve` answers it", async () => {
    fs.appendFileSync(path.join(world.project, "app", "server.js"), "// second build\n");
    world.git("commit", "-q", "-am", "app: second build");
    await buildDev();
    expect(devRefs[1]).to.not.equal(devRefs[0]);
    expect((await world.ferry(["promote", "--from", "dev", "--to", "staging", "--yes", "--commit"])).code).to.equal(0);
    world.ecs.next("ferry-prod-web", "paused");
    const promotion = startFerry(["promote", "--from", "staging", "--to", "prod", "--yes", "--commit"], "waiting for approval (ferry approve");
    await promotion.seen;
    const approve = await world.ferry(["approve", "--stack", "prod"]);
    expect(approve.code, approve.stdout + approve.stderr).to.equal(0);
    expect(world.ecs.requests.filter((q) => q.action === "ContinueServiceDeployment").map((q) => q.body.action)).to.deep.equal(["CONTINUE"]);
    const r = await promotion.done;
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(await running("prod")).to.equal(devRefs[1]);
    expect((await history("prod"))[0]).to.include({ result: "succeeded", message: messages.promote(devRefs[1], "staging", 2) });
  });

  it("status reports what the engine runs, with generations", async () => {
    const r = await world.ferry(["status", "--stack", "prod", "--stack", "staging", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout) as { stacks: { stack: string; imageRef?: string; generation?: number }[] };
    const prod = doc.stacks.find((s) => s.stack === "prod")!;
    expect(prod).to.include({ imageRef: await running("prod"), generation: 2 });
    expect(doc.stacks.find((s) => s.stack === "staging")).to.include({ imageRef: await running("staging") });
  });

  it("a rollback rejected at the approval hook is rolled back by ECS, and the image before it runs again", async () => {
    world.ecs.next("ferry-prod-web", "paused");
    const rollback = startFerry(["rollback", "--stack", "prod", "--yes"], "waiting for approval (ferry approve");
    await rollback.seen;
    const reject = await world.ferry(["reject", "--stack", "prod"]);
    expect(reject.code, reject.stdout + reject.stderr).to.equal(0);
    const r = await rollback.done;
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(await running("prod")).to.equal(devRefs[1]);
    expect(pinned("prod")).to.equal(devRefs[1]);
  });

  it("rolls back to a generation: prod runs generation 1's digest again", async () => {
    const r = await world.ferry(["rollback", "--stack", "prod", "--to", "1", "--yes", "--commit"]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(await running("prod")).to.equal(devRefs[0]);
    expect(pinned("prod")).to.equal(devRefs[0]);
    expect((await history("prod"))[0]).to.include({ result: "succeeded", message: messages.rollback(devRefs[0], 1) });
  });

  it("a concurrent update is refused by the engine and a second Ferry run by Ferry; Ctrl-C stops a running check within 20 s", async () => {
    world.ecs.next("ferry-staging-web", "hanging");
    const before = world.stackFile("staging");
    const slow = startFerry(["rollback", "--stack", "staging", "--to", "1", "--yes"], "deployment check: ferry-staging-web");
    await slow.seen;
    // A colleague's plain `pulumi up`: the engine's lock refuses it.
    const colleague = await world.pulumi(["up", "--yes", "--skip-preview", "-s", "staging"]);
    expect(colleague.code).to.not.equal(0);
    expect(colleague.stderr + colleague.stdout).to.contain("the stack is currently locked");
    // A second Ferry run: refused before it changes anything.
    const second = await world.ferry(["rollback", "--stack", "staging", "--to", "2", "--yes"]);
    expect(second.code, second.stdout + second.stderr).to.equal(2);
    expect(second.stderr).to.contain("is running");
    // Ctrl-C: the check notices Ferry's cancel file within a second; the update stops and Ferry restores.
    const pressed = Date.now();
    slow.ctrlC();
    const r = await slow.done;
    expect(Date.now() - pressed, "ms from Ctrl-C to the command's end").to.be.below(20000);
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout + r.stderr).to.contain("interrupted");
    expect(world.stackFile("staging")).to.equal(before);
    expect(await running("staging")).to.equal(devRefs[1]);
    const [restore, cancelled] = await history("staging");
    expect([cancelled.result, cancelled.message]).to.deep.equal(["failed", messages.rollback(devRefs[0], 1)]);
    expect(restore.result).to.equal("succeeded");
    // The lock is gone: the engine takes the next update.
    await world.mustPulumi(["up", "--yes", "--skip-preview", "-s", "staging"]);
  });

  it("the scan gate fails closed on an image ECR never scanned: the promotion is refused, nothing changes", async () => {
    fs.appendFileSync(path.join(world.project, "app", "server.js"), "// third build\n");
    world.git("commit", "-q", "-am", "app: third build");
    await world.mustPulumi(["up", "--yes", "--skip-preview", "-s", "dev"]);
    const unscanned = await running("dev");
    await world.pushBuild(unscanned, ["amd64", "arm64"], { scan: false });
    devRefs.push(unscanned);
    const before = world.stackFile("staging");
    const r = await world.ferry(["promote", "--from", "dev", "--to", "staging", "--yes"]);
    expect(r.code, r.stdout + r.stderr).to.equal(2);
    expect(r.stderr).to.contain("scan gate of \"staging\"").and.contain("fails closed");
    expect(world.stackFile("staging")).to.equal(before);
    expect(await running("staging")).to.equal(devRefs[1]);
  });

  describe("ferry gc against the emulated ECR", () => {
    let repository: string;
    const seeded: Record<string, string> = {};
    const digests = async () => {
      const ecr = world.ecr();
      const out = await ecr.send(new DescribeImagesCommand({ repositoryName: repository.slice(repository.indexOf("/") + 1) }));
      return (out.imageDetails ?? []).map((d) => ({ digest: d.imageDigest!, tags: (d.imageTags ?? []).sort() }));
    };

    before(async () => {
      repository = devRefs[0].split("@")[0];
      const at = (label: string) => `${repository}@sha256:${createHash("sha256").update(label).digest("hex")}`;
      // An old build nothing released or runs: an index with two untagged platform images.
      seeded.oldBuild = at("old build");
      await world.pushBuild(seeded.oldBuild);
      // The build cache, and an image only a task definition still uses.
      seeded.cache = at("cache");
      await world.pushBuild(seeded.cache, ["arm64"]);
      seeded.taskDefinitionOnly = at("task definition only");
      await world.pushBuild(seeded.taskDefinitionOnly, ["arm64"]);
      const name = repository.slice(repository.indexOf("/") + 1);
      const ecr = world.ecr();
      const cacheIndex = await ecr.send(new BatchGetImageCommand({ repositoryName: name, imageIds: [{ imageDigest: seeded.cache.split("@")[1] }] }));
      await ecr.send(new PutImageCommand({ repositoryName: name, imageManifest: cacheIndex.images![0].imageManifest, imageManifestMediaType: cacheIndex.images![0].imageManifestMediaType, imageTag: "cache-final-multi" }));
      const ecs = new ECSClient({ region: REGION, endpoint: world.motoUrl, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
      await ecs.send(new RegisterTaskDefinitionCommand({ family: "batch-report", containerDefinitions: [{ name: "report", image: seeded.taskDefinitionOnly, memory: 512 }] }));
    });

    /** ECS reads go to the emulator, where the task definition is registered. */
    const gc = (args: string[]) => world.ferry(["gc", ...args], { env: { AWS_ENDPOINT_URL_ECS: world.motoUrl } });

    it("a dry run by default: says what would go and why the rest stays, deletes nothing", async () => {
      const before = await digests();
      const r = await gc(["--keep", "1", "--json"]);
      expect(r.code, r.stderr).to.equal(0);
      const result = JSON.parse(r.stdout) as { applied: boolean; plan: { keep: { digest: string; reasons: string[] }[]; remove: { digest: string }[] } };
      expect(result.applied).to.equal(false);
      const old = seeded.oldBuild.split("@")[1];
      const removed = result.plan.remove.map((x) => x.digest);
      expect(removed).to.include(old).and.have.length(3);
      const why = Object.fromEntries(result.plan.keep.map((k) => [k.digest, k.reasons.join("; ")]));
      expect(why[seeded.taskDefinitionOnly.split("@")[1]]).to.contain("ACTIVE task definition batch-report:1");
      expect(why[seeded.cache.split("@")[1]]).to.contain("build cache");
      expect(why[devRefs[0].split("@")[1]]).to.contain("prod runs it");
      expect(why[devRefs[1].split("@")[1]]).to.contain("staging runs it");
      expect(await digests()).to.deep.equal(before);
      const text = await gc(["--keep", "1"]);
      expect(text.stdout).to.contain("would delete:").and.contain("This was a dry run");
    });

    it("--apply deletes only what nothing needs, and every stack can still roll back", async () => {
      const before = await digests();
      const r = await gc(["--keep", "1", "--apply", "--json"]);
      expect(r.code, r.stderr).to.equal(0);
      const result = JSON.parse(r.stdout) as { deleted: string[]; plan: { remove: { digest: string }[] } };
      expect(result.deleted.sort()).to.deep.equal(result.plan.remove.map((x) => x.digest).sort());
      const after = await digests();
      expect(after.map((d) => d.digest).sort()).to.deep.equal(before.map((d) => d.digest).filter((d) => !result.deleted.includes(d)).sort());
      expect(after.map((d) => d.digest)).to.not.include(seeded.oldBuild.split("@")[1]);
      // Rollback reads the image, its platform images and their scans from ECR: all still there.
      const rollback = await world.ferry(["rollback", "--stack", "prod", "--to", "2", "--yes"]);
      expect(rollback.code, rollback.stdout + rollback.stderr).to.equal(0);
      expect(await running("prod")).to.equal(devRefs[1]);
      // Generation 1 now runs nowhere: kept while two generations are kept, offered with one.
      expect((await gc(["--keep", "2"])).stdout).to.contain(", 0 would be deleted");
      const one = await gc(["--keep", "1"]);
      expect(one.stdout).to.contain(", 3 would be deleted").and.match(new RegExp(`${devRefs[0].split("@sha256:")[1].slice(0, 12)} \\[[^\\]]*\\]: generation 1 of (prod|staging), generation 1 of (prod|staging): older than the generations kept, and nothing runs it`));
    });
  });

});
