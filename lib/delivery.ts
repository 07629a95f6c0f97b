/**
 * How a chat message is delivered (pure): what an HTTP answer means, and how long to wait before
 * trying again. A 2xx is delivered; 429 and 5xx (and no answer at all) are transient, tried again
 * with exponential backoff (honouring Retry-After); any other 4xx is the request's fault (a revoked
 * webhook, a wrong room or token) and is not tried again. What is not delivered goes to the
 * dead-letter queue, whose alarm tells the team.
 */

/** Tries in all (the first and the retries) before a message is given up on. */
export const MAX_TRIES = 4;
/** The first retry's wait; each next one doubles, up to MAX_DELAY_MS. */
export const BASE_DELAY_MS = 500;
export const MAX_DELAY_MS = 8000;

export type Outcome = { kind: "delivered" } | { kind: "retry"; afterMs: number; why: string } | { kind: "give-up"; why: string };

/**
 * @param tries how many tries have been made, this one included
 * @param status the HTTP status, or undefined when the request failed without an answer
 * @param retryAfter the Retry-After header (seconds), if any
 */
export function outcomeOf(tries: number, status: number | undefined, retryAfter?: string): Outcome {
  if (status !== undefined && status >= 200 && status < 300) return { kind: "delivered" };
  const transient = status === undefined || status === 429 || status >= 500;
  const what = status === undefined ? "no answer" : `HTTP ${status}`;
  if (!transient) return { kind: "give-up", why: `${what}: the request was refused (not tried again)` };
  if (tries >= MAX_TRIES) return { kind: "give-up", why: `${what} after ${tries} tries` };
  const asked = retryAfter !== undefined && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : undefined;
  const backoff = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (tries - 1));
  return { kind: "retry", afterMs: asked !== undefined ? Math.min(asked, MAX_DELAY_MS) : backoff, why: what };
}
