/** Exit codes of every `ferry` command. */
export const EXIT = {
  ok: 0,
  /** A deploy failed and was rolled back; or an unexpected failure. */
  failed: 1,
  /** Refused: bad input, invalid config, unknown stack. Nothing was changed. */
  refused: 2,
  /** A deploy failed and rolling back failed too. */
  rollbackFailed: 3,
} as const;
