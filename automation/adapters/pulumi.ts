/**
 * The project's stacks through the Pulumi Automation API (LocalWorkspace over the project directory,
 * running the CLI through PulumiCli). Raw Automation API errors are classified here, once:
 * StackLockedError (another update), NotStartedError (the CLI or backend failed before any update:
 * exit 4), OperationFailedError (an operation ran and failed).
 */
import { ConcurrentUpdateError, LocalWorkspace, PulumiCommand, Stack, StackNotFoundError, UpdateSummary } from "@pulumi/pulumi/automation";
import { NotStartedError, OperationFailedError, StackLockedError } from "../errors";
import { ChangeSummary, OperationOptions, StackPort, UpdateRecord, UpResult } from "../ports";
import { CliOptions, PulumiCli } from "./pulumiCli";

/** The CLI's own error lines from stderr (what a person needs), without the progress noise. */
export function cliErrorSummary(stderr: string, stdout = ""): string {
  // The real CLI prints a failed resource's error in its output (the resource line and the
  // Diagnostics section), not on stderr, which may hold only warnings: look there when stderr has none.
  const errorsIn = (text: string) => [...new Set(text.split("\n").map((l) => /(?:^|\s)error:\s*(.+)$/i.exec(l.trim())?.[1]?.trim()).filter((e): e is string => !!e))];
  const errors = errorsIn(stderr).length ? errorsIn(stderr) : errorsIn(stdout);
  // A failed `up` ends with "error: update failed"; with the real error said, it adds nothing.
  const said = errors.length > 1 ? errors.filter((e) => !/^update failed$/i.test(e)) : errors;
  if (said.length) return said.join("; ").slice(0, 2000);
  // Warnings (a plugin taken from PATH, say) are not why it failed.
  const lines = stderr.split("\n").map((l) => l.trim()).filter((l) => l && !/^warning:/i.test(l));
  return lines.slice(-3).join("; ").slice(0, 2000) || "the Pulumi CLI failed without a message";
}

/**
 * The Automation API cancels an operation by listening for "abort" on the signal it is given, but it
 * only starts listening once the CLI process is spawned; an abort in between would be lost and the
 * update would run on. This signal aborts only after someone listens, so an early interrupt is
 * delivered as soon as the process exists.
 */
export function deliveredSignal(outer: AbortSignal | undefined): AbortSignal | undefined {
  if (!outer) return undefined;
  const inner = new AbortController();
  const listen = inner.signal.addEventListener.bind(inner.signal);
  let listening = false;
  inner.signal.addEventListener = ((...args: Parameters<AbortSignal["addEventListener"]>) => {
    listen(...args);
    const [type] = args;
    if (type === "abort") {
      listening = true;
      if (outer.aborted && !inner.signal.aborted) inner.abort();
    }
  }) as typeof inner.signal.addEventListener;
  outer.addEventListener("abort", () => listening && inner.abort(), { once: true });
  return inner.signal;
}

const stderrOf = (err: unknown) => (err as { commandResult?: { stderr?: string } }).commandResult?.stderr;
const stdoutOf = (err: unknown) => (err as { commandResult?: { stdout?: string } }).commandResult?.stdout;

/** Whether a CLI failure means the operation never started: not logged in, no such stack, no backend access. */
function neverStarted(stack: string, err: unknown): NotStartedError | undefined {
  const stderr = stderrOf(err) ?? (err as Error).message ?? "";
  if (err instanceof StackNotFoundError || /no stack named .* found/.test(stderr)) {
    return new NotStartedError(`stack "${stack}" does not exist in the Pulumi backend you are logged in to`, `Create it (pulumi stack init ${stack}) or log in to the backend that has it (pulumi login <backend>)`);
  }
  if (/not logged in|PULUMI_ACCESS_TOKEN|pulumi login/i.test(stderr)) {
    return new NotStartedError(`the Pulumi CLI is not logged in to a backend`, "Log in: pulumi login (or set PULUMI_BACKEND_URL / PULUMI_ACCESS_TOKEN)");
  }
  if (/passphrase/i.test(stderr) && /secrets|decrypt|PULUMI_CONFIG_PASSPHRASE/i.test(stderr)) {
    return new NotStartedError(`the stack's secrets cannot be decrypted: ${cliErrorSummary(stderr)}`, "Set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) for this stack");
  }
  return undefined;
}

/** A CLI failure before any update: why it never started if known, else "<what> failed: <the CLI's error>" and the fix. */
function notStarted(stack: string, err: unknown, what: string, fix: string): NotStartedError {
  return neverStarted(stack, err) ?? new NotStartedError(`${what} failed: ${cliErrorSummary(stderrOf(err) ?? (err as Error).message)}`, fix);
}

export class PulumiStacks implements StackPort {
  private setup?: Promise<{ cli: PulumiCli; workspace: LocalWorkspace }>;

  constructor(readonly workDir: string, readonly cliOptions: CliOptions = {}) {}

  private async ready(): Promise<{ cli: PulumiCli; workspace: LocalWorkspace }> {
    this.setup ??= (async () => {
      const cli = await PulumiCli.locate(this.cliOptions);
      const workspace = await LocalWorkspace.create({ workDir: this.workDir, pulumiCommand: cli as unknown as PulumiCommand, envVars: this.cliOptions.env });
      return { cli, workspace };
    })();
    // A failed setup (CLI missing) is not cached: the next call tries again.
    this.setup.catch(() => (this.setup = undefined));
    return this.setup;
  }

  private selected = new Map<string, Stack>();

  /** The stack, selected once per run (every CLI command names its stack anyway). */
  private async select(stack: string): Promise<Stack> {
    const { workspace } = await this.ready();
    const known = this.selected.get(stack);
    if (known) return known;
    try {
      const s = await Stack.select(stack, workspace);
      this.selected.set(stack, s);
      return s;
    } catch (err) {
      throw notStarted(stack, err, `selecting stack "${stack}"`, `Check it: pulumi stack select ${stack}`);
    }
  }

  private classify(stack: string, err: unknown, signal?: AbortSignal): Error {
    if (err instanceof ConcurrentUpdateError) return new StackLockedError(stack, cliErrorSummary(stderrOf(err) ?? ""));
    const early = neverStarted(stack, err);
    if (early) return early;
    const stderr = stderrOf(err);
    return new OperationFailedError(stack, stderr !== undefined ? cliErrorSummary(stderr, stdoutOf(err)) : (err as Error).message, signal?.aborted ?? false);
  }

  async outputs(stack: string): Promise<Record<string, unknown> | undefined> {
    let s: Stack;
    try {
      s = await this.select(stack);
    } catch (err) {
      // A stack that was never created has no outputs; callers refuse with their own words.
      if (err instanceof NotStartedError && /does not exist/.test(err.message)) return undefined;
      throw err;
    }
    try {
      const outputs = await s.outputs();
      if (Object.keys(outputs).length === 0) return undefined;
      return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]));
    } catch (err) {
      throw notStarted(stack, err, `reading the outputs of "${stack}"`, `Check them: pulumi stack output --stack ${stack}`);
    }
  }

  async preview(stack: string, options: OperationOptions): Promise<ChangeSummary> {
    const s = await this.select(stack);
    const { cli } = await this.ready();
    cli.force = options.force;
    try {
      const result = await s.preview({ onEvent: options.onEvent as never, signal: deliveredSignal(options.signal), configFile: options.configFile });
      return result.changeSummary as ChangeSummary;
    } catch (err) {
      const classified = this.classify(stack, err, options.signal);
      if (classified instanceof OperationFailedError && !classified.interrupted) {
        throw new NotStartedError(`preview of "${stack}" failed: ${classified.message}`, `See the whole output: pulumi preview --stack ${stack}`);
      }
      throw classified;
    } finally {
      cli.force = undefined;
    }
  }

  async up(stack: string, message: string, options: OperationOptions): Promise<UpResult> {
    const s = await this.select(stack);
    const { cli } = await this.ready();
    cli.force = options.force;
    const ranBefore = cli.ran.length;
    try {
      const result = await s.up({ message, onEvent: options.onEvent as never, signal: deliveredSignal(options.signal), configFile: options.configFile });
      return { changes: (result.summary.resourceChanges ?? {}) as ChangeSummary, warnings: [] };
    } catch (err) {
      // The update itself succeeded when its `up` command exited 0; what failed is reading after it.
      const up = cli.ran.slice(ranBefore).find((r) => r.args[0] === "up");
      if (up?.code === 0) {
        return { changes: {}, warnings: [`${stack} was updated, but reading its outputs afterwards failed (${cliErrorSummary(stderrOf(err) ?? (err as Error).message)}); see them with: pulumi stack output --stack ${stack}`] };
      }
      throw this.classify(stack, err, options.signal);
    } finally {
      cli.force = undefined;
    }
  }

  async history(stack: string, limit: number, page = 1): Promise<UpdateRecord[]> {
    const s = await this.select(stack);
    let updates: UpdateSummary[];
    try {
      updates = await s.history(limit, page);
    } catch (err) {
      throw notStarted(stack, err, `reading the update history of "${stack}"`, `Check it: pulumi stack history --stack ${stack}`);
    }
    const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : String(d));
    return updates.map((u) => ({ kind: u.kind, result: u.result, message: u.message, startTime: iso(u.startTime), endTime: u.endTime ? iso(u.endTime) : undefined, version: u.version }));
  }

  async tag(stack: string, name: string): Promise<string | undefined> {
    await this.select(stack);
    const { workspace } = await this.ready();
    try {
      return (await workspace.listTags(stack))[name];
    } catch (err) {
      throw notStarted(stack, err, `reading the tags of "${stack}"`, `Check them: pulumi stack tag ls --stack ${stack}`);
    }
  }

  async setTag(stack: string, name: string, value: string): Promise<void> {
    const { workspace } = await this.ready();
    try {
      await workspace.setTag(stack, name, value);
    } catch (err) {
      throw notStarted(stack, err, `setting a tag on "${stack}"`, `Check: pulumi stack tag set ${name} test --stack ${stack}`);
    }
  }

  async removeTag(stack: string, name: string): Promise<void> {
    const { workspace } = await this.ready();
    await workspace.removeTag(stack, name);
  }
}
