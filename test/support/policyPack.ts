/**
 * Ferry's policy pack (policy/) served as the Pulumi CLI serves a Node.js pack: `run-policy-pack`
 * started in the pack's folder (ts-node, type-checked), its port read from stdout, and the engine's
 * side of the Analyzer gRPC protocol spoken to it here.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { PROJECT_DIR } from "../../plan/run";

/* eslint-disable @typescript-eslint/no-require-imports */
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

export const POLICY_PACK_DIR = path.join(PROJECT_DIR, "policy");

export interface Diagnostic {
  policyName: string;
  message: string;
  enforcementLevel: "advisory" | "mandatory" | "disabled" | "remediate";
  urn: string;
}

export interface StackResource {
  type: string;
  name: string;
  props: Record<string, unknown>;
  /** `<type>::<name>` of the resources (in this list) it depends on. */
  dependsOn?: string[];
}

const LEVELS = ["advisory", "mandatory", "disabled", "remediate"] as const;
const urnOf = (type: string, name: string) => `urn:pulumi:test::ferry::${type}::${name}`;

type Call = (req: unknown, cb: (err: grpc.ServiceError | null, res: { getDiagnosticsList(): unknown[] }) => void) => void;

export class ServedPolicyPack {
  private constructor(
    private readonly process: ChildProcess,
    private readonly client: Record<string, Call> & grpc.Client,
  ) {}

  static async start(): Promise<ServedPolicyPack> {
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [PROJECT_DIR] });
    const child = spawn(process.execPath, [runner, "127.0.0.1:0", "."], { cwd: POLICY_PACK_DIR, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const port = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (d) => {
        out += d;
        const m = /^(\d+)\s*$/m.exec(out);
        if (m) resolve(m[1]);
      });
      child.on("exit", (code) => reject(new Error(`the policy pack exited (${code}) before serving:\n${stderr}`)));
    });
    const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new ServedPolicyPack(child, client);
  }

  private call(method: string, req: unknown): Promise<Diagnostic[]> {
    return new Promise((resolve, reject) => {
      (this.client[method] as Call).call(this.client, req, (err, res) => {
        if (err) return reject(err);
        resolve(
          res.getDiagnosticsList().map((d) => {
            const x = d as { getPolicyname(): string; getMessage(): string; getEnforcementlevel(): number; getUrn(): string };
            return { policyName: x.getPolicyname(), message: x.getMessage(), enforcementLevel: LEVELS[x.getEnforcementlevel()], urn: x.getUrn() };
          }),
        );
      });
    });
  }

  /** What the engine asks of each resource it plans: `Analyze`. */
  analyze(type: string, name: string, props: Record<string, unknown>): Promise<Diagnostic[]> {
    const req = new analyzerPb.AnalyzeRequest();
    req.setType(type);
    req.setName(name);
    req.setUrn(urnOf(type, name));
    req.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(props))));
    req.setOptions(new analyzerPb.AnalyzerResourceOptions());
    return this.call("analyze", req);
  }

  /** What the engine asks once every resource is planned: `AnalyzeStack`. */
  analyzeStack(resources: StackResource[]): Promise<Diagnostic[]> {
    const req = new analyzerPb.AnalyzeStackRequest();
    req.setResourcesList(
      resources.map((r) => {
        const res = new analyzerPb.AnalyzerResource();
        res.setType(r.type);
        res.setName(r.name);
        res.setUrn(urnOf(r.type, r.name));
        res.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(r.props))));
        res.setOptions(new analyzerPb.AnalyzerResourceOptions());
        res.setDependenciesList((r.dependsOn ?? []).map((d) => urnOf(d.slice(0, d.lastIndexOf("::")), d.slice(d.lastIndexOf("::") + 2))));
        return res;
      }),
    );
    return this.call("analyzeStack", req);
  }

  /** `--policy-pack-config`: per-policy settings, as the engine passes them (`Configure`). */
  configure(config: Record<string, Record<string, unknown>>): Promise<void> {
    const req = new analyzerPb.ConfigureAnalyzerRequest();
    const map = req.getPolicyconfigMap();
    for (const [policy, props] of Object.entries(config)) {
      const c = new analyzerPb.PolicyConfig();
      c.setEnforcementlevel(1);
      c.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(props))));
      map.set(policy, c);
    }
    return new Promise((resolve, reject) => (this.client.configure as unknown as Call).call(this.client, req, (err) => (err ? reject(err) : resolve())));
  }

  stop(): void {
    this.client.close();
    this.process.kill();
  }
}
