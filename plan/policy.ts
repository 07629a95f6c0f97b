/**
 * The policies (policy/policies.ts) run on the planned resources: the same checks the policy pack
 * makes in `pulumi preview --policy-pack policy`, here without an engine.
 */
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_SETTINGS, evaluate, POLICIES, PolicyResource, PolicySettings, Violation } from "../policy/policies";
import type { PlannedResource } from "./run";

export interface PolicyReport {
  /** How many policies ran. */
  policies: number;
  mandatory: number;
  advisory: number;
  violations: Violation[];
}

/** A value as a policy sees it: secrets unwrapped (messages never quote values), the rest as is. */
function plain(value: unknown): unknown {
  if (pulumi.runtime.isRpcSecret(value)) return plain((value as { value: unknown }).value);
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

export function policyReport(resources: PlannedResource[], settings: PolicySettings = DEFAULT_SETTINGS): PolicyReport {
  const seen: PolicyResource[] = resources.filter((r) => r.custom).map((r) => ({ type: r.type, name: r.name, props: plain(r.inputs) as Record<string, unknown>, dependencies: r.options.dependencies ?? [] }));
  const violations = evaluate(seen, settings);
  return {
    policies: POLICIES.length,
    mandatory: violations.filter((v) => v.enforcementLevel === "mandatory").length,
    advisory: violations.filter((v) => v.enforcementLevel === "advisory").length,
    violations,
  };
}

/** One violation in a line: control, policy, resource, what is wrong. */
export function describeViolation(v: Violation): string {
  return `${v.control ? `[${v.control}] ` : ""}${v.policy} (${v.enforcementLevel}) ${v.resource}: ${v.message}`;
}
