/**
 * A stand-in resource provider for the engine tests: no `aws` or `docker-build` provider plugin can
 * be had on these machines, so the real `pulumi` CLI starts this one instead (test/engine/bin puts it
 * on PATH as `pulumi-resource-aws` and `pulumi-resource-docker-build`). It answers the engine's gRPC
 * calls from the same deterministic model the offline plan uses (plan/mocks.ts): Check accepts the
 * inputs, Diff compares them (replacing on the properties the real provider replaces on, for the
 * resources Ferry declares), Create/Update return the model's outputs, Invoke its data sources.
 *
 * What the model cannot derive — the account's state across processes — goes to an append-only
 * journal (FERRY_STANDIN_JOURNAL, one JSON event per line): task definition revisions count up per
 * family as in ECS, and each service's task definition is recorded so the test's ECS endpoint can
 * answer for the deployment the update started. Usage: `node standInProvider.js <package>`.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as grpc from "@grpc/grpc-js";
import { OfflineMocks } from "../../plan/mocks";
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
const services = require("@pulumi/pulumi/proto/provider_grpc_pb.js");
const messages = require("@pulumi/pulumi/proto/provider_pb.js");
const plugin = require("@pulumi/pulumi/proto/plugin_pb.js");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb.js");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb.js");

type Props = Record<string, unknown>;
type Callback = (err: grpc.ServiceError | null, reply?: unknown) => void;
type Call = { request: any };

/** The versions of the packages Ferry's lockfile pins. */
const VERSIONS: Record<string, string> = { aws: "7.48.0", "docker-build": "0.0.22", pulumiservice: "1.3.0" };

/**
 * Properties whose change makes the real provider replace the resource (its schema's ForceNew), for
 * the resource types Ferry declares; every other change is an update in place. `*` means every
 * property except tags.
 */
export const REPLACE_ON: Record<string, string[]> = {
  "aws:ecs/taskDefinition:TaskDefinition": ["*"],
  "aws:ecs/service:Service": ["name", "cluster", "launchType", "schedulingStrategy"],
  "aws:ecs/cluster:Cluster": ["name"],
  "aws:ecr/repository:Repository": ["name"],
  "aws:cloudwatch/logGroup:LogGroup": ["name"],
  "aws:iam/role:Role": ["name"],
  "aws:lb/loadBalancer:LoadBalancer": ["name", "internal", "loadBalancerType"],
  "aws:lb/targetGroup:TargetGroup": ["name", "port", "protocol", "vpcId", "targetType"],
  "aws:ec2/securityGroup:SecurityGroup": ["name", "description", "vpcId"],
  "aws:s3/bucket:Bucket": ["bucket"],
};
const UNREPLACED = new Set(["tags", "tagsAll"]);

/** Top-level properties whose values differ between two input sets. */
export function changedKeys(olds: Props, news: Props): string[] {
  const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
  return [...keys].filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k])).sort();
}

/** Of the changed properties, those the real provider replaces on. */
export function replacedKeys(type: string, changed: string[]): string[] {
  const rule = REPLACE_ON[type] ?? [];
  return changed.filter((k) => (rule.includes("*") ? !UNREPLACED.has(k) : rule.includes(k)));
}

/** Resource types whose `name` the real provider generates when none is given: name, `-`, 7 random hex. */
const AUTONAMED = new Set(Object.keys(REPLACE_ON).filter((t) => REPLACE_ON[t].includes("name")));

/**
 * The inputs Check returns: as given, plus the generated `name` the real provider adds (kept from the
 * old inputs, so an update never renames; derived from the URN here, so runs are repeatable).
 */
export function checkedInputs(urn: string, olds: Props, news: Props): Props {
  const { type, name } = parseUrn(urn);
  if (!AUTONAMED.has(type) || news.name !== undefined) return news;
  const short = type.startsWith("aws:lb/") ? name.slice(0, 24) : name;
  return { ...news, name: olds.name ?? `${short}-${createHash("sha256").update(urn).digest("hex").slice(0, 7)}` };
}

/** `urn:pulumi:stack::project::parent$type::name` → type and name. */
export function parseUrn(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  const types = parts[2] ?? "";
  return { type: types.slice(types.lastIndexOf("$") + 1), name: parts.slice(3).join("::") };
}

// ---------------------------------------------------------------------------------------------
// The account's journal
// ---------------------------------------------------------------------------------------------

export interface JournalEvent {
  kind: "taskDefinition" | "service";
  family?: string;
  revision?: number;
  cluster?: string;
  service?: string;
  taskDefinition?: string;
  region?: string;
}

export function readJournal(file: string | undefined): JournalEvent[] {
  if (!file || !fs.existsSync(file)) return [];
  return fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as JournalEvent);
}

function record(event: JournalEvent): void {
  const file = process.env.FERRY_STANDIN_JOURNAL;
  if (file) fs.appendFileSync(file, `${JSON.stringify(event)}\n`);
}

// ---------------------------------------------------------------------------------------------
// The provider
// ---------------------------------------------------------------------------------------------

const toJs = (s: any): Props => (s ? (s.toJavaScript() as Props) : {});
const toStruct = (p: Props) => Struct.fromJavaScript(JSON.parse(JSON.stringify(p)));

class StandIn {
  private model = new OfflineMocks(process.env.AWS_REGION ?? "us-east-1");

  configure(args: Props): void {
    if (typeof args.region === "string" && args.region) this.model = new OfflineMocks(args.region);
  }

  /** The model's outputs; task definitions take the family's next revision, services are journaled. */
  outputs(urn: string, inputs: Props, preview: boolean, id?: string): { id: string; props: Props } {
    const { type, name } = parseUrn(urn);
    const out = this.model.newResource({ type, name, inputs, custom: true } as never);
    const props = out.state;
    if (type === "aws:ecs/taskDefinition:TaskDefinition" && !preview) {
      const family = String(inputs.family);
      const revision = readJournal(process.env.FERRY_STANDIN_JOURNAL).filter((e) => e.kind === "taskDefinition" && e.family === family).length + 1;
      record({ kind: "taskDefinition", family, revision });
      Object.assign(props, { revision, arn: String(props.arn).replace(/:\d+$/, `:${revision}`), arnWithoutRevision: String(props.arn).replace(/:\d+$/, "") });
    }
    if (type === "aws:ecs/service:Service" && !preview) {
      record({ kind: "service", cluster: String(inputs.cluster), service: String(props.name), taskDefinition: String(inputs.taskDefinition), region: this.model.region });
    }
    return { id: id ?? out.id ?? "", props };
  }

  invoke(token: string, args: Props): Props {
    return this.model.call({ token, inputs: args } as never);
  }
}

export function standInProvider(pkg: string): grpc.UntypedServiceImplementation {
  const p = new StandIn();
  const impl: grpc.UntypedServiceImplementation = {};
  const unimplemented = (_c: unknown, cb: Callback) => cb({ code: grpc.status.UNIMPLEMENTED, details: `not implemented by Ferry's stand-in ${pkg} provider` } as grpc.ServiceError);
  for (const name of Object.keys(services.ResourceProviderService)) impl[name] = unimplemented;
  const reply = <T>(cb: Callback, make: () => T) => {
    try {
      cb(null, make());
    } catch (err) {
      cb({ code: grpc.status.INTERNAL, details: (err as Error).message } as grpc.ServiceError);
    }
  };
  return Object.assign(impl, {
    getPluginInfo: (_c: Call, cb: Callback) => reply(cb, () => {
      const r = new plugin.PluginInfo();
      r.setVersion(VERSIONS[pkg] ?? "0.0.1");
      return r;
    }),
    getSchema: (_c: Call, cb: Callback) => reply(cb, () => {
      const r = new messages.GetSchemaResponse();
      r.setSchema(JSON.stringify({ name: pkg, version: VERSIONS[pkg] }));
      return r;
    }),
    checkConfig: (c: Call, cb: Callback) => reply(cb, () => {
      const r = new messages.CheckResponse();
      r.setInputs(c.request.getNews());
      return r;
    }),
    diffConfig: (c: Call, cb: Callback) => reply(cb, () => {
      const r = new messages.DiffResponse();
      const changed = changedKeys(toJs(c.request.getOldInputs() ?? c.request.getOlds()), toJs(c.request.getNews()));
      r.setChanges(changed.length ? messages.DiffResponse.DiffChanges.DIFF_SOME : messages.DiffResponse.DiffChanges.DIFF_NONE);
      r.setDiffsList(changed);
      return r;
    }),
    configure: (c: Call, cb: Callback) => reply(cb, () => {
      const args = toJs(c.request.getArgs());
      const vars: Record<string, string> = {};
      c.request.getVariablesMap().forEach((v: string, k: string) => (vars[k] = v));
      p.configure({ region: args.region ?? vars[`${pkg}:config:region`] });
      const r = new messages.ConfigureResponse();
      r.setSupportspreview(true);
      r.setAcceptsecrets(false);
      r.setAcceptresources(false);
      return r;
    }),
    check: (c: Call, cb: Callback) => reply(cb, () => {
      const r = new messages.CheckResponse();
      r.setInputs(toStruct(checkedInputs(c.request.getUrn(), toJs(c.request.getOlds()), toJs(c.request.getNews()))));
      return r;
    }),
    diff: (c: Call, cb: Callback) => reply(cb, () => {
      const { type } = parseUrn(c.request.getUrn());
      const oldInputs = c.request.getOldInputs() ? toJs(c.request.getOldInputs()) : toJs(c.request.getOlds());
      const changed = changedKeys(oldInputs, toJs(c.request.getNews()));
      const r = new messages.DiffResponse();
      r.setChanges(changed.length ? messages.DiffResponse.DiffChanges.DIFF_SOME : messages.DiffResponse.DiffChanges.DIFF_NONE);
      r.setDiffsList(changed);
      r.setReplacesList(replacedKeys(type, changed));
      return r;
    }),
    create: (c: Call, cb: Callback) => reply(cb, () => {
      const out = p.outputs(c.request.getUrn(), toJs(c.request.getProperties()), c.request.getPreview());
      const r = new messages.CreateResponse();
      r.setId(out.id);
      r.setProperties(toStruct(out.props));
      return r;
    }),
    update: (c: Call, cb: Callback) => reply(cb, () => {
      const out = p.outputs(c.request.getUrn(), toJs(c.request.getNews()), c.request.getPreview(), c.request.getId());
      const r = new messages.UpdateResponse();
      r.setProperties(toStruct(out.props));
      return r;
    }),
    read: (c: Call, cb: Callback) => reply(cb, () => {
      const r = new messages.ReadResponse();
      r.setId(c.request.getId());
      r.setProperties(c.request.getProperties());
      r.setInputs(c.request.getInputs());
      return r;
    }),
    delete: (_c: Call, cb: Callback) => cb(null, new Empty()),
    invoke: (c: Call, cb: Callback) => reply(cb, () => {
      const r = new messages.InvokeResponse();
      r.setReturn(toStruct(p.invoke(c.request.getTok(), toJs(c.request.getArgs()))));
      return r;
    }),
    cancel: (_c: Call, cb: Callback) => cb(null, new Empty()),
  });
}

function main(): void {
  const pkg = process.argv[2] ?? "aws";
  // As Pulumi's own plugins do (rpcutil.MaxRPCMessageSize, 400 MB): grpc-js would stop at 4 MB.
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024, "grpc.max_send_message_length": 400 * 1024 * 1024 });
  server.addService(services.ResourceProviderService, standInProvider(pkg));
  server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
    if (err) {
      process.stderr.write(`stand-in ${pkg} provider: ${err.message}\n`);
      process.exit(1);
    }
    process.stdout.write(`${port}\n`);
  });
}

if (require.main === module) main();
