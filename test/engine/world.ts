/**
 * The world the engine tests run in: the real `pulumi` CLI (scripts/pulumi-cli.sh) with Ferry's
 * language host and the stand-in providers on PATH (test/engine/bin), a local file backend with
 * passphrase secrets and its own PULUMI_HOME, moto's server as ECR (scripts/moto.sh), the recorded
 * ECS endpoint, a network project, and a copy of Ferry's program in a fresh git repository — where
 * `pulumi` and `ferry` run as a person would run them.
 *
 * `npm run test:integration` (scripts/integration.sh) provides FERRY_TEST_PULUMI and
 * FERRY_TEST_MOTO_SERVER; the suites fail at once, saying so, without them.
 */
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "../../plan/run";
import { FERRY, FIXTURES } from "../support/paths";
import { EcsEndpoint } from "./ecsEndpoint";
import { BatchGetImageCommand, CreateRepositoryCommand, ECRClient, PutImageCommand, StartImageScanCommand } from "@aws-sdk/client-ecr";
import { createHash } from "crypto";

const BIN = path.join(PROJECT_DIR, "test", "engine", "bin");
/** What a copy of Ferry's program needs: the program itself, its Docker context, stack files, manifests. */
const PROGRAM = ["index.ts", "components", "config", "lib", "aws", "functions", "plan", "policy", "app", "Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.staging.yaml", "Pulumi.prod.yaml", "package.json", "tsconfig.json"];
export const REGION = "eu-west-1";
export const PASSPHRASE = "ferry engine tests";

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Ctrl-C presses, each sent to the process group once its condition holds on the output so far. */
  interrupts?: ((output: string) => boolean)[];
  /** Called with everything printed so far, whenever more is printed. */
  watch?: (output: string) => void;
}

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the engine tests with \`npm run test:integration\`, which builds or finds the Pulumi CLI and moto first`);
  return v;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, "127.0.0.1", () => {
        c.end();
        resolve(true);
      });
      c.on("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing listens on 127.0.0.1:${port} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export class EngineWorld {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-engine-"));
  readonly project = path.join(this.root, "ferry");
  readonly network = path.join(this.root, "network");
  readonly journal = path.join(this.root, "journal.jsonl");
  /** The project's git remote (a bare repository). */
  readonly remote = path.join(this.root, "remote.git");
  readonly ecs = new EcsEndpoint(this.journal, path.join(FIXTURES, "ecs"));
  readonly pulumiPath = required("FERRY_TEST_PULUMI");
  private moto?: ChildProcess;
  motoUrl = "";

  async start(): Promise<this> {
    await this.ecs.start();
    const port = await freePort();
    this.moto = spawn(required("FERRY_TEST_MOTO_SERVER"), ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
    await waitForPort(port, 20000);
    this.motoUrl = `http://127.0.0.1:${port}`;
    fs.mkdirSync(path.join(this.root, "state"));
    this.copyProgram();
    this.copyNetwork();
    return this;
  }

  stop(): void {
    // Commands a failed test left running would talk to servers that are gone.
    for (const pid of this.running) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already ended
      }
    }
    this.ecs.stop();
    this.moto?.kill();
  }

  private running = new Set<number>();

  /** Everything the CLI, the providers and `ferry` read: the backend, the plugins, AWS's endpoints. */
  env(): Record<string, string> {
    return {
      PATH: [BIN, path.dirname(this.pulumiPath), process.env.PATH].join(path.delimiter),
      PULUMI_BACKEND_URL: `file://${path.join(this.root, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      PULUMI_SKIP_UPDATE_CHECK: "1",
      PULUMI_HOME: path.join(this.root, "pulumi-home"),
      // `tsc -p .` type-checks the program in `npm test`; the engine runs it transpiled, for time.
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
      FERRY_PULUMI: this.pulumiPath,
      FERRY_STANDIN_JOURNAL: this.journal,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_ENDPOINT_URL_ECS: this.ecs.url,
      AWS_ENDPOINT_URL_ECR: this.motoUrl,
      AWS_MAX_ATTEMPTS: "2",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      // `ferry promote --commit` commits as whoever runs it; a fresh machine has no git identity.
      GIT_AUTHOR_NAME: "Ferry Tests",
      GIT_AUTHOR_EMAIL: "ferry@example.com",
      GIT_COMMITTER_NAME: "Ferry Tests",
      GIT_COMMITTER_EMAIL: "ferry@example.com",
    };
  }

  private copyProgram(): void {
    fs.mkdirSync(this.project);
    for (const f of PROGRAM) fs.cpSync(path.join(PROJECT_DIR, f), path.join(this.project, f), { recursive: true });
    fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(this.project, "node_modules"));
    // The file backend names another project's stack organization/<project>/<stack>.
    for (const stack of ["staging", "prod"]) {
      const file = path.join(this.project, `Pulumi.${stack}.yaml`);
      fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/stackReference: \S+\/network\/(\w+)/, "stackReference: organization/network/$1"));
    }
    fs.writeFileSync(path.join(this.project, ".gitignore"), "node_modules\n");
    this.git("init", "-q", "-b", "main");
    this.git("add", "-A");
    this.git("commit", "-q", "-m", "Ferry");
    // The team's repository, which `ferry promote --commit --push` pushes to.
    execFileSync("git", ["init", "-q", "--bare", "-b", "main", this.remote]);
    this.git("remote", "add", "origin", this.remote);
    this.git("push", "-q", "-u", "origin", "main");
  }

  private copyNetwork(): void {
    fs.cpSync(path.join(FIXTURES, "network-stack"), this.network, { recursive: true });
    fs.symlinkSync(path.join(PROJECT_DIR, "node_modules"), path.join(this.network, "node_modules"));
  }

  /** An ECR client of the emulator. */
  ecr(): ECRClient {
    return new ECRClient({ region: REGION, endpoint: this.motoUrl, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
  }

  /**
   * What `docker buildx build --push` leaves in ECR for a build the stand-in docker-build provider
   * reported: one image manifest per platform, the multi-arch index under the reported digest, and a
   * started scan of each platform image (scan on push).
   */
  async pushBuild(ref: string, arches = ["amd64", "arm64"], o: { scan?: boolean } = {}): Promise<void> {
    const ecr = this.ecr();
    const [url, digest] = ref.split("@");
    const repositoryName = url.slice(url.indexOf("/") + 1);
    await ecr.send(new CreateRepositoryCommand({ repositoryName })).catch((e: Error) => {
      if (e.name !== "RepositoryAlreadyExistsException") throw e;
    });
    const MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    const manifests = [];
    for (const arch of arches) {
      const config = `sha256:${createHash("sha256").update(`${ref} ${arch} config`).digest("hex")}`;
      const body = JSON.stringify({ schemaVersion: 2, mediaType: MANIFEST, config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: config, size: 1 }, layers: [] });
      const d = `sha256:${createHash("sha256").update(body).digest("hex")}`;
      await ecr.send(new PutImageCommand({ repositoryName, imageManifest: body, imageManifestMediaType: MANIFEST, imageDigest: d }));
      if (o.scan !== false) await ecr.send(new StartImageScanCommand({ repositoryName, imageId: { imageDigest: d } }));
      manifests.push({ mediaType: MANIFEST, digest: d, size: body.length, platform: { os: "linux", architecture: arch } });
    }
    const INDEX = "application/vnd.oci.image.index.v1+json";
    await ecr.send(new PutImageCommand({ repositoryName, imageManifest: JSON.stringify({ schemaVersion: 2, mediaType: INDEX, manifests }), imageManifestMediaType: INDEX, imageDigest: digest }));
    const back = await ecr.send(new BatchGetImageCommand({ repositoryName, imageIds: [{ imageDigest: digest }] }));
    if (back.images?.[0]?.imageId?.imageDigest !== digest) throw new Error(`the emulator did not keep ${digest}: ${JSON.stringify(back)}`);
  }

  /** The network stacks up (staging, prod) and Ferry's three stacks initialized, as a team starts. */
  async standUp(): Promise<void> {
    for (const stack of ["staging", "prod"]) {
      await this.mustPulumi(["stack", "init", `organization/network/${stack}`], { cwd: this.network });
      await this.mustPulumi(["up", "--yes", "--skip-preview", "-s", `organization/network/${stack}`], { cwd: this.network });
    }
    for (const stack of ["dev", "staging", "prod"]) await this.mustPulumi(["stack", "init", stack]);
  }

  git(...args: string[]): string {
    return execFileSync("git", ["-c", "user.email=ferry@example.com", "-c", "user.name=Ferry Tests", ...args], { cwd: this.project, encoding: "utf8" });
  }

  stackFile(stack: string): string {
    return fs.readFileSync(path.join(this.project, `Pulumi.${stack}.yaml`), "utf8");
  }

  /** Runs a command in its own process group, as a shell does; never blocks this process's servers. */
  run(command: string, args: string[], o: RunOptions = {}): Promise<Run> {
    return new Promise((resolve) => {
      const child = spawn(command, args, { cwd: o.cwd ?? this.project, env: { ...process.env, ...this.env(), ...o.env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
      let stdout = "";
      let stderr = "";
      const pending = [...(o.interrupts ?? [])];
      const press = () => {
        o.watch?.(stdout + stderr);
        while (pending.length && pending[0](stdout + stderr)) {
          pending.shift();
          process.kill(-child.pid!, "SIGINT");
        }
      };
      // FERRY_ENGINE_TRACE=1 shows every command and what it prints, as it runs.
      const trace = process.env.FERRY_ENGINE_TRACE ? (d: Buffer) => process.stderr.write(d) : () => undefined;
      if (process.env.FERRY_ENGINE_TRACE) process.stderr.write(`$ ${path.basename(command)} ${args.join(" ")}\n`);
      child.stdout.on("data", (d) => ((stdout += d), trace(d), press()));
      child.stderr.on("data", (d) => ((stderr += d), trace(d), press()));
      const poll = setInterval(press, 100);
      this.running.add(child.pid!);
      child.on("close", (code) => {
        this.running.delete(child.pid!);
        clearInterval(poll);
        resolve({ code, stdout, stderr });
      });
    });
  }

  pulumi(args: string[], o: RunOptions = {}): Promise<Run> {
    return this.run(this.pulumiPath, args, o);
  }

  ferry(args: string[], o: RunOptions = {}): Promise<Run> {
    return this.run(process.execPath, [...FERRY, ...args], o);
  }

  /** `pulumi <args> --json` parsed, failing with the CLI's own words. */
  async json<T>(args: string[], o: RunOptions = {}): Promise<T> {
    const r = await this.pulumi([...args, "--json"], o);
    if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}: ${r.stderr}${r.stdout}`);
    return JSON.parse(r.stdout) as T;
  }

  async mustPulumi(args: string[], o: RunOptions = {}): Promise<Run> {
    const r = await this.pulumi(args, o);
    if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
    return r;
  }
}
