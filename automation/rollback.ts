/**
 * rollback: deploy an earlier release generation of a stack again (the previous one, a given
 * generation number, or a given digest), with the same gates and reporting as promotion.
 */
import { generationOf, messages, releases, rollbackTarget, runningImages } from "./decisions";
import { deploy, DeployRequest, DeployResult, requireKnownStack } from "./deploy";
import { Ports } from "./ports";
import { HISTORY_DEPTH } from "./promote";
import { imageSetText } from "../lib/imageSet";

export interface RollbackRequest extends Omit<DeployRequest, "stack" | "ref" | "generation" | "message" | "what"> {
  stack: string;
  /** A generation number, or a digest (`sha256:…` or a full reference). @default the previous generation */
  to?: string | number;
}

export async function rollback(ports: Ports, req: RollbackRequest): Promise<DeployResult> {
  requireKnownStack(ports, req.stack, "");
  const all = releases(await ports.stacks.history(req.stack, HISTORY_DEPTH));
  const outputs = await ports.stacks.outputs(req.stack);
  const runningSet = outputs ? runningImages(outputs) : undefined;
  const running = runningSet ? imageSetText(runningSet) : undefined;
  const target = rollbackTarget(req.stack, all, running, req.to);
  req.onEvent?.({
    kind: "step",
    stack: req.stack,
    step: "read-source",
    message: `rolling back from generation ${generationOf(all, running) ?? "?"} to generation ${target.generation} (${target.ref})`,
  });
  return deploy(ports, {
    ...req,
    ref: target.ref,
    generation: target.generation,
    message: messages.rollback(target.ref, target.generation),
    what: `rollback to generation ${target.generation}`,
  });
}
