/**
 * approve / reject: answer a deployment paused at a PAUSE lifecycle hook (ECS
 * ContinueServiceDeployment), after saying what is paused and where. Also `tag`, which redoes the
 * release tagging of what a stack runs.
 */
import { generationOf, releases, runningImages } from "./decisions";
import { requireKnownStack, tagReleases, targetConfig } from "./deploy";
import { imageSetText } from "../lib/imageSet";
import { RefusedError } from "./errors";
import { EventSink } from "./events";
import { PausedDeployment, Ports } from "./ports";
import { HISTORY_DEPTH } from "./promote";
import { stackConfigFromText } from "../config/stackConfig";

export interface AnswerRequest {
  stack: string;
  /** Service name as in `ferry:services` (required when several are paused). */
  service?: string;
  onEvent?: EventSink;
}

export async function answerPause(ports: Ports, req: AnswerRequest, action: "CONTINUE" | "ROLLBACK"): Promise<PausedDeployment> {
  requireKnownStack(ports, req.stack, "");
  const config = targetConfig(ports, req.stack);
  const region = regionOf(ports, req.stack);
  const outputs = await ports.stacks.outputs(req.stack);
  if (!outputs) throw new RefusedError(`stack "${req.stack}" has not been deployed`);
  const cluster = outputs.clusterName as string | undefined;
  const names = (outputs.serviceNames ?? {}) as Record<string, string>;
  if (!cluster) throw new RefusedError(`stack "${req.stack}" has no clusterName output`);
  if (req.service && !names[req.service]) {
    throw new RefusedError(`stack "${req.stack}" has no service "${req.service}" (services: ${Object.keys(names).join(", ") || "none"})`);
  }
  const wanted = req.service ? [req.service] : config.services.map((s) => s.name).filter((s) => names[s]);
  const paused = await ports.deployments.paused(region, cluster, wanted.map((s) => names[s]));
  const label = (p: PausedDeployment) => `${p.service} at ${p.stage ?? "a lifecycle hook"}${p.expiresAt ? ` (until ${p.expiresAt.toISOString()}, then ${(p.timeoutAction ?? "ROLLBACK").toLowerCase()})` : ""}`;
  if (paused.length === 0) throw new RefusedError(`no deployment of ${req.service ? `service "${req.service}"` : `stack "${req.stack}"`} is paused for approval`);
  if (paused.length > 1) throw new RefusedError(`several deployments are paused; name one with --service: ${paused.map(label).join("; ")}`);
  const [target] = paused;
  req.onEvent?.({ kind: "step", stack: req.stack, step: "continue-deployment", message: `${action === "CONTINUE" ? "approving" : "rejecting"} ${label(target)}, deployment ${target.deploymentArn}` });
  await ports.deployments.answer(region, target, action);
  return target;
}

function regionOf(ports: Ports, stack: string): string {
  const values = stackConfigFromText(ports.files.project(), ports.files.read(stack)).values;
  const region = values["aws:region"] ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new RefusedError(`stack "${stack}" sets no aws:region and AWS_REGION is not set`);
  return region;
}

/** Writes the release and stack-pointer tags of the images a stack runs (after a failed bookkeeping step). */
export async function retag(ports: Ports, req: { stack: string; onEvent?: EventSink }): Promise<{ ref: string; generation: number }> {
  requireKnownStack(ports, req.stack, "");
  const outputs = await ports.stacks.outputs(req.stack);
  const images = outputs ? runningImages(outputs) : undefined;
  if (!images) throw new RefusedError(`stack "${req.stack}" runs no image`);
  const ref = imageSetText(images);
  const generation = generationOf(releases(await ports.stacks.history(req.stack, HISTORY_DEPTH)), ref);
  if (generation === undefined) throw new RefusedError(`the image "${req.stack}" runs is not one of its releases; promote it first`);
  await tagReleases(ports, req.stack, images, generation, (step, message) => req.onEvent?.({ kind: "step", stack: req.stack, step, message }));
  return { ref, generation };
}
