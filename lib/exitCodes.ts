/**
 * Every exit code of every `ferry` command, in one table. The library's errors and outcomes carry
 * these numbers too, so an embedding tool and the CLI classify failures the same way.
 */
export const EXIT = {
  /** Done: deployed, or nothing to do. */
  ok: 0,
  /** An update ran and failed, and the previous image was deployed again: the stack runs what its file says. */
  failedRestored: 1,
  /** Refused before anything changed: bad input, invalid config, a gate, not approved, the stack busy. */
  refused: 2,
  /** An update ran and failed, and the stack was not brought back (restore failed or was turned off): look at it now. */
  notRestored: 3,
  /** `ferry plan --strict`: the plan breaks a mandatory policy (nothing was deployed). */
  policyViolated: 3,
  /** Could not start: the Pulumi CLI or its backend failed before any update (not installed, too old, stack missing, unreadable state). Nothing changed. */
  notStarted: 4,
  /** A bug in Ferry (an unexpected error); what it says is worth a report. */
  internal: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The table as the CLI's help prints it. */
export const EXIT_HELP = [
  "0 done (deployed, or nothing to do)",
  "1 the update failed and the previous image runs again",
  "2 refused, nothing changed",
  "3 the update failed and the stack was not brought back: look at it (plan --strict: a mandatory policy is violated)",
  "4 could not start (Pulumi CLI or backend), nothing changed",
  "5 internal error",
].join("; ");
