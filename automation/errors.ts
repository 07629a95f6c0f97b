/**
 * Ferry's typed failures. Each carries the exit code the CLI uses, so tools embedding the library and
 * the CLI classify failures the same way (one classifier, in the adapters, maps raw errors to these).
 */

export type ExitCode = 0 | 1 | 2 | 3;

/** Refused before anything changed: bad input, failed gate, not approved, locked stack. Exit 2. */
export class RefusedError extends Error {
  readonly exitCode: ExitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = "RefusedError";
  }
}

/** Another update holds the stack's lock; Ferry changed nothing. Exit 2. */
export class StackLockedError extends RefusedError {
  constructor(readonly stack: string, detail?: string) {
    super(`stack "${stack}" is locked by another update; nothing was changed${detail ? ` (${detail})` : ""}. Wait for it to finish, or cancel it, then run again.`);
    this.name = "StackLockedError";
  }
}

/** A Pulumi operation failed; `interrupted` when it was cancelled (SIGINT). */
export class OperationFailedError extends Error {
  constructor(readonly stack: string, message: string, readonly interrupted = false) {
    super(message);
    this.name = "OperationFailedError";
  }
}
