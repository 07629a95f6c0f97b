/**
 * promote: deploy the exact image one stack runs to another stack, as its next release generation.
 */
import { messages, nextGeneration, parseImageRef } from "./decisions";
import { deploy, DeployRequest, DeployResult, requireKnownStack } from "./deploy";
import { RefusedError } from "./errors";
import { Ports } from "./ports";

export interface PromoteRequest extends Omit<DeployRequest, "stack" | "ref" | "generation" | "message" | "what"> {
  /** Stack whose `imageRef` output is promoted. */
  from: string;
  /** Stack that will run it. */
  to: string;
}

/** How many updates of history are read to number generations and list releases. */
export const HISTORY_DEPTH = 200;

export async function promote(ports: Ports, req: PromoteRequest): Promise<DeployResult> {
  if (req.from === req.to) throw new RefusedError(`cannot promote "${req.from}" to itself`);
  requireKnownStack(ports, req.from, "source");
  requireKnownStack(ports, req.to, "target");
  req.onEvent?.({ kind: "step", stack: req.to, step: "read-source", message: `reading the image ${req.from} runs` });
  const outputs = await ports.stacks.outputs(req.from);
  if (!outputs) throw new RefusedError(`stack "${req.from}" has not been deployed, so it has no image to promote`);
  if (outputs.imageRef === undefined) throw new RefusedError(`stack "${req.from}" has no imageRef output to promote`);
  const ref = outputs.imageRef as string;
  parseImageRef(ref, `the imageRef of "${req.from}"`);
  const generation = nextGeneration(await ports.stacks.history(req.to, HISTORY_DEPTH));
  return deploy(ports, {
    ...req,
    stack: req.to,
    ref,
    generation,
    message: messages.promote(ref, req.from, generation),
    what: `promotion of generation ${generation}`,
  });
}
