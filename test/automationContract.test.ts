/**
 * Contract tests: the `ferry` CLI and the real LocalWorkspace against a fake `pulumi` executable placed
 * first on PATH (test/fixtures/fake-pulumi, test/support/fakeCli.ts). The fake keeps stacks in a JSON
 * file and records every command line. Each test runs in a fresh copy of the project's stack files in
 * its own git repository. AWS calls go to a closed loopback port.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { messages } from "../automation/decisions";
import { parse as yamlParse } from "yaml";
import { setStackImages } from "../lib/stackFile";
import { ecr, FakeState, imageRefIn, project, ref, startFakes, stopFakes, twoStacks } from "./support/fakeCli";

const YAML = { parse: yamlParse };

describe("automation contract (fake pulumi)", function () {
  this.timeout(60000);
  before(startFakes);
  after(stopFakes);

  it("promote --from dev --to staging --yes: staging's stack file pins dev's digest, exit 0", async () => {
    const p = project(twoStacks());
    const r = await p.ferry(["promote", "--from", "dev", "--to", "staging", "--yes"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(imageRefIn(p.file("staging"))).to.equal(ref("d"));
    const up = p.calls().find((c) => c[0] === "up")!;
    expect(up).to.include.members(["--yes", "--skip-preview", "--stack", "staging"]);
    expect(up[up.indexOf("--message") + 1]).to.equal(messages.promote(ref("d"), "dev", 3));
    // Preview and update run from a private copy of the stack file; `config set` never touches it.
    expect(p.calls().filter((c) => c[0] === "config")).to.deep.equal([]);
    const copies = p.calls().filter((c) => c[0] === "preview" || c[0] === "up").map((c) => c[c.indexOf("--config-file") + 1]);
    expect(copies).to.have.length(2);
    for (const copy of copies) {
      expect(path.basename(copy)).to.equal("Pulumi.staging.yaml");
      expect(path.dirname(copy)).not.to.equal(p.dir);
      expect(fs.existsSync(copy), "the copy is removed").to.equal(false);
    }
    // The tracked file changed in exactly one line; the lease is gone.
    expect(p.git("diff", "--numstat").trim()).to.equal("1\t1\tPulumi.staging.yaml");
    // The lease is gone; the stack remembers its newest generation.
    expect(p.state().stacks.staging.tags).to.deep.equal({ "ferry:generation": "3" });
    expect(r.stdout).to.contain(`staging runs ${ref("d")} (generation 3).`);
    // The release and pointer tags are on the index and each platform image, in ECR.
    const tagged = (tag: string) => ecr.tags.get(`ferry-dev:${tag}`);
    expect(tagged("release-staging-3")).to.equal(`sha256:${"d".repeat(64)}`);
    expect(tagged("stack-staging")).to.equal(`sha256:${"d".repeat(64)}`);
    expect(tagged("release-staging-3-arm64")).to.be.a("string").and.not.equal(tagged("release-staging-3"));
    expect(r.stdout).not.to.contain("WARNING");
    expect(r.stdout).to.contain("Pulumi.staging.yaml now pins this image: commit it (or pass --commit)");
    expect(p.state().stacks.staging.outputs.imageRef).to.equal(ref("d"));
  });

  it("--commit commits exactly the stack file, naming the digest", async () => {
    const p = project(twoStacks());
    fs.writeFileSync(path.join(p.dir, "notes.txt"), "not part of the promotion\n");
    p.git("add", "notes.txt");
    const r = await p.ferry(["promote", "--from", "dev", "--to", "staging", "--yes", "--commit"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(p.git("log", "-1", "--format=%s")).to.equal(`ferry: staging runs ${ref("d")} (generation 3)\n`);
    expect(p.git("show", "--name-only", "--format=", "HEAD").trim()).to.equal("Pulumi.staging.yaml");
  });

  it("a failed up: restores and redeploys the previous ref, exit 1", async () => {
    const state = twoStacks();
    state.failUp = { staging: { whenImageRef: ref("d"), message: "ferry-staging-web: deployment abc of ferry-staging-web:9 was rolled back: the deployment circuit breaker tripped" } };
    const p = project(state);
    const before = p.file("staging");
    const r = await p.ferry(["promote", "--from", "dev", "--to", "staging", "--yes"]);
    expect(r.code, r.stderr).to.equal(1);
    expect(p.file("staging")).to.equal(before);
    const ups = p.calls().filter((c) => c[0] === "up").map((c) => c[c.indexOf("--message") + 1]);
    expect(ups).to.deep.equal([messages.promote(ref("d"), "dev", 3), messages.restore(ref("b"), "promotion of generation 3")]);
    expect(r.stdout).to.contain("FAILED: staging did not take").and.contain("the deployment circuit breaker tripped");
    expect(r.stdout).to.contain(`Restored: staging runs ${ref("b")} again.`);
    // The engine's closing "update failed" is noise once the real error is said.
    expect(r.stdout + r.stderr).not.to.contain("update failed");
  });

  it("restore failing too: exit 3", async () => {
    const state = twoStacks();
    state.failUp = { staging: { message: "provider error" } };
    const r = await project(state).ferry(["promote", "--from", "dev", "--to", "staging", "--yes"]);
    expect(r.code).to.equal(3);
    expect(r.stdout).to.contain("RESTORE FAILED too");
  });

  it("a locked stack: a clear error, exit 2, nothing changed", async () => {
    const state = twoStacks();
    state.stacks.staging.locked = true;
    const p = project(state);
    const before = p.file("staging");
    const r = await p.ferry(["promote", "--from", "dev", "--to", "staging", "--yes"]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain(`stack "staging" is locked by another update; nothing was changed`);
    expect(p.file("staging")).to.equal(before);
    expect(p.git("status", "--porcelain")).to.equal("");
  });

  it("a non-interactive run without --yes is refused at once, before any pulumi command", async () => {
    const p = project(twoStacks());
    const r = await p.ferry(["promote", "--from", "dev", "--to", "staging"]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain("pass --yes to deploy without asking");
    expect(p.calls()).to.deep.equal([]);
  });

  it("a stack file `pulumi stack init` rewrote (a salt, values as text) is promoted; the commit carries the salt and the image", async () => {
    const p = project(twoStacks());
    const committed = p.file("staging");
    fs.writeFileSync(path.join(p.dir, "Pulumi.staging.yaml"), `${committed}encryptionsalt: v1:Zm9vYmFy:v1:abcdef==\n`);
    const r = await p.ferry(["promote", "--from", "dev", "--to", "staging", "--yes", "--commit"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.contain("differs from its commit only by the Pulumi CLI's own rewrite");
    const diff = p.git("show", "--format=", "-U0", "HEAD", "--", "Pulumi.staging.yaml").split("\n").filter((l) => /^[-+][^-+]/.test(l));
    expect(diff).to.deep.equal([`-  ferry:imageRef: ${ref("b")}`, `+  ferry:imageRef: ${ref("d")}`, "+encryptionsalt: v1:Zm9vYmFy:v1:abcdef=="]);
  });

  it("an uncommitted stack file is refused before anything changes", async () => {
    const p = project(twoStacks());
    fs.appendFileSync(path.join(p.dir, "Pulumi.staging.yaml"), "# edited\n");
    const r = await p.ferry(["promote", "--from", "dev", "--to", "staging", "--yes"]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain("Pulumi.staging.yaml has uncommitted changes");
    expect(p.calls().filter((c) => c[0] === "config" || c[0] === "up")).to.deep.equal([]);
  });

  it("Ctrl-C during the update cancels it through the Automation API and restores the previous ref", async () => {
    const state = twoStacks();
    state.hangUp = { staging: { whenImageRef: ref("d") } };
    const p = project(state);
    const before = p.file("staging");
    const r = await p.ferry(["promote", "--from", "dev", "--to", "staging", "--yes"], { interrupts: [(err) => err.includes("deployment check: ferry-staging-web: in progress")] });
    expect(r.stderr).to.contain("cancelling: nothing changes before the update");
    // The check's progress once, cleanly; nothing of the SDK's debug log.
    expect(r.stderr.split("\n").filter((l) => l.includes("deployment check"))).to.deep.equal(["  [staging] deployment check: ferry-staging-web: in progress at SCALE_UP"]);
    // Exactly one interrupt reached the CLI: the one Ferry sent, and by then the file that tells a
    // running deployment check to stop existed (the engine does not pass a cancel on to it).
    const [signal, ...more] = p.state().signals ?? [];
    expect([signal, more]).to.deep.equal([{ cmd: "up", signal: "SIGINT", cancelFile: signal.cancelFile, cancelFileExists: true }, []]);
    expect(fs.existsSync(signal.cancelFile!), "the cancel file is gone after the command").to.equal(false);
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout).to.contain("FAILED: staging did not take").and.contain("interrupted");
    expect(p.file("staging")).to.equal(before);
    const results = p.state().stacks.staging.history.slice(-2).map((h) => [h.result, h.message.split(" ")[1]]);
    expect(results).to.deep.equal([["failed", "promote"], ["succeeded", "restore"]]);
  });

  it("Ctrl-C twice says what a forced stop risks and sends nothing more; a third forces it", async () => {
    const state = twoStacks();
    state.hangUp = { staging: { whenImageRef: ref("d"), cancelMillis: 8000 } };
    const p = project(state);
    const inProgress = (err: string) => err.includes("deployment check: ferry-staging-web: in progress");
    const r = await p.ferry(["promote", "--from", "dev", "--to", "staging", "--yes"], {
      // The third press waits until the CLI has taken the first interrupt: two signals sent to a
      // process before it handles the first one arrive as one.
      interrupts: [inProgress, (err) => err.includes("cancelling:"), (err) => err.includes("A forced stop abandons") && (p.state().signals?.length ?? 0) >= 1],
    });
    expect(r.stderr).to.contain("A forced stop abandons the steps in flight").and.contain("forcing the stop");
    // Two interrupts reached the CLI: the cancel (first press) and the force (third press).
    expect(p.state().signals?.map((x) => x.signal)).to.deep.equal(["SIGINT", "SIGINT"]);
    // A forced stop leaves the stack locked (as the real CLI may): the restore cannot run, and Ferry says so.
    expect(r.code, r.stdout + r.stderr).to.equal(3);
    expect(r.stdout).to.contain("RESTORE FAILED too").and.contain("pulumi cancel");
    expect(p.file("staging")).to.equal(p.git("show", "HEAD:Pulumi.staging.yaml"));
  });

  describe("two promotions to one stack, across processes", () => {
    /** Waits until `cond` holds on the fake's state (polling its file). */
    const until = async (p: ReturnType<typeof project>, cond: (s: FakeState) => boolean) => {
      for (let i = 0; i < 400 && !cond(p.state()); i++) await new Promise((r) => setTimeout(r, 25));
      expect(cond(p.state()), "the first run reached the point").to.equal(true);
    };
    const orderings: { name: string; reached: (s: FakeState) => boolean }[] = [
      { name: "the second starts while the first previews (it holds the lease)", reached: (s) => !!s.stacks.staging.tags?.["ferry:deploying"] && !s.stacks.staging.locked },
      { name: "the second starts while the first updates (it holds Pulumi's lock too)", reached: (s) => !!s.stacks.staging.locked },
    ];
    for (const o of orderings) {
      it(`${o.name}: the second is refused naming the first, exit 2; the file equals what runs`, async () => {
        const state = twoStacks();
        state.upMillis = { staging: 2500 };
        const p = project(state);
        const first = p.ferry(["promote", "--from", "dev", "--to", "staging", "--yes"]);
        await until(p, o.reached);
        const second = await p.ferry(["rollback", "--stack", "staging", "--to", "1", "--yes"]);
        expect(second.code, second.stderr).to.equal(2);
        expect(second.stderr).to.match(/promotion of generation 3 of "staging" is running \(\S+@\S+, since [\d-]+T[\d:.]+Z\); nothing was changed\. Wait for it to finish \(ferry status --stack staging\)/);
        expect(second.stderr).not.to.contain("uncommitted");
        const done = await first;
        expect(done.code, done.stderr).to.equal(0);
        expect(imageRefIn(p.file("staging"))).to.equal(p.state().stacks.staging.outputs.imageRef);
        expect(p.calls().filter((c) => c[0] === "up")).to.have.length(1);
      });
    }
  });

  describe("failures before any update: exit 4, one line naming the fix, nothing changed", () => {
    const cases: { name: string; setup: (s: FakeState) => void; env?: Record<string, string>; says: string[] }[] = [
      { name: "unreadable history", setup: (s) => (s.failHistory = { staging: "failed to load checkpoint: permission denied" }), says: [`reading the update history of "staging" failed: failed to load checkpoint: permission denied`, "Check it: pulumi stack history --stack staging"] },
      { name: "the target stack missing from the backend", setup: (s) => delete (s.stacks as Record<string, unknown>).staging, says: [`stack "staging" does not exist in the Pulumi backend you are logged in to`, "pulumi stack init staging"] },
      { name: "no Pulumi CLI", setup: () => undefined, env: { FERRY_PULUMI: "/nonexistent/bin/pulumi" }, says: [`the Pulumi CLI was not found (looked for "/nonexistent/bin/pulumi")`, "https://www.pulumi.com/docs/iac/download-install/"] },
      { name: "a failing preview", setup: (s) => (s.failPreview = { staging: "aws:ecs/service:Service ferry-staging-web: unable to validate AWS credentials" }), says: [`preview of "staging" failed: aws:ecs/service:Service ferry-staging-web: unable to validate AWS credentials`, "See the whole output: pulumi preview --stack staging"] },
      { name: "a Pulumi CLI too old for the lease", setup: (s) => (s.version = "3.205.0"), says: ["the Pulumi CLI is 3.205.0; Ferry needs 3.211.0 or newer", "Upgrade it"] },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const state = twoStacks();
        c.setup(state);
        const p = project(state);
        const r = await p.ferry(["promote", "--from", "dev", "--to", "staging", "--yes"], { env: c.env });
        expect(r.code, r.stderr).to.equal(4);
        const lines = r.stderr.trim().split("\n").filter((l) => l.startsWith("ferry promote:"));
        expect(lines, r.stderr).to.have.length(1);
        for (const text of c.says) expect(lines[0]).to.contain(text);
        expect(r.stderr).not.to.contain("code: -2").and.not.to.contain("stdout:");
        expect(p.calls().filter((x) => x[0] === "up")).to.deep.equal([]);
        expect(p.state().stacks.staging?.tags ?? {}, "no lease left behind").to.deep.equal({});
        expect(p.git("status", "--porcelain")).to.equal("");
      });
    }
  });

  it("after a good update, outputs that cannot be read are a warning: exit 0, nothing restored", async () => {
    const state = twoStacks();
    state.failOutputs = { staging: "stack output: connection reset by peer" };
    const p = project(state);
    const r = await p.ferry(["promote", "--from", "dev", "--to", "staging", "--yes"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain("WARNING: staging was updated, but reading its outputs afterwards failed");
    expect(p.calls().filter((c) => c[0] === "up")).to.have.length(1);
    expect(imageRefIn(p.file("staging"))).to.equal(ref("d"));
  });

  it("a dev stack of two Dockerfile targets promotes to staging and prod as one generation", async () => {
    const state = twoStacks();
    state.stacks.dev.outputs = { imageRef: ref("d"), imageRefs: { default: ref("d"), worker: ref("e") } };
    state.stacks.staging.history = [];
    state.stacks.prod = { outputs: {}, history: [] };
    const p = project(state);
    // staging and prod run the worker target for their worker service.
    for (const stack of ["staging", "prod"]) {
      const file = path.join(p.dir, `Pulumi.${stack}.yaml`);
      fs.writeFileSync(file, setStackImages(fs.readFileSync(file, "utf8").replace("    worker:\n", "    worker:\n      target: worker\n"), { default: ref("a"), worker: ref("c") }));
    }
    p.git("-c", "user.email=f@example.com", "-c", "user.name=f", "commit", "-qam", "worker target");
    const toStaging = await p.ferry(["promote", "--from", "dev", "--to", "staging", "--yes", "--commit"]);
    expect(toStaging.code, toStaging.stderr).to.equal(0);
    const toProd = await p.ferry(["promote", "--from", "staging", "--to", "prod", "--yes", "--commit"]);
    expect(toProd.code, toProd.stdout + toProd.stderr).to.equal(0);
    const set = `default=${ref("d")} worker=${ref("e")}`;
    const upMessages = p.calls().filter((c) => c[0] === "up").map((c) => c[c.indexOf("--message") + 1]);
    expect(upMessages).to.deep.equal([messages.promote(set, "dev", 1), messages.promote(set, "staging", 1)]);
    for (const stack of ["staging", "prod"]) {
      const config = (YAML.parse(p.file(stack)) as { config: Record<string, unknown> }).config;
      expect(config["ferry:imageRefs"]).to.deep.equal({ default: ref("d"), worker: ref("e") });
      expect(config["ferry:imageRef"]).to.equal(undefined);
      expect(p.state().stacks[stack].outputs.imageRefs).to.deep.equal({ default: ref("d"), worker: ref("e") });
    }
    // Both images were scanned and tagged per target, through both gates.
    expect(ecr.tags.get("ferry-dev:release-prod-1-worker")).to.equal(`sha256:${"e".repeat(64)}`);
    // Each promotion committed exactly its stack file.
    expect(p.git("log", "-2", "--format=%s").trim().split("\n")).to.deep.equal([`ferry: prod runs ${set} (generation 1)`, `ferry: staging runs ${set} (generation 1)`]);
    const status = JSON.parse((await p.ferry(["status", "--json", "--stack", "staging"])).stdout) as { stacks: { generation?: number; images?: Record<string, string> }[] };
    expect(status.stacks[0]).to.deep.include({ generation: 1, images: { default: ref("d"), worker: ref("e") } });
  });

  it("an image without the services' architecture is refused, read from ECR, before anything changes", async () => {
    ecr.seedIndex(ref("1"), ["amd64"]);
    const state = twoStacks();
    state.stacks.dev.outputs = { imageRef: ref("1") };
    const p = project(state);
    const r = await p.ferry(["promote", "--from", "dev", "--to", "staging", "--yes"]);
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.contain(`service "web" of "staging" runs on arm64, but its image ${"1".repeat(12)} has only amd64`);
    expect(p.calls().filter((c) => c[0] === "preview" || c[0] === "up")).to.deep.equal([]);
  });

  it("rollback --stack staging --to 1: deploys generation 1 again", async () => {
    const p = project(twoStacks());
    const r = await p.ferry(["rollback", "--stack", "staging", "--to", "1", "--yes"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(imageRefIn(p.file("staging"))).to.equal(ref("a"));
    const up = p.calls().find((c) => c[0] === "up")!;
    expect(up[up.indexOf("--message") + 1]).to.equal(messages.rollback(ref("a"), 1));
  });

  it("status --json reports every stack's digest and generation", async () => {
    const p = project(twoStacks());
    const r = await p.ferry(["status", "--json"]);
    expect(r.code, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout) as { stacks: { stack: string; deployed: boolean; digest?: string; generation?: number; releases: unknown[] }[] };
    const by = Object.fromEntries(doc.stacks.map((s) => [s.stack, s]));
    expect(by.dev).to.deep.include({ deployed: true, digest: `sha256:${"d".repeat(64)}` });
    expect(by.staging).to.deep.include({ deployed: true, digest: `sha256:${"b".repeat(64)}`, generation: 2 });
    expect(by.staging.releases).to.have.length(2);
    expect(by.prod).to.deep.include({ deployed: false });
  });
});
