/**
 * The API-model check of a whole plan: every planned AWS resource becomes the API requests the
 * provider sends (awsRequests.ts), each request is checked against AWS's API model (awsModels.ts)
 * and against the rules AWS states in prose (awsRules.ts).
 */
import { ProgramRun } from "../../plan/run";
import { requestProblems } from "./awsModels";
import { ApiCall, apiCalls } from "./awsRequests";
import { RULES } from "./awsRules";

export interface PlanCheck {
  calls: ApiCall[];
  /** "<resource type> <name> <Operation>: <problem>" lines; empty when AWS would accept the plan. */
  problems: string[];
}

export function checkPlan(run: Pick<ProgramRun, "resources" | "region">): PlanCheck {
  const calls: ApiCall[] = [];
  const problems: string[] = [];
  for (const r of run.resources) {
    const t = apiCalls(r, run.region);
    calls.push(...t.calls);
    problems.push(...t.untranslated.map((u) => `${r.type} ${r.name}: untranslated ${u}`));
  }
  for (const call of calls) {
    const where = `${call.resource} ${call.operation}`;
    problems.push(...requestProblems(call.service, call.operation, call.request).map((p) => `${where}: ${p}`));
    for (const rule of RULES) problems.push(...rule.check(call, calls).map((p) => `${where}: ${p} [${rule.source}]`));
  }
  return { calls, problems };
}
