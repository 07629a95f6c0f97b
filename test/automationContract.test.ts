/**
 * Contract tests: the `ferry` CLI and the real LocalWorkspace against a fake `pulumi` executable placed
 * first on PATH (test/fixtures/fake-pulumi). The fake keeps stacks in a JSON file, edits the stack
 * files like `pulumi config set`, and records every command line. Each test runs in a fresh copy of
 * the project's stack files in its own git repository. AWS calls go to a closed loopback port.
 */
import { expect } from "chai";
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { messages } from "../automation/decisions";
import { PROJECT_DIR } from "../plan/run";

const FAKE_BIN = path.join(__dirname, "fixtures", "fake-pulumi");
const REPO = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ferry-dev";
const ref = (c: string) => `${REPO}@sha256:${c.repeat(64)}`;

interface FakeStack {
  outputs: Record<string, unknown>;
  history: { kind: string; result: string; message: string; startTime: string; endTime: string; version: number }[];
  locked?: boolean;
}
interface FakeState {
  stacks: Record<string, FakeStack>;
  failUp?: Record<string, { whenImageRef?: string; message: string }>;
  hangUp?: Record<string, { whenImageRef?: string }>;
  calls?: string[][];
}

/** A copy of the project's stack files in a fresh git repository, each non-building stack file pinning what the fake says it runs. */
function project(state: FakeState) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-contract-"));
  for (const f of ["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.staging.yaml", "Pulumi.prod.yaml"]) {
    let text = fs.readFileSync(path.join(PROJECT_DIR, f), "utf8");
    const running = state.stacks[f.split(".")[1]]?.outputs.imageRef as string | undefined;
    if (running && /ferry:imageRef:/.test(text)) text = text.replace(/(ferry:imageRef:\s*)\S+/, `$1${running}`);
    fs.writeFileSync(path.join(dir, f), text);
  }
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8" });
  git("init", "-q");
  git("-c", "user.email=ferry@example.com", "-c", "user.name=ferry", "commit", "-q", "--allow-empty", "-m", "empty");
  git("add", "-A");
  git("-c", "user.email=ferry@example.com", "-c", "user.name=ferry", "commit", "-q", "-m", "stacks");
  const statePath = path.join(os.tmpdir(), `${path.basename(dir)}-state.json`);
  fs.writeFileSync(statePath, JSON.stringify(state));
  return {
    dir,
    git,
    file: (stack: string) => fs.readFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "utf8"),
    state: (): FakeState => JSON.parse(fs.readFileSync(statePath, "utf8")),
    calls: (): string[][] => JSON.parse(fs.readFileSync(statePath, "utf8")).calls ?? [],
    ferry: (args: string[], options: { interruptAfter?: (stderr: string) => boolean } = {}) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [path.join(PROJECT_DIR, "bin", "ferry.js"), ...args], {
          cwd: dir,
          env: {
            ...process.env,
            PATH: `${FAKE_BIN}${path.delimiter}${process.env.PATH}`,
            FAKE_PULUMI_STATE: statePath,
            PULUMI_HOME: path.join(dir, ".pulumi-home"),
            AWS_REGION: "eu-west-1",
            AWS_ACCESS_KEY_ID: "test",
            AWS_SECRET_ACCESS_KEY: "test",
            AWS_EC2_METADATA_DISABLED: "true",
            AWS_ENDPOINT_URL: "http://127.0.0.1:9",
            AWS_MAX_ATTEMPTS: "1",
          },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        let interrupted = false;
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => {
          stderr += d;
          if (!interrupted && options.interruptAfter?.(stderr)) {
            interrupted = true;
            child.kill("SIGINT");
          }
        });
        child.on("exit", (code) => resolve({ code, stdout, stderr }));
      }),
  };
}

const at = "2026-11-20T10:00:00.000Z";
const promoted = (r: string, generation: number, version: number) => ({ kind: "update", result: "succeeded", message: messages.promote(r, "dev", generation), startTime: at, endTime: at, version });

function twoStacks(): FakeState {
  return {
    stacks: {
      dev: { outputs: { imageRef: ref("d") }, history: [{ kind: "update", result: "succeeded", message: "", startTime: at, endTime: at, version: 1 }] },
      staging: {
        outputs: { imageRef: ref("b"), clusterName: "ferry-staging-c", serviceNames: { web: "ferry-staging-web-x" } },
        history: [promoted(ref("a"), 1, 1), promoted(ref("b"), 2, 2)],
      },
    },
  };
}

/** The stack file of `stack` with ferry:imageRef set to `r` (by the first promotion step). */
function imageRefIn(text: string): string | undefined {
  return /^\s*ferry:imageRef:\s*(\S+)\s*$/m.exec(text)?.[1];
}

describe("automation contract (fake pulumi)", function () {
  this.timeout(60000);

  it("promote --from dev --to staging --yes: staging's stack file pins dev's digest, exit 0", async () => {
    const p = project(twoStacks());
    const r = await p.ferry(["promote", "--from", "dev", "--to", "staging", "--yes"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(imageRefIn(p.file("staging"))).to.equal(ref("d"));
    const up = p.calls().find((c) => c[0] === "up")!;
    expect(up).to.include.members(["--yes", "--skip-preview", "--stack", "staging"]);
    expect(up[up.indexOf("--message") + 1]).to.equal(messages.promote(ref("d"), "dev", 3));
    const set = p.calls().find((c) => c[0] === "config" && c[1] === "set")!;
    expect(set.slice(2, 5)).to.deep.equal(["ferry:imageRef", "--stack", "staging"]);
    expect(set.at(-1)).to.equal(ref("d"));
    expect(p.calls().map((c) => c[0])).to.include.members(["preview", "up"]);
    expect(r.stdout).to.contain(`staging runs ${ref("d")} (generation 3).`);
    // No AWS here: tagging fails, which only warns.
    expect(r.stdout).to.contain("WARNING: staging is deployed, but tagging the image as release-staging-3 failed");
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
    const r = await p.ferry(["promote", "--from", "dev", "--to", "staging", "--yes"], { interruptAfter: (err) => err.includes("deployment check: ferry-staging-web: in progress") });
    expect(r.stderr).to.contain("cancelling the update");
    expect(r.code, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout).to.contain("FAILED: staging did not take").and.contain("interrupted");
    expect(p.file("staging")).to.equal(before);
    const results = p.state().stacks.staging.history.slice(-2).map((h) => [h.result, h.message.split(" ")[1]]);
    expect(results).to.deep.equal([["failed", "promote"], ["succeeded", "restore"]]);
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
