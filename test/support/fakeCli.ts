/**
 * A fake `pulumi` for contract tests (test/fixtures/fake-pulumi) and throwaway Ferry projects to run it
 * in: a copy of the project's stack files in a fresh git repository, a state file the fake keeps its
 * stacks in, and a way to run the `ferry` CLI there as a person would (own process group, Ctrl-C).
 */
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { messages } from "../../automation/decisions";
import { PROJECT_DIR } from "../../plan/run";
import { FakeEcr } from "./fakeEcr";
import { FakePulumi, FakeState } from "./fakePulumi";
import { FERRY, FIXTURES } from "./paths";

export type { FakeState } from "./fakePulumi";

export const FAKE_BIN = path.join(FIXTURES, "fake-pulumi");
export const REPO = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ferry-dev";
export const ref = (c: string) => `${REPO}@sha256:${c.repeat(64)}`;

/**
 * The ECR every contract run talks to (AWS_ENDPOINT_URL): images a…f as indexes for amd64 and arm64,
 * each with one HIGH finding.
 */
export const ecr = new FakeEcr();
/** The fake `pulumi` (test/support/fakePulumi.ts), served from this process. */
export const fakePulumi = new FakePulumi();

/** Starts the fake ECR and the fake `pulumi`: in a `before` hook of the suites that use `project`. */
export async function startFakes(): Promise<void> {
  await fakePulumi.start();
  if (!ecr.url) {
    await ecr.start();
    for (const c of "abcdef") ecr.seedIndex(ref(c));
  }
}
export function stopFakes(): void {
  ecr.stop();
  fakePulumi.stop();
}

/** The environment that makes a process use the fakes: the fake `pulumi` of a project's state file, and the fake ECR. */
export function fakeEnv(statePath: string): Record<string, string> {
  return {
    FAKE_PULUMI_STATE: statePath,
    FAKE_PULUMI_PORT: String(fakePulumi.port),
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_ENDPOINT_URL: ecr.url || "http://127.0.0.1:9",
    AWS_MAX_ATTEMPTS: "1",
  };
}

/** A copy of the project's stack files in a fresh git repository, each non-building stack file pinning what the fake says it runs. */
export function project(state: FakeState) {
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
    statePath,
    git,
    file: (stack: string) => fs.readFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "utf8"),
    state: (): FakeState => JSON.parse(fs.readFileSync(statePath, "utf8")),
    calls: (): string[][] => JSON.parse(fs.readFileSync(statePath, "utf8")).calls ?? [],
    /**
     * Runs `ferry`. `interrupts` are Ctrl-C presses, each sent once its condition holds on what was
     * printed so far, to the whole process group, as a terminal does.
     */
    ferry: (args: string[], options: { interrupts?: ((stderr: string) => boolean)[]; env?: Record<string, string> } = {}) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [...FERRY, ...args], {
          cwd: dir,
          env: {
            ...process.env,
            PATH: `${FAKE_BIN}${path.delimiter}${process.env.PATH}`,
            PULUMI_HOME: path.join(dir, ".pulumi-home"),
            ...fakeEnv(statePath),
            ...options.env,
          },
          stdio: ["ignore", "pipe", "pipe"],
          // Its own process group, like a command started from a shell: Ctrl-C goes to the group.
          detached: true,
        });
        let stdout = "";
        let stderr = "";
        const pending = [...(options.interrupts ?? [])];
        const press = () => {
          while (pending.length && pending[0](stderr)) {
            pending.shift();
            process.kill(-child.pid!, "SIGINT");
          }
        };
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => {
          stderr += d;
          press();
        });
        // Conditions may also wait on the fake's state (e.g. that it has taken a signal): look again often.
        const poll = setInterval(press, 50);
        child.on("exit", (code) => {
          clearInterval(poll);
          resolve({ code, stdout, stderr });
        });
      }),
  };
}

export const at = "2026-11-20T10:00:00.000Z";
export const promoted = (r: string, generation: number, version: number) => ({ kind: "update", result: "succeeded", message: messages.promote(r, "dev", generation), startTime: at, endTime: at, version });

export function twoStacks(): FakeState {
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
export function imageRefIn(text: string): string | undefined {
  return /^\s*ferry:imageRef:\s*(\S+)\s*$/m.exec(text)?.[1];
}

