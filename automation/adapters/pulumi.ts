/**
 * The project's stacks through the Pulumi Automation API (LocalWorkspace over the project directory,
 * with the `pulumi` found on PATH). Raw Automation API errors are classified here, once.
 */
import { ConcurrentUpdateError, LocalWorkspace, Stack, StackNotFoundError, UpdateSummary } from "@pulumi/pulumi/automation";
import { OperationFailedError, StackLockedError } from "../errors";
import { ChangeSummary, OperationOptions, StackPort, UpdateRecord } from "../ports";

/** The CLI's own error lines from stderr (what a person needs), without the progress noise. */
export function cliErrorSummary(stderr: string): string {
  const lines = stderr.split("\n").map((l) => l.trim()).filter(Boolean);
  const errors = lines.filter((l) => /^error:/i.test(l)).map((l) => l.replace(/^error:\s*/i, ""));
  return (errors.length ? errors : lines.slice(-3)).join("; ").slice(0, 2000) || "the Pulumi CLI failed without a message";
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

export class PulumiStacks implements StackPort {
  private workspace?: Promise<LocalWorkspace>;

  constructor(readonly workDir: string) {}

  private async select(stack: string): Promise<Stack> {
    this.workspace ??= LocalWorkspace.create({ workDir: this.workDir });
    return Stack.select(stack, await this.workspace);
  }

  private classify(stack: string, err: unknown, signal?: AbortSignal): Error {
    if (err instanceof ConcurrentUpdateError) return new StackLockedError(stack);
    const stderr = (err as { commandResult?: { stderr?: string } }).commandResult?.stderr;
    const message = stderr !== undefined ? cliErrorSummary(stderr) : (err as Error).message;
    return new OperationFailedError(stack, message, signal?.aborted ?? false);
  }

  async outputs(stack: string): Promise<Record<string, unknown> | undefined> {
    let s: Stack;
    try {
      s = await this.select(stack);
    } catch (err) {
      if (err instanceof StackNotFoundError) return undefined;
      throw this.classify(stack, err);
    }
    const outputs = await s.outputs();
    if (Object.keys(outputs).length === 0) return undefined;
    return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]));
  }

  async setImageRef(stack: string, ref: string): Promise<void> {
    await (await this.select(stack)).setConfig("ferry:imageRef", { value: ref, secret: false });
  }

  async preview(stack: string, options: OperationOptions): Promise<ChangeSummary> {
    try {
      const result = await (await this.select(stack)).preview({ onEvent: options.onEvent as never, signal: deliveredSignal(options.signal) });
      return result.changeSummary as ChangeSummary;
    } catch (err) {
      throw this.classify(stack, err, options.signal);
    }
  }

  async up(stack: string, message: string, options: OperationOptions): Promise<ChangeSummary> {
    try {
      const result = await (await this.select(stack)).up({ message, onEvent: options.onEvent as never, signal: deliveredSignal(options.signal) });
      return (result.summary.resourceChanges ?? {}) as ChangeSummary;
    } catch (err) {
      throw this.classify(stack, err, options.signal);
    }
  }

  async history(stack: string, limit: number): Promise<UpdateRecord[]> {
    const updates: UpdateSummary[] = await (await this.select(stack)).history(limit, 1);
    const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : String(d));
    return updates.map((u) => ({ kind: u.kind, result: u.result, message: u.message, startTime: iso(u.startTime), endTime: u.endTime ? iso(u.endTime) : undefined, version: u.version }));
  }
}
