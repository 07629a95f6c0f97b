/**
 * The promotion lease: while Ferry deploys to a stack (preview → approval → update → stack file), a
 * tag on the stack says who is doing what since when. The tag lives in the stack's backend (Pulumi
 * Cloud, or a DIY backend: S3, Azure Blob, GCS, a file), so every machine that deploys the stack sees
 * it; Pulumi's own lock covers only the update itself, not the preview and the wait for approval
 * before it. Pure decisions here; the adapter reads and writes the tag.
 */

/** The stack tag remembering the newest generation promoted to a stack (numbering never restarts). */
export const GENERATION_TAG = "ferry:generation";

/** The stack tag that holds the lease (stack tag names: letters, digits, `-_.:`, at most 40). */
export const LEASE_TAG = "ferry:deploying";

export interface Lease {
  /** Random id of the run that holds it. */
  id: string;
  /** user@host of that run. */
  who: string;
  host: string;
  pid: number;
  /** ISO time the run took the lease. */
  since: string;
  /** What it is doing: "promotion of generation 7", "rollback to generation 3". */
  what: string;
}

/** The tag value: `key=value` pairs separated by `;` (stack tag values are at most 256 characters). */
export function encodeLease(l: Lease): string {
  const clean = (v: string | number) => String(v).replace(/[;=]/g, " ");
  return [`id=${clean(l.id)}`, `who=${clean(l.who)}`, `host=${clean(l.host)}`, `pid=${l.pid}`, `since=${clean(l.since)}`, `what=${clean(l.what)}`].join(";").slice(0, 256);
}

export function decodeLease(text: string | undefined): Lease | undefined {
  if (!text) return undefined;
  const f = Object.fromEntries(text.split(";").map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
  if (!f.id || !f.since) return undefined;
  return { id: f.id, who: f.who ?? "someone", host: f.host ?? "", pid: Number(f.pid) || 0, since: f.since, what: f.what ?? "a deploy" };
}

export type LeaseDecision =
  | { take: true; replaces?: Lease }
  | { take: false; holder: Lease; hint: string };

/**
 * Whether this run may take the lease. A lease held by a process that no longer runs on this very
 * host is stale (it crashed or was killed) and is taken over; any other lease means wait.
 */
export function decideLease(existing: Lease | undefined, me: Pick<Lease, "host" | "pid">, aliveHere: (pid: number) => boolean, stack: string): LeaseDecision {
  if (!existing) return { take: true };
  if (existing.host === me.host && existing.pid !== me.pid && !aliveHere(existing.pid)) return { take: true, replaces: existing };
  const hint = existing.host === me.host
    ? ""
    : `If that run is gone (its machine stopped mid-deploy), release its lease with: ferry unlock --stack ${stack}`;
  return { take: false, holder: existing, hint };
}
