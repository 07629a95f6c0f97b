/**
 * status: per stack, the image it runs, its generation, the last update's result and time, and its
 * release history (read from the stack's update history; see decisions.ts).
 */
import { generationOf, Release, releases } from "./decisions";
import { requireKnownStack } from "./deploy";
import { Ports, UpdateRecord } from "./ports";
import { HISTORY_DEPTH } from "./promote";

export interface StackStatus {
  stack: string;
  deployed: boolean;
  imageRef?: string;
  digest?: string;
  generation?: number;
  lastUpdate?: { result: string; kind: string; message: string; startTime: string; endTime?: string };
  releases: Release[];
}

export async function status(ports: Ports, req: { stacks?: string[] } = {}): Promise<StackStatus[]> {
  const stacks = req.stacks ?? ports.files.knownStacks();
  for (const s of stacks) requireKnownStack(ports, s, "");
  return Promise.all(stacks.map((stack) => stackStatus(ports, stack)));
}

async function stackStatus(ports: Ports, stack: string): Promise<StackStatus> {
  const outputs = await ports.stacks.outputs(stack);
  if (!outputs) return { stack, deployed: false, releases: [] };
  const history: UpdateRecord[] = await ports.stacks.history(stack, HISTORY_DEPTH);
  const all = releases(history);
  const imageRef = typeof outputs.imageRef === "string" ? outputs.imageRef : undefined;
  const last = history[0];
  return {
    stack,
    deployed: true,
    imageRef,
    digest: imageRef?.slice(imageRef.indexOf("@") + 1),
    generation: generationOf(all, imageRef),
    lastUpdate: last && { result: last.result, kind: last.kind, message: last.message, startTime: last.startTime, endTime: last.endTime },
    releases: all,
  };
}
