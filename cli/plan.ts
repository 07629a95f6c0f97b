/**
 * `ferry plan --stack <name> [--config-file <file>] [--json]`: the offline plan. Runs the real
 * program under the mock runtime with the stack's config; needs no credentials, network or CLI.
 */
import { parseArgs } from "util";
import { usageOf } from "./usage";
import { ConfigError, parseConfig } from "../config";
import { CommittedStack, networkPlanDocument, networkPlanText, pipelinePlanDocument, pipelinePlanText, planDocument, planText } from "../plan/render";
import { NETWORK_DIR, PIPELINE_DIR, PROJECT, PROJECT_DIR, runNetwork, runPipeline, runProgram } from "../plan/run";
import { readStackConfig, StackNotFoundError } from "../config/stackConfig";
import { EXIT } from "./exitCodes";
import { describeViolation } from "../plan/policy";
import { Terminal, UsageError } from "./terminal";

const PLAN_USAGE = usageOf("plan");

export async function plan(argv: string[], term: Terminal): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { project: { type: "string" }, stack: { type: "string", short: "s" }, "config-file": { type: "string" }, json: { type: "boolean", default: false }, strict: { type: "boolean", default: false } },
    strict: true,
    allowPositionals: false,
  });
  if (!values.stack) throw new UsageError(`--stack is required\n${PLAN_USAGE}`);
  const project = values.project ?? PROJECT;
  if (![PROJECT, "network", "pipeline"].includes(project)) throw new UsageError(`--project must be ${PROJECT} (the default), network or pipeline, not ${JSON.stringify(project)}\n${PLAN_USAGE}`);
  try {
    if (project === "pipeline") {
      const run = await runPipeline(values.stack, readStackConfig(PIPELINE_DIR, values.stack, values["config-file"]));
      const doc = pipelinePlanDocument(run, "pipeline");
      term.out(values.json ? JSON.stringify(doc, null, 2) + "\n" : pipelinePlanText(doc));
      return EXIT.ok;
    }
    if (project === "network") {
      const run = await runNetwork(values.stack, readStackConfig(NETWORK_DIR, values.stack, values["config-file"]));
      const doc = networkPlanDocument(run, "network");
      term.out(values.json ? JSON.stringify(doc, null, 2) + "\n" : networkPlanText(doc));
      return EXIT.ok;
    }
    const config = readStackConfig(PROJECT_DIR, values.stack, values["config-file"]);
    const run = await runProgram(values.stack, config, { serializeProviders: false });
    const doc = planDocument(run, PROJECT, values["config-file"] ? committedStack(values.stack) : undefined);
    term.out(values.json ? JSON.stringify(doc, null, 2) + "\n" : planText(doc));
    const mandatory = doc.policy.violations.filter((v) => v.enforcementLevel === "mandatory");
    if (values.strict && mandatory.length) {
      term.err(`--strict: ${mandatory.length} mandatory policy violation(s):\n${mandatory.map((v) => `  ${describeViolation(v)}\n`).join("")}`);
      return EXIT.policyViolated;
    }
    return EXIT.ok;
  } catch (err) {
    // By name as well: the program's modules are loaded afresh for each run, with their own classes.
    if (err instanceof ConfigError || err instanceof StackNotFoundError || (err as Error).name === "ConfigError") {
      term.err(`${(err as Error).message}\n`);
      return EXIT.refused;
    }
    throw err;
  }
}

/** The committed stack file's config, which a changed one (`--config-file`) is priced against. */
function committedStack(stack: string): CommittedStack {
  try {
    const committed = readStackConfig(PROJECT_DIR, stack);
    return { config: parseConfig(stack, committed.values, committed.secretKeys, PROJECT), region: committed.values["aws:region"] ?? "us-east-1" };
  } catch (err) {
    return { unavailable: err instanceof StackNotFoundError ? `no committed stack file for ${stack}` : `the committed stack file does not validate: ${(err as Error).message.split("\n")[0]}` };
  }
}
