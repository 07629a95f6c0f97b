/**
 * The one test harness: runs the real program under the mock runtime with a stack's config (plus
 * overrides), and offers short look-ups over what it declared. Every program test goes through here.
 */
import { expect } from "chai";
import { PlannedResource, PROJECT_DIR, ProgramRun, runProgram, RunOptions } from "../plan/run";
import { readStackConfig, StackConfig } from "../config/stackConfig";
import { redact } from "../plan/render";

export type Overrides = Record<string, unknown>;

/**
 * A stack's config with `ferry:*` keys replaced (value `undefined` removes the key). Values are
 * given as data, the way they stand in a stack file.
 */
export function stackConfig(stack: string, overrides: Overrides = {}): StackConfig {
  const config = readStackConfig(PROJECT_DIR, stack);
  for (const [key, value] of Object.entries(overrides)) {
    const full = key.includes(":") ? key : `ferry:${key}`;
    if (value === undefined) delete config.values[full];
    else config.values[full] = typeof value === "object" ? JSON.stringify(value) : String(value);
  }
  return config;
}

export class Run {
  constructor(readonly result: ProgramRun) {}

  get resources(): PlannedResource[] {
    return this.result.resources;
  }

  ofType(type: string): PlannedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The only resource of a type (optionally with a name); fails the test otherwise. */
  one(type: string, name?: string): PlannedResource {
    const found = this.ofType(type).filter((r) => name === undefined || r.name === name);
    expect(found, `exactly one ${type}${name ? ` named ${name}` : ""}`).to.have.length(1);
    return found[0];
  }

  /** Inputs with secrets shown as "[secret]", as the plan prints them. */
  inputs(r: PlannedResource): Record<string, unknown> {
    return redact(r.inputs) as Record<string, unknown>;
  }

  childrenOf(parentType: string, parentName: string): PlannedResource[] {
    return this.resources.filter((r) => r.parentType === parentType && r.parent === parentName);
  }

  output(name: string): unknown {
    return this.result.outputs[name]?.value;
  }
}

/** Runs the program for `stack` with overrides; throws ConfigError for invalid config. */
export async function runStack(stack: string, overrides: Overrides = {}, options: RunOptions = {}): Promise<Run> {
  return new Run(await runProgram(stack, stackConfig(stack, overrides), options));
}
