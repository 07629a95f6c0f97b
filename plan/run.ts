/**
 * Runs the real program (index.ts) in-process under Pulumi's mock runtime and collects what it
 * declares: every resource with its type, name, parent and inputs, the invokes it made, and the stack
 * outputs. The offline plan and the tests both go through here.
 */
import * as fs from "fs";
import Module from "module";
import * as path from "path";
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { FerryConfig, parseConfig } from "../config";
import { OfflineMocks, RecordedInvoke } from "./mocks";
import { StackConfig } from "../config/stackConfig";
import { NetworkSettings, parseNetworkConfig } from "../network/config";
import type { StackDeployment } from "../pipeline/deployments";

/** Where the program's modules are: the checkout (TypeScript sources) or the built package's dist/. */
const PROGRAM_DIR = path.resolve(__dirname, "..");
/** The Pulumi project (Pulumi.yaml and the stack files): the checkout, or the package root above dist/. */
export const PROJECT_DIR = fs.existsSync(path.join(PROGRAM_DIR, "Pulumi.yaml")) ? PROGRAM_DIR : path.dirname(PROGRAM_DIR);
/** A project's program as this process can load it: index.ts from sources, index.js when built. */
function programEntry(folder = ""): string {
  const dir = path.join(PROGRAM_DIR, folder);
  return ["index.ts", "index.js"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f)) ?? path.join(dir, "index.ts");
}
/** The project's name, as Pulumi.yaml says (resource names start with it). */
export const PROJECT = projectName(PROJECT_DIR);

function projectName(dir: string): string {
  const m = /^name:\s*["']?([^"'\s#]+)/m.exec(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"));
  return m ? m[1] : "ferry";
}

export interface PlannedResource {
  type: string;
  name: string;
  /** Name of the parent resource; null for top-level resources. */
  parent: string | null;
  /** Type of the parent resource (names alone can repeat across types); null for top-level resources. */
  parentType: string | null;
  custom: boolean;
  /** Inputs as the engine receives them; secrets stay wrapped (see `renderInputs`). */
  inputs: Record<string, unknown>;
  /** The resource options the engine receives (only the ones set). */
  options: ResourceOptionsSeen;
}

/** Resource options as the engine sees them: what reviewers and tests care about. */
export interface ResourceOptionsSeen {
  protect?: boolean;
  retainOnDelete?: boolean;
  ignoreChanges?: string[];
  /** `<type>::<name>` of every resource this one waits for (its inputs' and explicit dependsOn), once each. */
  dependencies?: string[];
  deleteBeforeReplace?: boolean;
  replaceOnChanges?: string[];
  /** Name of an explicit provider resource, when one is given. */
  provider?: string;
}

export interface ProgramRun {
  stack: string;
  /** The stack's AWS region (`aws:region`, default us-east-1). */
  region: string;
  config: FerryConfig;
  resources: PlannedResource[];
  invokes: RecordedInvoke[];
  /** Stack outputs, resolved; secret ones wrapped as `{ secret: value }`. */
  outputs: Record<string, { value: unknown; secret: boolean }>;
}

export interface RunOptions {
  /** Program entry; tests may point at a fixture program. @default index.ts of the project */
  program?: string;
  /** The Pulumi project's name. @default Pulumi.yaml's */
  project?: string;
  /**
   * Serialize dynamic providers' code (the deployment check's), as `pulumi up` does. The offline plan
   * never shows that code ("[provider code omitted]"), so it skips the work: about a third of a
   * second of walking and parsing the provider's closure.
   * @default true
   */
  serializeProviders?: boolean;
}

type Monitor = Record<"registerResource" | "readResource", (req: RegisterRequest, cb: unknown) => unknown>;
type RegisterRequest = {
  getParent(): string;
  getType(): string;
  getName(): string;
  getCustom(): boolean;
  getProtect?(): boolean;
  getRetainondelete?(): boolean;
  getIgnorechangesList?(): string[];
  getDependenciesList?(): string[];
  getDeletebeforereplace?(): boolean;
  getReplaceonchangesList?(): string[];
  getProvider?(): string;
};

/** The options of a registration, leaving out what is not set. */
function optionsOf(req: RegisterRequest): ResourceOptionsSeen {
  const name = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
  const o: ResourceOptionsSeen = {};
  if (req.getProtect?.()) o.protect = true;
  if (req.getRetainondelete?.()) o.retainOnDelete = true;
  if (req.getIgnorechangesList?.().length) o.ignoreChanges = req.getIgnorechangesList!();
  const typeAndName = (urn: string) => `${urn.split("::")[2].split("$").pop()}::${name(urn)}`;
  if (req.getDependenciesList?.().length) o.dependencies = [...new Set(req.getDependenciesList!().map(typeAndName))];
  if (req.getDeletebeforereplace?.()) o.deleteBeforeReplace = true;
  if (req.getReplaceonchangesList?.().length) o.replaceOnChanges = req.getReplaceonchangesList!();
  const provider = req.getProvider?.();
  if (provider && !provider.includes("::default_")) o.provider = name(provider.split("::").slice(0, -1).join("::") || provider);
  return o;
}

/**
 * Validates the config (throws ConfigError before anything is declared), then runs the program.
 * Not re-entrant: the Pulumi runtime is process-global, so runs are sequential.
 */
export async function runProgram(stack: string, stackConfig: StackConfig, options: RunOptions = {}): Promise<ProgramRun> {
  const project = options.project ?? PROJECT;
  const config = parseConfig(stack, stackConfig.values, stackConfig.secretKeys, project);
  const region = stackConfig.values["aws:region"] ?? "us-east-1";
  const declared = await runUnderMocks(options.program ?? programEntry(), project, stack, stackConfig, region, options.serializeProviders !== false);
  return { stack, region, config, ...declared };
}

/** The network project (network/): its program, run the same way. */
export const NETWORK_DIR = path.join(PROJECT_DIR, "network");

export interface NetworkRun extends Omit<ProgramRun, "config"> {
  settings: NetworkSettings;
}

/** Validates `network:*` (throws ConfigError before anything is declared), then runs network/index.ts. */
export async function runNetwork(stack: string, stackConfig: StackConfig): Promise<NetworkRun> {
  const settings = parseNetworkConfig(stack, stackConfig.values);
  const declared = await runUnderMocks(programEntry("network"), projectName(NETWORK_DIR), stack, stackConfig, settings.region);
  return { stack, region: settings.region, settings, ...declared };
}

/** The pipeline project (pipeline/): Pulumi Deployments settings, run the same way. */
/** The Pulumi organization offline plans assume: the one the shipped stack files name. */
export const OFFLINE_ORGANIZATION = "acme";

export const PIPELINE_DIR = path.join(PROJECT_DIR, "pipeline");

export interface PipelineRun extends Omit<ProgramRun, "config" | "region"> {
  deployments: StackDeployment[];
}

/** Validates `pipeline:*` (throws ConfigError before anything is declared), then runs pipeline/index.ts. */
export async function runPipeline(stack: string, stackConfig: StackConfig): Promise<PipelineRun> {
  // Loaded here: the application's plan needs none of the pipeline's modules.
  const { parsePipelineConfig } = await import("../pipeline/config");
  const { checkBranch, readShapes } = await import("../pipeline/repository");
  const { stackDeployments } = await import("../pipeline/deployments");
  const settings = parsePipelineConfig(stackConfig.values);
  checkBranch(settings.branch);
  const deployments = stackDeployments(settings, readShapes(Object.keys(settings.stacks)));
  const declared = await runUnderMocks(programEntry("pipeline"), projectName(PIPELINE_DIR), stack, stackConfig, "us-east-1");
  return { stack, deployments, ...declared };
}

/** What a dynamic provider's code is in a run that does not serialize it. */
export const PROVIDER_CODE_NOT_SERIALIZED = "[provider code not serialized by the offline plan]";

/**
 * Runs `run` with Pulumi's closure serializer (which `pulumi.dynamic.Resource` loads when it declares
 * a resource) standing in as one that returns PROVIDER_CODE_NOT_SERIALIZED once `settled()` resolves;
 * the real module is back in place afterwards, for every other caller in the process.
 */
async function withoutProviderCode<T>(settled: () => Promise<void>, run: () => Promise<T>): Promise<T> {
  const id = require.resolve("@pulumi/pulumi/runtime/closure/serializeClosure");
  const real = require.cache[id];
  const standIn = new Module(id);
  standIn.loaded = true;
  standIn.exports = {
    serializeFunction: async () => {
      await settled();
      return { text: PROVIDER_CODE_NOT_SERIALIZED, exportName: "handler", containsSecrets: false };
    },
  };
  require.cache[id] = standIn;
  try {
    return await run();
  } finally {
    if (real) require.cache[id] = real;
    else delete require.cache[id];
  }
}

/** Runs a program under the mock runtime, recording what it declares. */
async function runUnderMocks(entry: string, project: string, stack: string, stackConfig: StackConfig, region: string, serializeProviders = true): Promise<Pick<ProgramRun, "resources" | "invokes" | "outputs">> {
  const mocks = new OfflineMocks(region);

  pulumi.runtime.setAllConfig({ ...stackConfig.values }, stackConfig.secretKeys);
  // preview=false: every output resolves (to the mocks' deterministic values), so nothing waits forever.
  // The organization the offline plan shows for Pulumi Cloud resources (a review stack's TTL schedule).
  await pulumi.runtime.setMocks(mocks, project, stack, false, OFFLINE_ORGANIZATION);

  // The mock monitor knows each registration's parent URN; MockResourceArgs does not carry it.
  const parents = new Map<string, string>();
  const optionsByKey = new Map<string, ResourceOptionsSeen>();
  const order: string[] = [];
  let inFlight = 0;
  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
  for (const method of ["registerResource", "readResource"] as const) {
    const original = monitor[method].bind(monitor);
    monitor[method] = (req, cb) => {
      const key = `${req.getType()}::${req.getName()}`;
      order.push(key);
      if (req.getParent()) parents.set(key, req.getParent());
      optionsByKey.set(key, optionsOf(req));
      inFlight++;
      return original(req, (...args: unknown[]) => {
        inFlight--;
        return (cb as (...a: unknown[]) => unknown)(...args);
      });
    };
  }
  /**
   * Resolves once no registration is in flight or starting for a few turns of the event loop: when a
   * real serializer would be done, long after the rest (so the resources keep the order they have
   * when `pulumi up` serializes).
   */
  const settled = async () => {
    for (let quiet = 0, seen = -1; quiet < 3; ) {
      await new Promise((r) => setImmediate(r));
      quiet = inFlight === 0 && order.length === seen ? quiet + 1 : 0;
      seen = order.length;
    }
  };
  const inputsByKey = new Map<string, { inputs: Record<string, unknown>; custom: boolean }>();
  const newResource = mocks.newResource.bind(mocks);
  mocks.newResource = (args) => {
    inputsByKey.set(`${args.type}::${args.name}`, { inputs: args.inputs, custom: args.custom !== false });
    return newResource(args);
  };

  const outputs: ProgramRun["outputs"] = {};
  const declare = async () => {
    const programExports = loadFresh(entry);
    for (const [key, value] of Object.entries(programExports)) {
      if (value === undefined) continue;
      const out = pulumi.output(value);
      const secret = await pulumi.isSecret(out);
      outputs[key] = { value: await resolve(pulumi.unsecret(out)), secret };
    }
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  };
  await (serializeProviders ? declare() : withoutProviderCode(settled, declare));

  for (const seen of inputsByKey.values()) seen.inputs = (await withArchiveFiles(seen.inputs)) as Record<string, unknown>;

  const nameOfUrn = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
  const typeOfUrn = (urn: string) => urn.split("::")[2].split("$").pop()!;
  const resources = order.map((key) => {
    const [type, name] = [key.slice(0, key.lastIndexOf("::")), key.slice(key.lastIndexOf("::") + 2)];
    const parentUrn = parents.get(key);
    const seen = inputsByKey.get(key);
    return {
      type,
      name,
      parent: parentUrn ? nameOfUrn(parentUrn) : null,
      parentType: parentUrn ? typeOfUrn(parentUrn) : null,
      custom: seen?.custom ?? false,
      inputs: seen?.inputs ?? {},
      options: optionsByKey.get(key) ?? {},
    };
  });
  return { resources, invokes: mocks.invokes, outputs };
}

/** Files of an archive larger than this show as their digest and size, not their text. */
const SHOWN_FILE_CHARS = 4096;

/** Archives (a function's code) with their files, which the SDK holds as promises, made plain: small files as text, others as digest and size. */
async function withArchiveFiles(v: unknown): Promise<unknown> {
  if (Array.isArray(v)) return Promise.all(v.map(withArchiveFiles));
  if (!v || typeof v !== "object" || pulumi.runtime.isRpcSecret(v)) return v;
  const archive = v as { __pulumiArchive?: boolean; assets?: Promise<Record<string, { text?: Promise<string>; path?: Promise<string> }>> };
  if (archive.__pulumiArchive && archive.assets) {
    const files: Record<string, string> = {};
    for (const [file, asset] of Object.entries(await archive.assets)) {
      const filePath = await asset.path;
      const text = filePath !== undefined ? fs.readFileSync(filePath, "utf8") : await asset.text;
      if (text === undefined) files[file] = "(not a text asset)";
      else files[file] = text.length <= SHOWN_FILE_CHARS ? text : `sha256:${createHash("sha256").update(text).digest("hex")} (${Buffer.byteLength(text)} bytes)`;
    }
    return { __pulumiArchive: true, files };
  }
  return Object.fromEntries(await Promise.all(Object.entries(v).map(async ([k, x]) => [k, await withArchiveFiles(x)] as const)));
}

function resolve<T>(out: pulumi.Output<T>): Promise<T> {
  return new Promise((res) => out.apply((v) => res(v)));
}

/** Project modules an earlier run in this process loaded: the next run loads them anew. */
const usedByRuns = new Set<string>();

/**
 * Loads the program module anew: project modules an earlier run used are loaded again (the Pulumi
 * SDK keeps its runtime state); ones only the caller loaded so far (the CLI's own imports) are used
 * as they are, so a single plan loads each module once.
 */
function loadFresh(entry: string): Record<string, unknown> {
  const programDirs = ["components", "config", "lib", "aws", "network", "pipeline"].map((d) => path.join(PROGRAM_DIR, d) + path.sep);
  for (const key of [entry, ...usedByRuns]) delete require.cache[key];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exports = require(entry);
  for (const key of Object.keys(require.cache)) if (key === entry || programDirs.some((d) => key.startsWith(d))) usedByRuns.add(key);
  return exports;
}
