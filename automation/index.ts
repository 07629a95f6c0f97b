/**
 * Ferry's automation library: promote the exact image one stack runs to another, roll back to an
 * earlier generation, show status, and answer deployments paused for approval. Internal tools embed
 * this; the `ferry` CLI is a thin layer over it.
 *
 *   const ferry = createFerry({ workDir: "/path/to/project" });
 *   const result = await ferry.promote({ from: "dev", to: "staging", approve: async () => true,
 *                                        onEvent: (e) => console.log(e) });
 *   // result.outcome: "deployed" | "unchanged" | "failed-restored" | "failed" | "restore-failed"
 *
 * Refusals (bad input, failed gates, not approved, a busy stack) throw RefusedError (exit code 2)
 * before anything changes; a Pulumi CLI or backend that cannot start throws NotStartedError (4);
 * deploy outcomes are returned with their exit code. Every error Ferry means carries `exitCode`. Every AWS, Pulumi, git and file access goes through `Ports`,
 * which tools (and tests) may replace.
 */
import { awsPorts } from "../aws/ports";
import { ProjectFiles } from "./adapters/files";
import { GitRepo } from "./adapters/git";
import { PulumiStacks } from "./adapters/pulumi";
import { answerPause, AnswerRequest, retag } from "./approval";
import { DeployResult, unlock } from "./deploy";
import type { Lease } from "./lease";
import { EventSink } from "./events";
import { Ports } from "./ports";
import { promote, PromoteRequest } from "./promote";
import { rollback, RollbackRequest } from "./rollback";
import { status, StackStatus } from "./status";
import { gc, GcPorts, GcRequest, GcResult } from "./gc";

export * from "./errors";
export * from "./events";
export type { Ports, StackPort, StackFilesPort, RegistryPort, RepoPort, DeploymentsPort, ChangeSummary, UpdateRecord, PausedDeployment, ScanFindings } from "./ports";
export type { Approver, ApprovalRequest, DeployResult } from "./deploy";
export type { PromoteRequest } from "./promote";
export type { RollbackRequest } from "./rollback";
export type { StackStatus } from "./status";
export type { GcRequest, GcResult } from "./gc";
export type { GcPlan, GcDecision } from "../lib/gc";
export type { Release, Outcome } from "./decisions";
export type { Lease } from "./lease";
export { EXIT, EXIT_HELP } from "../lib/exitCodes";
export { exitCodeFor } from "./decisions";

export interface FerryOptions {
  /** The Pulumi project directory (holds Pulumi.yaml and the stack files). */
  workDir: string;
  /** The `pulumi` binary to run. @default "pulumi" on PATH */
  pulumi?: string;
  /** Extra environment for the Pulumi CLI (e.g. PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE); this process's own is not changed. */
  env?: Record<string, string>;
  /** Replace any adapter (tests, or tools with their own AWS or git access). */
  ports?: Partial<Ports & Pick<GcPorts, "images" | "usage">>;
}

export interface Ferry {
  promote(req: PromoteRequest): Promise<DeployResult>;
  rollback(req: RollbackRequest): Promise<DeployResult>;
  status(req?: { stacks?: string[] }): Promise<StackStatus[]>;
  approve(req: AnswerRequest): Promise<void>;
  reject(req: AnswerRequest): Promise<void>;
  /** Re-writes the release tags of what a stack runs (after a warning from promote or rollback). */
  tag(req: { stack: string; onEvent?: EventSink }): Promise<{ ref: string; generation: number }>;
  /** Rollback-safe cleanup of the image repository: what may go and why the rest stays; deletes only with `apply`. */
  gc(req?: GcRequest): Promise<GcResult>;
  /** Releases a stack's promotion lease left by a run that is gone; returns the lease it removed. */
  unlock(req: { stack: string }): Promise<Lease | undefined>;
}

export function defaultPorts(workDir: string, cli: { pulumi?: string; env?: Record<string, string> } = {}): Ports & Pick<GcPorts, "images" | "usage"> {
  return { stacks: new PulumiStacks(workDir, { binary: cli.pulumi, env: cli.env }), files: new ProjectFiles(workDir), repo: new GitRepo(workDir), ...awsPorts() };
}

export function createFerry(options: FerryOptions): Ferry {
  let ports: (Ports & Pick<GcPorts, "images" | "usage">) | undefined;
  // Adapters are built on the first call; AWS clients only when a region is first used.
  const p = () => (ports ??= { ...defaultPorts(options.workDir, options), ...options.ports });
  return {
    promote: (req) => promote(p(), req),
    rollback: (req) => rollback(p(), req),
    status: (req) => status(p(), req),
    gc: (req) => gc(p(), req),
    approve: async (req) => void (await answerPause(p(), req, "CONTINUE")),
    reject: async (req) => void (await answerPause(p(), req, "ROLLBACK")),
    tag: (req) => retag(p(), req),
    unlock: (req) => unlock(p(), req.stack),
  };
}
