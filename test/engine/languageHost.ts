/**
 * Ferry's own Node.js language host for the engine tests: the real `pulumi` CLI starts it as the
 * plugin `pulumi-language-nodejs` (test/engine/bin), because the upstream host's Go module is not
 * served by the module proxy these machines reach.
 *
 * It is the smallest `LanguageRuntime` the CLI needs to preview and update a program: it reports no
 * plugins to install (the engine tests put every provider on PATH), and `Run` starts
 * `@pulumi/pulumi`'s own `cmd/run` — the same entry point the upstream host uses — with the
 * monitor and engine addresses, project, stack, organization, dry-run flag, parallelism and the
 * stack's config in `PULUMI_CONFIG` / `PULUMI_CONFIG_SECRET_KEYS`; `RunPlugin` starts a policy pack
 * (`pulumi preview --policy-pack`) with `@pulumi/pulumi`'s `cmd/run-policy-pack`, resolved from the
 * pack's folder, and streams its output back. Everything else answers UNIMPLEMENTED. Usage: `pulumi-language-nodejs <engine address>`; prints its port on stdout.
 */
import { spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
// The gRPC stubs @pulumi/pulumi ships (generated JavaScript, no declarations).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const services = require("@pulumi/pulumi/proto/language_grpc_pb.js");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const messages = require("@pulumi/pulumi/proto/language_pb.js");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const plugin = require("@pulumi/pulumi/proto/plugin_pb.js");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Empty } = require("google-protobuf/google/protobuf/empty_pb.js");

/* eslint-disable @typescript-eslint/no-explicit-any */
type Callback = (err: grpc.ServiceError | null, reply?: unknown) => void;
type Call = { request: any };

const RUN_ENTRY = require.resolve("@pulumi/pulumi/cmd/run");
/** cmd/run's exit code when the program's error was already reported to the engine. */
const ERROR_REPORTED = 32;

/** The `cmd/run` argument list for a RunRequest. */
function runArguments(req: { engine: string; monitor: string; project: string; stack: string; pwd: string; organization: string; dryRun: boolean; parallel: number; program: string; args: string[] }): string[] {
  const out = [RUN_ENTRY, "--monitor", req.monitor, "--engine", req.engine, "--project", req.project, "--stack", req.stack, "--pwd", req.pwd];
  if (req.organization) out.push("--organization", req.organization);
  if (req.dryRun) out.push("--dry-run");
  if (req.parallel > 0) out.push("--parallel", String(req.parallel));
  return [...out, req.program, ...req.args];
}

function run(engine: string, call: Call, callback: Callback): void {
  const req = call.request;
  const info = req.getInfo();
  const pwd = info?.getProgramDirectory() || req.getPwd();
  const program = info?.getEntryPoint() || req.getProgram() || ".";
  const config: Record<string, string> = {};
  req.getConfigMap().forEach((value: string, key: string) => (config[key] = value));
  const args = runArguments({
    engine,
    monitor: req.getMonitorAddress(),
    project: req.getProject(),
    stack: req.getStack(),
    pwd,
    organization: req.getOrganization(),
    dryRun: req.getDryrun(),
    parallel: req.getParallel(),
    program,
    args: req.getArgsList(),
  });
  const child = spawn(process.execPath, args, {
    cwd: pwd,
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      PULUMI_CONFIG: JSON.stringify(config),
      PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(req.getConfigsecretkeysList()),
      PULUMI_NODEJS_TYPESCRIPT: process.env.PULUMI_NODEJS_TYPESCRIPT ?? (path.extname(program) === ".js" ? "false" : "true"),
    },
  });
  child.on("error", (err) => callback(null, response(err.message, false)));
  child.on("exit", (code, signal) => {
    if (code === 0) return callback(null, response("", false));
    if (code === ERROR_REPORTED) return callback(null, response("", true));
    callback(null, response(`program exited with ${signal ? `signal ${signal}` : `code ${code}`}`, false));
  });
}

/**
 * `RunPlugin` for a policy pack: `run-policy-pack <engine address> <pack folder>` in the pack's
 * folder, its stdout (the port the CLI dials) and stderr streamed back, then its exit code.
 */
function runPlugin(call: grpc.ServerWritableStream<any, unknown>): void {
  const req = call.request;
  const dir = req.getInfo()?.getProgramDirectory() || req.getProgram();
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  for (const kv of req.getEnvList() as string[]) env[kv.slice(0, kv.indexOf("="))] = kv.slice(kv.indexOf("=") + 1);
  const entry = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [dir] });
  const child = spawn(process.execPath, [entry, ...req.getArgsList(), dir], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  const send = (set: "setStdout" | "setStderr") => (chunk: Buffer) => {
    const r = new messages.RunPluginResponse();
    r[set](new Uint8Array(chunk));
    call.write(r);
  };
  child.stdout.on("data", send("setStdout"));
  child.stderr.on("data", send("setStderr"));
  child.on("exit", (code) => {
    const r = new messages.RunPluginResponse();
    r.setExitcode(code ?? 1);
    call.write(r);
    call.end();
  });
}

function response(error: string, bail: boolean): unknown {
  const r = new messages.RunResponse();
  r.setError(error);
  r.setBail(bail);
  return r;
}

const unimplemented = (_call: unknown, callback: Callback) => callback({ code: grpc.status.UNIMPLEMENTED, details: "not implemented by Ferry's test language host" } as grpc.ServiceError);

export function languageHost(engine: string): grpc.UntypedServiceImplementation {
  const impl: grpc.UntypedServiceImplementation = {};
  for (const name of Object.keys(services.LanguageRuntimeService)) impl[name] = unimplemented;
  return Object.assign(impl, {
    handshake: (_c: Call, cb: Callback) => cb(null, new messages.LanguageHandshakeResponse()),
    getPluginInfo: (_c: Call, cb: Callback) => cb(null, new plugin.PluginInfo()),
    getRequiredPlugins: (_c: Call, cb: Callback) => cb(null, new messages.GetRequiredPluginsResponse()),
    getRequiredPackages: (_c: Call, cb: Callback) => cb(null, new messages.GetRequiredPackagesResponse()),
    getProgramDependencies: (_c: Call, cb: Callback) => cb(null, new messages.GetProgramDependenciesResponse()),
    about: (_c: Call, cb: Callback) => {
      const r = new messages.AboutResponse();
      r.setExecutable(process.execPath);
      r.setVersion(process.version);
      cb(null, r);
    },
    // A server stream: nothing to install (`npm ci` already ran).
    installDependencies: (call: grpc.ServerWritableStream<unknown, unknown>) => call.end(),
    cancel: (_c: Call, cb: Callback) => cb(null, new Empty()),
    run: (call: Call, cb: Callback) => run(engine, call, cb),
    runPlugin: (call: grpc.ServerWritableStream<unknown, unknown>) => runPlugin(call),
  });
}

function main(): void {
  const engine = process.argv[2] ?? "";
  const server = new grpc.Server();
  server.addService(services.LanguageRuntimeService, languageHost(engine));
  server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
    if (err) {
      process.stderr.write(`language host: ${err.message}\n`);
      process.exit(1);
    }
    process.stdout.write(`${port}\n`);
  });
}

if (require.main === module) main();
