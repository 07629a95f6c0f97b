/**
 * promote: deploy the exact image one stack runs to another stack, as its next release generation.
 */
import { ImageSet, imageSetText } from "../lib/imageSet";
import { messages, nextGeneration, parseImageRef, releases, runningImages } from "./decisions";
import { deploy, DeployRequest, DeployResult, requireKnownStack } from "./deploy";
import { RefusedError } from "./errors";
import { GENERATION_TAG } from "./lease";
import { Ports, UpdateRecord } from "./ports";

export interface PromoteRequest extends Omit<DeployRequest, "stack" | "ref" | "generation" | "message" | "what"> {
  /** Stack whose `imageRef` output is promoted. */
  from: string;
  /** Stack that will run it. */
  to: string;
}

/** How many updates of history make a page (status and rollback read one; numbering reads on). */
export const HISTORY_DEPTH = 200;
/** Pages read at most when looking for the last promotion (10,000 updates). */
const MAX_PAGES = 50;

/**
 * Updates back to the stack's newest promotion: page after page while a full page holds none (a
 * busy stack's other updates must not hide its generations).
 */
export async function promotionHistory(ports: Ports, stack: string): Promise<UpdateRecord[]> {
  const all: UpdateRecord[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const updates = await ports.stacks.history(stack, HISTORY_DEPTH, page);
    all.push(...updates);
    if (updates.length < HISTORY_DEPTH || releases(updates).length > 0) break;
  }
  return all;
}

export async function promote(ports: Ports, req: PromoteRequest): Promise<DeployResult> {
  if (req.from === req.to) throw new RefusedError(`cannot promote "${req.from}" to itself`);
  requireKnownStack(ports, req.from, "source");
  requireKnownStack(ports, req.to, "target");
  req.onEvent?.({ kind: "step", stack: req.to, step: "read-source", message: `reading the image ${req.from} runs` });
  const outputs = await ports.stacks.outputs(req.from);
  if (!outputs) throw new RefusedError(`stack "${req.from}" has not been deployed, so it has no image to promote`);
  const ref = imageSetText(sourceImages(req.from, outputs));
  const generation = nextGeneration(await promotionHistory(ports, req.to), await ports.stacks.tag(req.to, GENERATION_TAG));
  return deploy(ports, {
    ...req,
    stack: req.to,
    ref,
    generation,
    message: messages.promote(ref, req.from, generation),
    what: `promotion of generation ${generation}`,
  });
}

/**
 * Every image a stack runs, promoted together: its `imageRefs` output (target → reference), or, for a
 * stack deployed before that output existed, `imageRef` as the default target. Refuses a set with a
 * missing or unpinned image.
 */
export function sourceImages(stack: string, outputs: Record<string, unknown>): ImageSet {
  const refs = outputs.imageRefs;
  if (refs !== undefined && (typeof refs !== "object" || refs === null || Array.isArray(refs) || Object.keys(refs).length === 0)) {
    throw new RefusedError(`stack "${stack}" has an imageRefs output that is not a map of target to image`);
  }
  const set = runningImages(outputs);
  if (!set) throw new RefusedError(`stack "${stack}" has no imageRef output to promote`);
  for (const [target, ref] of Object.entries(set)) parseImageRef(ref, `the image of target "${target}" of "${stack}"`);
  return set;
}
