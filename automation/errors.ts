/**
 * Ferry's typed failures. Each carries the exit code the CLI uses (lib/exitCodes.ts), so tools
 * embedding the library and the CLI classify failures the same way (one classifier, in the adapters,
 * maps raw errors to these).
 */
import { EXIT, ExitCode } from "../lib/exitCodes";

export type { ExitCode } from "../lib/exitCodes";
export { EXIT } from "../lib/exitCodes";

/** Every failure Ferry reports on purpose: a one-line cause, and the exit code it maps to. */
export class FerryError extends Error {
  constructor(message: string, readonly exitCode: ExitCode) {
    super(message);
    this.name = "FerryError";
  }
}

/** Refused before anything changed: bad input, failed gate, not approved, locked stack. Exit 2. */
export class RefusedError extends FerryError {
  constructor(message: string) {
    super(message, EXIT.refused);
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

/** Another promotion or rollback of the same stack is running (its lease is on the stack). Exit 2. */
export class PromotionRunningError extends RefusedError {
  constructor(readonly stack: string, readonly holder: { who: string; since: string; what: string }, hint: string) {
    super(`${holder.what} of "${stack}" is running (${holder.who}, since ${holder.since}); nothing was changed. Wait for it to finish (ferry status --stack ${stack}), then run again.${hint ? ` ${hint}` : ""}`);
    this.name = "PromotionRunningError";
  }
}

/**
 * The Pulumi CLI or its backend failed before any update ran: not installed, too old, not logged in,
 * the stack missing, its history or outputs unreadable. Nothing changed. Exit 4. The message is one
 * line: the cause, then the command that fixes it.
 */
export class NotStartedError extends FerryError {
  constructor(message: string, readonly fix: string) {
    super(`${message}. ${fix}`, EXIT.notStarted);
    this.name = "NotStartedError";
  }
}

/** A Pulumi operation failed; `interrupted` when it was cancelled (SIGINT). */
export class OperationFailedError extends Error {
  constructor(readonly stack: string, message: string, readonly interrupted = false) {
    super(message);
    this.name = "OperationFailedError";
  }
}
