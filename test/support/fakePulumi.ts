/**
 * A stand-in for the `pulumi` CLI, for contract tests of Ferry's Automation API code. The executable
 * that Ferry spawns (test/fixtures/fake-pulumi/pulumi) is a small bash client: it sends its argv,
 * working directory and state file to this server in the test process and prints what comes back,
 * so a fake command costs a few milliseconds instead of a Node.js start (a promotion runs twenty).
 * The client forwards SIGINT; the server plays the CLI's part.
 *
 * It answers the command lines LocalWorkspace spawns, keeps stack outputs, update history, tags and the
 * update lock in the JSON file named by FAKE_PULUMI_STATE, edits Pulumi.<stack>.yaml like
 * `pulumi config set`, and records every argv. Where the real CLI's behaviour matters it does the same
 * (measured facts in the shared notes): version 3.274.1, so engine events stream over gRPC to the
 * --event-log tcp:// address; a locked stack fails with exit code 1 and the file backend's lock text;
 * the first save of a stack file writes top-level scalars as strings; an `up` without --message records
 * the HEAD commit subject; the first SIGINT cancels after in-flight steps, a second one terminates at
 * once (leaving the stack locked, as a killed CLI does).
 *
 * The server answers from this process's event loop: while a contract test waits on a child that runs
 * the fake, it must wait asynchronously (spawn, execFile), never with a synchronous child call.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import * as grpc from "@grpc/grpc-js";

export interface FakeStack {
  outputs: Record<string, unknown>;
  history: { kind: string; result: string; message: string; startTime: string; endTime: string; version: number }[];
  locked?: boolean | { pid: number; host?: string; at?: string };
  tags?: Record<string, string>;
}

/** What the fake keeps, and what a test tells it to do. */
export interface FakeState {
  stacks: Record<string, FakeStack>;
  /** What `pulumi version` prints. @default "3.274.1" */
  version?: string;
  /** `up` fails (for that image only, if given). */
  failUp?: Record<string, { whenImageRef?: string; message: string }>;
  /** `up` waits for SIGINT, then takes `cancelMillis` to stop (the engine waits for steps in flight). */
  hangUp?: Record<string, { whenImageRef?: string; cancelMillis?: number }>;
  /** `up` takes this long, holding the lock. */
  upMillis?: Record<string, number>;
  failHistory?: Record<string, string>;
  failOutputs?: Record<string, string>;
  failPreview?: Record<string, string>;
  failTags?: Record<string, string>;
  /** Every argv the fake ran, in order. */
  calls?: string[][];
  /** Every interrupt the fake took. */
  signals?: { cmd: string; signal: string; cancelFile?: string; cancelFileExists?: boolean }[];
}

const VALUE_FLAGS = ["--stack", "--message", "--event-log", "--exec-kind", "--page-size", "--page", "--client", "--exec-agent", "--color", "--config-file"];

function parse(args: string[]) {
  const out = { positional: [] as string[], flags: {} as Record<string, string | true>, rest: [] as string[] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      out.rest = args.slice(i + 1);
      break;
    }
    if (VALUE_FLAGS.includes(a)) out.flags[a.slice(2)] = args[++i];
    else if (a.startsWith("--")) out.flags[a.slice(2).split("=")[0]] = a.includes("=") ? a.split("=")[1] : true;
    else out.positional.push(a);
  }
  return out;
}

/** Ends a command: its exit code, and its stderr. */
class Exit {
  constructor(readonly code: number, readonly stderr = "") {}
}
const fail = (message: string, code = 1): never => {
  throw new Exit(code, `error: ${message}\n`);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One run of the fake `pulumi`: what the client sent, and the way back to it. */
class Invocation {
  private interrupts = 0;
  private onInterrupt: () => void = () => {};
  /** Set once the command was answered (or terminated): nothing it does afterwards counts. */
  done = false;

  constructor(
    readonly argv: string[],
    readonly cwd: string,
    readonly statePath: string,
    /** FERRY_CANCEL_FILE in the command's environment (the deployment check's stop signal). */
    readonly cancelFile: string,
    private readonly reply: (kind: "o" | "e" | "x", text: string) => void,
  ) {}

  load(): FakeState {
    if (this.done) throw new Exit(255);
    return JSON.parse(fs.readFileSync(this.statePath, "utf8"));
  }
  /** Written to a temporary file and renamed, so a test never reads half a file. */
  save(s: FakeState): void {
    if (this.done) throw new Exit(255);
    const tmp = `${this.statePath}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(s, null, 2));
    fs.renameSync(tmp, this.statePath);
  }
  out(text: string): void {
    if (!this.done) this.reply("o", text);
  }
  finish(code: number, stderr = ""): void {
    if (this.done) return;
    if (stderr) this.reply("e", stderr);
    this.reply("x", String(code));
    this.done = true;
  }

  /** Like the real CLI: a first SIGINT asks the running operation to cancel; a second one terminates. */
  interrupt(): void {
    if (this.done) return;
    const s = this.load();
    // Whether a running deployment check would see the interrupt: Ferry's cancel file exists.
    (s.signals ??= []).push({ cmd: this.argv[0], signal: "SIGINT", cancelFile: this.cancelFile, cancelFileExists: !!this.cancelFile && fs.existsSync(this.cancelFile) });
    this.save(s);
    if (++this.interrupts > 1) return this.finish(255, "error: terminated\n");
    this.onInterrupt();
  }
  /** Resolves at the first interrupt (at once if it already came), or after `ms`. */
  interrupted(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.onInterrupt = resolve;
      if (this.interrupts) resolve();
      setTimeout(resolve, ms);
    });
  }
}

// Engine events: newer CLIs stream them to the Automation API's gRPC server (--event-log tcp://…).
// The stubs come with @pulumi/pulumi; loaded on first use.
class EventLog {
  private sequence = 0;
  private stream?: grpc.ClientWritableStream<unknown>;
  private streamDone: Promise<void> = Promise.resolve();

  constructor(private readonly target: string | undefined) {}

  write(events: object[]): void {
    if (!this.target) return;
    const lines = events.map((e) => JSON.stringify({ sequence: ++this.sequence, timestamp: Math.floor(Date.now() / 1000), ...e }));
    if (!this.target.startsWith("tcp://")) return fs.appendFileSync(this.target, lines.join("\n") + "\n");
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { EventRequest } = require("@pulumi/pulumi/proto/events_pb.js");
    if (!this.stream) {
      const { EventsClient } = require("@pulumi/pulumi/proto/events_grpc_pb.js");
      /* eslint-enable @typescript-eslint/no-require-imports */
      const client = new EventsClient(this.target.slice("tcp://".length), grpc.credentials.createInsecure());
      this.streamDone = new Promise((resolve) => (this.stream = client.streamEvents(() => resolve())));
    }
    for (const line of lines) {
      const req = new EventRequest();
      req.setEvent(line);
      this.stream!.write(req);
    }
  }
  async close(): Promise<void> {
    if (this.stream) {
      this.stream.end();
      await this.streamDone;
    }
  }
}

function headSubject(cwd: string): Promise<string> {
  return new Promise((resolve) => execFile("git", ["log", "-1", "--format=%s"], { cwd, encoding: "utf8" }, (err, out) => resolve(err ? "" : out.trim())));
}

/** Runs one command line of the fake CLI. */
async function run(inv: Invocation): Promise<void> {
  const state = inv.load();
  (state.calls ??= []).push(inv.argv);
  inv.save(state);
  const { positional, flags, rest } = parse(inv.argv);
  const [cmd, sub] = positional;
  const stackName = flags.stack as string | undefined;
  const stack = stackName ? state.stacks[stackName] : undefined;
  const needStack = (): FakeStack => stack ?? fail(`no stack named '${stackName}' found`);
  const stackFile = () => path.join(inv.cwd, `Pulumi.${stackName}.yaml`);
  const imagesOf = (configFile: unknown): Record<string, string> => {
    const config = (YAML.parse(fs.readFileSync(typeof configFile === "string" ? configFile : stackFile(), "utf8")) || {}).config || {};
    return config["ferry:imageRefs"] || { default: config["ferry:imageRef"] };
  };
  const imageRefOf = (configFile: unknown) => {
    const images = imagesOf(configFile);
    return images.default || Object.values(images)[0];
  };
  const failing = (table: Record<string, string> | undefined) => {
    if (table?.[stackName!]) fail(table[stackName!]);
  };
  const json = (v: unknown) => inv.out(JSON.stringify(v));

  if (cmd === "version") return inv.out(`v${state.version || "3.274.1"}`);
  if (cmd === "whoami") return inv.out("fake");
  if (cmd === "stack" && sub === "select") return void needStack();
  if (cmd === "stack" && sub === "ls") return json(Object.keys(state.stacks).map((name) => ({ name, current: false })));
  if (cmd === "stack" && sub === "output") {
    needStack();
    failing(state.failOutputs);
    return json(stack!.outputs || {});
  }
  if (cmd === "stack" && sub === "tag") {
    needStack();
    failing(state.failTags);
    const op = positional[2];
    const s = inv.load();
    const tags = (s.stacks[stackName!].tags ??= {});
    if (op === "ls") return json({ "pulumi:project": "ferry", ...tags });
    if (op === "set") tags[positional[3]] = positional[4];
    else if (op === "rm") delete tags[positional[3]];
    else fail(`unknown stack tag command ${op}`);
    return inv.save(s);
  }
  if (cmd === "stack" && sub === "history") {
    needStack();
    failing(state.failHistory);
    const size = Number(flags["page-size"] || 1000);
    const page = Number(flags.page || 1);
    const newestFirst = [...(stack!.history || [])].reverse();
    return json(newestFirst.slice((page - 1) * size, page * size));
  }
  if (cmd === "config" && sub === "set") {
    needStack();
    const file = stackFile();
    const doc = YAML.parseDocument(fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "config: {}\n");
    // The real CLI's first save writes every top-level scalar as a string ("90", "true").
    const config = doc.get("config") as YAML.YAMLMap | undefined;
    for (const item of config?.items ?? []) {
      if (YAML.isScalar(item.value) && typeof item.value.value !== "string") item.value = doc.createNode(String(item.value.value));
    }
    doc.setIn(["config", positional[2]], rest[0]);
    return fs.writeFileSync(file, String(doc));
  }
  if (cmd === "config" && sub === "get") {
    const v = (YAML.parse(fs.readFileSync(stackFile(), "utf8")).config || {})[positional[2]];
    if (v === undefined) fail(`configuration key '${positional[2]}' not found for stack '${stackName}'`);
    return json(v);
  }
  const events = new EventLog(flags["event-log"] as string | undefined);
  try {
    if (cmd === "preview") return await preview();
    if (cmd === "up") return await up();
  } finally {
    await events.close();
  }
  fail(`the fake pulumi does not know: ${inv.argv.join(" ")}`);

  async function preview() {
    needStack();
    failing(state.failPreview);
    imageRefOf(flags["config-file"]);
    events.write([
      { preludeEvent: { config: {} } },
      { resourcePreEvent: { metadata: { op: "update", urn: `urn:pulumi:${stackName}::ferry::aws:ecs/taskDefinition:TaskDefinition::ferry-${stackName}-web`, type: "aws:ecs/taskDefinition:TaskDefinition" } } },
      { summaryEvent: { maybeCorrupt: false, durationSeconds: 1, resourceChanges: { update: 2, same: 30 }, policyPacks: {} } },
    ]);
    await sleep(100);
    inv.out("Previewing update");
  }

  async function up() {
    const s0 = needStack();
    const lockHolder = s0.locked === true ? { pid: 4242, host: "elsewhere", at: new Date().toISOString() } : s0.locked;
    if (lockHolder) {
      fail(
        "the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" +
          `  file://${inv.cwd}/.pulumi/locks/organization/ferry/${stackName}/lock.json: created by ferry@${lockHolder.host} (pid ${lockHolder.pid}) at ${lockHolder.at}`,
      );
    }
    // Take the lock (the state file stands in for the backend); released when the update ends.
    const held = inv.load();
    held.stacks[stackName!].locked = { pid: process.pid, host: os.hostname(), at: new Date().toISOString() };
    inv.save(held);
    const ref = imageRefOf(flags["config-file"]);
    const images = imagesOf(flags["config-file"]);
    const started = new Date().toISOString();
    const message = typeof flags.message === "string" ? flags.message : await headSubject(inv.cwd);
    const record = (result: string) => {
      const s = inv.load();
      const st = s.stacks[stackName!];
      (st.history ??= []).push({ version: 0, kind: "update", result, message, startTime: started, endTime: new Date().toISOString(), resourceChanges: { update: 2, same: 30 } } as FakeStack["history"][number]);
      if (result === "succeeded") st.outputs = { ...(st.outputs || {}), imageRef: ref, imageRefs: images };
      delete st.locked;
      inv.save(s);
    };
    const urn = `urn:pulumi:${stackName}::ferry::aws:ecs/service:Service::ferry-${stackName}-web`;
    events.write([{ preludeEvent: { config: {} } }, { resourcePreEvent: { metadata: { op: "update", urn, type: "aws:ecs/service:Service" } } }]);
    const hang = state.hangUp?.[stackName!];
    if (hang && (!hang.whenImageRef || hang.whenImageRef === ref)) {
      // As the real engine streams them: the SDK's debug log (with the check's serialized source) and the
      // check's log line, prefixed and without a resource.
      events.write([
        { diagnosticEvent: { severity: "debug", message: "Serialized provider: exports.handler = function () { /* deployment check */ };\n" } },
        { diagnosticEvent: { severity: "info", message: `info: [runtime] deployment check: ferry-${stackName}-web: in progress at SCALE_UP\n\n` } },
        { diagnosticEvent: { severity: "debug", message: "Serialized provider: exports.handler = function () { /* deployment check */ };\n" } },
      ]);
      await inv.interrupted(20000);
      // The engine waits for the steps in flight (dynamic providers ignore Cancel) before it stops.
      await sleep(Number(hang.cancelMillis || 0));
      record("failed");
      await sleep(100);
      throw new Exit(1, "error: update canceled\n");
    }
    const failure = state.failUp?.[stackName!];
    if (failure && (!failure.whenImageRef || failure.whenImageRef === ref)) {
      events.write([
        { resOpFailedEvent: { metadata: { op: "update", urn, type: "pulumi-nodejs:dynamic/ferry:DeploymentCheck" } } },
        { diagnosticEvent: { severity: "error", message: `error: ${failure.message}\n` } },
        { diagnosticEvent: { severity: "error", message: "error: update failed\n" } },
        { summaryEvent: { resourceChanges: { update: 1 } } },
      ]);
      record("failed");
      await sleep(100);
      throw new Exit(1, `error: ${failure.message}\nerror: update failed\n`);
    }
    events.write([
      { resourcePreEvent: { metadata: { op: "update", urn, type: "aws:ecs/service:Service" } } },
      { resOutputsEvent: { metadata: { op: "update", urn, type: "aws:ecs/service:Service" } } },
      { summaryEvent: { resourceChanges: { update: 2, same: 30 } } },
    ]);
    await sleep(Number(state.upMillis?.[stackName!] || 0));
    record("succeeded");
    await sleep(100);
    inv.out("Update succeeded");
  }
}

/**
 * The server the bash client talks to, on 127.0.0.1. Requests are NUL-separated fields:
 * `run, <client pid>, <cwd>, <state file>, <FERRY_CANCEL_FILE>, <argc>, <argv…>` or `sig, <client pid>`. Replies are lines:
 * `o <stdout line>`, `e <stderr line>`, and last `x <exit code>`.
 */
export class FakePulumi {
  private server?: net.Server;
  private running = new Map<string, Invocation>();
  port = 0;

  async start(): Promise<void> {
    if (this.server) return;
    this.server = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    this.server.unref();
  }

  stop(): void {
    this.server?.close();
    this.server = undefined;
    this.port = 0;
  }

  private accept(socket: net.Socket): void {
    let buffer = "";
    let started = false;
    socket.setEncoding("utf8");
    socket.on("error", () => {});
    socket.on("data", (chunk: string) => {
      if (started) return;
      buffer += chunk;
      const fields = buffer.split("\0");
      if (fields[0] === "sig" && fields.length >= 3) {
        started = true;
        this.running.get(fields[1])?.interrupt();
        socket.end();
        return;
      }
      if (fields[0] !== "run" || fields.length < 7) return;
      const argc = Number(fields[5]);
      if (fields.length < 7 + argc) return;
      started = true;
      const [, pid, cwd, statePath, cancelFile] = fields;
      const reply = (kind: "o" | "e" | "x", text: string) => {
        const lines = kind === "x" ? [text] : text.replace(/\n$/, "").split("\n");
        socket.write(lines.map((l) => `${kind} ${l}\n`).join(""));
        if (kind === "x") socket.end();
      };
      const inv = new Invocation(fields.slice(6, 6 + argc), cwd, statePath, cancelFile, reply);
      this.running.set(pid, inv);
      // A client that went away (killed) ends its command where it was, as a killed CLI does.
      socket.on("close", () => {
        inv.done = true;
        this.running.delete(pid);
      });
      this.execute(inv);
    });
  }

  private async execute(inv: Invocation): Promise<void> {
    try {
      if (!inv.statePath) fail("FAKE_PULUMI_STATE is not set");
      await run(inv);
      inv.finish(0);
    } catch (err) {
      if (err instanceof Exit) inv.finish(err.code, err.stderr);
      else inv.finish(1, `error: ${(err as Error).stack ?? String(err)}\n`);
    }
  }
}
