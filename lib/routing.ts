/**
 * Listener rule priorities for a stack's load-balanced services. ALB priorities are unique per
 * listener and an update that renumbers rules can fail midway or route requests to the wrong service,
 * so a service's priority never depends on the others: it is `10 × priority` when the service sets
 * `priority` (the order in which overlapping paths are tried, lower first), otherwise a slot derived
 * from the service's name. Adding, removing or reordering services leaves every other rule where it
 * was. Two names whose slots collide take the next free slot in name order (deterministic, and rare:
 * 4999 slots). The default route (the service without paths) is last, at 50000.
 */
import { createHash } from "crypto";

export const DEFAULT_ROUTE_PRIORITY = 50000;
/** Slots 1..4999; a rule takes 10 × slot, its test rule the priority just below. */
export const PRIORITY_SLOTS = 4999;

export interface RoutedService {
  name: string;
  port?: number;
  paths: string[];
  /** Explicit slot (1..4999): lower is tried first. */
  priority?: number;
}

/** The slot a service's name maps to, 1..4999. */
export function nameSlot(name: string): number {
  return (parseInt(createHash("sha256").update(name).digest("hex").slice(0, 8), 16) % PRIORITY_SLOTS) + 1;
}

export function routePriorities(services: RoutedService[]): Map<string, number> {
  const out = new Map<string, number>();
  const taken = new Set<number>();
  const routed = services.filter((s) => s.port !== undefined);
  for (const s of routed) {
    if (s.paths.length === 0) out.set(s.name, DEFAULT_ROUTE_PRIORITY);
    else if (s.priority !== undefined) {
      out.set(s.name, s.priority * 10);
      taken.add(s.priority);
    }
  }
  const byName = routed.filter((s) => s.paths.length > 0 && s.priority === undefined).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const s of byName) {
    let slot = nameSlot(s.name);
    while (taken.has(slot)) slot = (slot % PRIORITY_SLOTS) + 1;
    taken.add(slot);
    out.set(s.name, slot * 10);
  }
  return out;
}
