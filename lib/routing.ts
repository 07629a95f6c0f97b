/**
 * Listener rule priorities for a stack's load-balanced services: services with paths first (in
 * config order, 10 apart so a rule can be slotted in by hand), the default route last.
 */
import { ServiceConfig } from "../config";

export const DEFAULT_ROUTE_PRIORITY = 50000;

export function routePriorities(services: ServiceConfig[]): Map<string, number> {
  const out = new Map<string, number>();
  let next = 10;
  for (const s of services) {
    if (s.port === undefined) continue;
    if (s.paths.length === 0) out.set(s.name, DEFAULT_ROUTE_PRIORITY);
    else {
      out.set(s.name, next);
      next += 10;
    }
  }
  return out;
}
