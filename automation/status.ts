/**
 * status: per stack, the image it runs, its generation, the last update's result and time, and its
 * release history (read from the stack's update history; see decisions.ts).
 */
import { digestText, ImageSet, imageSetText } from "../lib/imageSet";
import { generationOf, Release, releases, runningImages } from "./decisions";
import { requireKnownStack } from "./deploy";
import { Ports, UpdateRecord } from "./ports";
import { HISTORY_DEPTH } from "./promote";

export interface StackStatus {
  stack: string;
  deployed: boolean;
  imageRef?: string;
  /** Every image it runs, per Dockerfile target (`default` for a single image). */
  images?: ImageSet;
  /** Their digests: `sha256:…`, or `target=sha256:…` pairs. */
  digest?: string;
  generation?: number;
  lastUpdate?: { result: string; kind: string; message: string; startTime: string; endTime?: string };
  releases: Release[];
}

export async function status(ports: Pick<Ports, "stacks" | "files">, req: { stacks?: string[] } = {}): Promise<StackStatus[]> {
  const stacks = req.stacks ?? ports.files.knownStacks();
  for (const s of stacks) requireKnownStack(ports, s, "");
  return Promise.all(stacks.map((stack) => stackStatus(ports, stack)));
}

async function stackStatus(ports: Pick<Ports, "stacks" | "files">, stack: string): Promise<StackStatus> {
  const outputs = await ports.stacks.outputs(stack);
  if (!outputs) return { stack, deployed: false, releases: [] };
  const history: UpdateRecord[] = await ports.stacks.history(stack, HISTORY_DEPTH);
  const all = releases(history);
  const running = runningImages(outputs);
  const imageRef = typeof outputs.imageRef === "string" ? outputs.imageRef : undefined;
  const last = history[0];
  return {
    stack,
    deployed: true,
    imageRef,
    images: running,
    digest: running ? digestText(running) : undefined,
    generation: running ? generationOf(all, imageSetText(running)) : undefined,
    lastUpdate: last && { result: last.result, kind: last.kind, message: last.message, startTime: last.startTime, endTime: last.endTime },
    releases: all,
  };
}

