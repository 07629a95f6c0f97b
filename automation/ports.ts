/**
 * The seam between Ferry's orchestration and the world. Orchestration (promote, rollback, status,
 * approval) is written against these interfaces only; adapters implement them over the Pulumi
 * Automation API, the AWS SDK, git and the file system, and tests implement them in memory.
 */
import type { EngineEventLike } from "./events";

/** Pulumi's change counts by operation (`{ update: 2, same: 30 }`). */
export type ChangeSummary = Record<string, number>;

export interface UpdateRecord {
  kind: string;
  result: "succeeded" | "failed" | "in-progress" | string;
  message: string;
  startTime: string;
  endTime?: string;
  version?: number;
}

export interface OperationOptions {
  onEvent?: (event: EngineEventLike) => void;
  /** Aborting cancels the operation: exactly one interrupt reaches the CLI. */
  signal?: AbortSignal;
  /** Aborting forces the CLI to stop at once (a second interrupt): in-flight steps are abandoned. */
  force?: AbortSignal;
  /** Deploy with the config in this file instead of `Pulumi.<stack>.yaml` (the CLI's --config-file). */
  configFile?: string;
}

export interface UpResult {
  changes: ChangeSummary;
  /** The update succeeded, but something read after it (outputs, summary) failed: said, never undone. */
  warnings: string[];
}

/** A Pulumi stack of this project (LocalWorkspace in production). */
export interface StackPort {
  /** Stack outputs (plain values); undefined when the stack was never deployed or does not exist. */
  outputs(stack: string): Promise<Record<string, unknown> | undefined>;
  /**
   * Throws StackLockedError for a concurrent update, NotStartedError when the CLI or backend cannot
   * run it, OperationFailedError otherwise.
   */
  preview(stack: string, options: OperationOptions): Promise<ChangeSummary>;
  /** Throws StackLockedError for a concurrent update, NotStartedError when it never started, OperationFailedError (interrupted on abort) otherwise. */
  up(stack: string, message: string, options: OperationOptions): Promise<UpResult>;
  /** Newest first, `limit` a page (page 1: the newest). Throws NotStartedError when the history cannot be read. */
  history(stack: string, limit: number, page?: number): Promise<UpdateRecord[]>;
  /** A stack tag's value (kept in the backend, seen by every machine); undefined when unset. */
  tag(stack: string, name: string): Promise<string | undefined>;
  setTag(stack: string, name: string, value: string): Promise<void>;
  removeTag(stack: string, name: string): Promise<void>;
}

/** The project's stack files (`Pulumi.<stack>.yaml`) on disk. */
export interface StackFilesPort {
  knownStacks(): string[];
  /** Text of Pulumi.yaml. */
  project(): string;
  /** The file's path, relative to the project directory. */
  relativePath(stack: string): string;
  read(stack: string): string;
  write(stack: string, text: string): void;
  /** A private copy of a stack file with this text, for `configFile`; `dispose` removes it. */
  scratchCopy(stack: string, text: string): { path: string; dispose(): void };
}

/** Scan findings of an image: counts by severity over all its platform images. */
export interface ScanFindings {
  counts: Record<string, number>;
  /** Platform images whose findings were read. */
  images: number;
}

/** The image registry (ECR). */
export interface RegistryPort {
  /** Throws when findings cannot be read (scan missing, failed, still running, no access). */
  scanFindings(imageRef: string): Promise<ScanFindings>;
  /** Tags the index and each of its platform images (`<tag>-<arch>`). */
  tag(imageRef: string, tag: string): Promise<void>;
  /** The architectures (`amd64`, `arm64`) of a multi-arch index; throws when they cannot be read. */
  platforms(imageRef: string): Promise<string[]>;
}

/** Git, for keeping the stack files that Pulumi Deployments reads in step with what is deployed. */
export interface RepoPort {
  /** undefined when the project is not in a git work tree. */
  hasUncommittedChanges(path: string): Promise<boolean | undefined>;
  /** The path's text as last committed (HEAD); undefined when it has none. */
  committedText(path: string): Promise<string | undefined>;
  /** Commits exactly this path; returns the commit id. */
  commit(path: string, message: string): Promise<string>;
  /** The remote branch the current branch pushes to (`origin/main`); undefined when it tracks none. */
  upstream(): Promise<string | undefined>;
  /** Pushes HEAD to that remote branch (a rejected push throws, with git's reason). */
  push(): Promise<void>;
}

export interface PausedDeployment {
  service: string;
  deploymentArn: string;
  hookId: string;
  stage?: string;
  expiresAt?: Date;
  timeoutAction?: string;
}

/** ECS service deployments. */
export interface DeploymentsPort {
  paused(region: string, cluster: string, services: string[]): Promise<PausedDeployment[]>;
  answer(region: string, deployment: PausedDeployment, action: "CONTINUE" | "ROLLBACK"): Promise<void>;
}

export interface Ports {
  stacks: StackPort;
  files: StackFilesPort;
  registry: RegistryPort;
  repo: RepoPort;
  deployments: DeploymentsPort;
}
