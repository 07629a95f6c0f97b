/**
 * The Pulumi CLI as the Automation API runs it, with three differences that matter to Ferry:
 * - the CLI runs in its own process group, so a Ctrl-C in the terminal reaches Ferry only, and Ferry
 *   sends exactly one interrupt (cancel) to the CLI; a second one (force) only when asked;
 * - which binary and which extra environment are the caller's choice (no `process.env` edits);
 * - every command's exit code is kept, so an `up` that succeeded is known to have succeeded even when
 *   reading its outputs afterwards fails.
 * LocalWorkspace takes it as its `pulumiCommand`.
 */
import { spawn } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as semver from "semver";
import { CANCEL_FILE_ENV } from "../../lib/deploymentWatch";
import { NotStartedError } from "../errors";

/** What the Automation API expects back from a command (its own internal class, so its errors classify it). */
interface CommandResult {
  stdout: string;
  stderr: string;
  code: number;
  err?: Error;
}
/* eslint-disable @typescript-eslint/no-require-imports */
const { CommandResult } = require("@pulumi/pulumi/automation/cmd") as { CommandResult: new (stdout: string, stderr: string, code: number, err?: Error) => CommandResult };
const { createCommandError } = require("@pulumi/pulumi/automation/errors") as { createCommandError(r: CommandResult): Error };
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The oldest CLI Ferry runs with: 3.211.0 keeps stack tags on every backend (DIY backends before it
 * dropped them), and the promotion lease is a stack tag.
 */
export const MIN_PULUMI_VERSION = "3.211.0";

export const INSTALL_HINT = "Install it (https://www.pulumi.com/docs/iac/download-install/), or name the binary: FERRY_PULUMI=<path> (library: createFerry({ pulumi }))";

export interface CliOptions {
  /** The `pulumi` binary. @default "pulumi" on PATH */
  binary?: string;
  /** Extra environment for every CLI command (on top of this process's). */
  env?: Record<string, string>;
}

export interface CommandRecord {
  args: string[];
  code: number;
}

export class PulumiCli {
  /** Commands run so far, with their exit codes (newest last). */
  readonly ran: CommandRecord[] = [];
  /** Aborting this sends the running command a second interrupt: the CLI stops at once. */
  force?: AbortSignal;

  private constructor(
    readonly command: string,
    readonly version: semver.SemVer,
    private readonly env: Record<string, string>,
  ) {}

  /** Finds the CLI and checks its version; NotStartedError (exit 4) when it is missing or too old. */
  static async locate(options: CliOptions = {}): Promise<PulumiCli> {
    const binary = options.binary ?? "pulumi";
    const env = options.env ?? {};
    const out = await runProcess(binary, ["version"], undefined, { ...env, PULUMI_SKIP_UPDATE_CHECK: "true" }).catch((err: NodeJS.ErrnoException) => err);
    if (out instanceof Error) {
      if (out.code === "ENOENT" || out.code === "EACCES") {
        throw new NotStartedError(`the Pulumi CLI was not found (looked for "${binary}"${binary.includes("/") ? "" : " on PATH"})`, INSTALL_HINT);
      }
      throw new NotStartedError(`the Pulumi CLI ("${binary}") could not be run: ${out.message}`, INSTALL_HINT);
    }
    const version = semver.parse(out.stdout.trim().replace(/^v/, ""));
    if (out.code !== 0 || !version) {
      throw new NotStartedError(`"${binary} version" answered ${JSON.stringify(out.stdout.trim() || out.stderr.trim())}, not a version`, INSTALL_HINT);
    }
    if (semver.lt(version, MIN_PULUMI_VERSION)) {
      throw new NotStartedError(
        `the Pulumi CLI is ${version.version}; Ferry needs ${MIN_PULUMI_VERSION} or newer (stack tags on every backend hold the promotion lease)`,
        "Upgrade it: https://www.pulumi.com/docs/iac/download-install/",
      );
    }
    return new PulumiCli(binary, version, env);
  }

  /** The Automation API's entry point: runs one CLI command, throwing its classified CommandError on failure. */
  async run(
    args: string[],
    cwd: string,
    additionalEnv: Record<string, string>,
    onOutput?: (data: string) => void,
    onError?: (data: string) => void,
    signal?: AbortSignal,
  ): Promise<CommandResult> {
    if (!args.includes("--non-interactive")) args.push("--non-interactive");
    // The engine does not pass a cancel on to dynamic providers: the deployment check watches this
    // file instead (components/deploymentCheck.ts), made when this command is interrupted.
    const cancelFile = path.join(os.tmpdir(), `ferry-cancel-${process.pid}-${randomBytes(4).toString("hex")}`);
    const env = { ...this.env, ...additionalEnv, PULUMI_AUTOMATION_API: "true", [CANCEL_FILE_ENV]: cancelFile };
    const onCancel = () => fs.writeFileSync(cancelFile, `interrupted at ${new Date().toISOString()}\n`);
    signal?.addEventListener("abort", onCancel, { once: true });
    let out: ProcessResult;
    try {
      out = await runProcess(this.command, args, cwd, env, { onOutput, onError, signal, force: this.force });
    } catch (err) {
      this.ran.push({ args, code: -2 });
      throw createCommandError(new CommandResult("", (err as Error).message, -2, err as Error));
    } finally {
      signal?.removeEventListener("abort", onCancel);
      fs.rmSync(cancelFile, { force: true });
    }
    this.ran.push({ args, code: out.code });
    const result = new CommandResult(out.stdout, out.stderr, out.code);
    if (out.code !== 0) throw createCommandError(result);
    return result;
  }
}

interface ProcessResult {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * Spawns a command in a process group of its own. `signal` sends it one SIGINT (the CLI cancels
 * the running operation); `force` sends a second one (the CLI stops at once).
 */
export function runProcess(
  command: string,
  args: string[],
  cwd: string | undefined,
  env: Record<string, string>,
  io: { onOutput?: (d: string) => void; onError?: (d: string) => void; signal?: AbortSignal; force?: AbortSignal } = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d;
      io.onOutput?.(d.toString());
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d;
      io.onError?.(d.toString());
    });
    const interrupt = () => {
      if (child.exitCode === null && child.pid) child.kill("SIGINT");
    };
    const cancel = () => interrupt();
    const force = () => interrupt();
    if (io.signal?.aborted) cancel();
    else io.signal?.addEventListener("abort", cancel, { once: true });
    // Force means a second interrupt, so only once the first one was sent.
    const onForce = () => (io.signal?.aborted ? force() : undefined);
    io.force?.addEventListener("abort", onForce, { once: true });
    // Ferry leaving must not leave a CLI of its process group running on its own.
    const onExit = () => interrupt();
    process.once("exit", onExit);
    child.on("error", (err) => {
      process.off("exit", onExit);
      reject(err);
    });
    child.on("close", (code) => {
      io.signal?.removeEventListener("abort", cancel);
      io.force?.removeEventListener("abort", onForce);
      process.off("exit", onExit);
      resolve({ stdout, stderr, code: code ?? 1 });
    });
  });
}
