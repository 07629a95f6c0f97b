/**
 * What the pipeline reads from the repository it deploys (adapter; the decisions are pure elsewhere):
 * each Ferry stack's shape from its stack file, validated the way `pulumi up` validates it, and
 * whether the configured branch exists in the checkout.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "../config/reader";
import { readStackConfig, StackConfig } from "../config/stackConfig";
import { parseConfig } from "../config/validate";
import { parseNetworkConfig } from "../network/config";
import type { StackShapes } from "./deployments";
import { FerryStackShape, ferryStackShape } from "./permissions";

/** The repository's root: Ferry's own project directory (pipeline/ is beside it). */
const ABOVE = path.resolve(__dirname, "..");
export const REPOSITORY_ROOT = fs.existsSync(path.join(ABOVE, "Pulumi.yaml")) ? ABOVE : path.dirname(ABOVE);

/**
 * Each stack's shape, from its stack file: Ferry's `Pulumi.<stack>.yaml` at the repository's root,
 * the network's in network/. `ids` are `<project>/<stack>`.
 */
export function readShapes(ids: string[], root = REPOSITORY_ROOT): StackShapes {
  const shapes: StackShapes = { ferry: {}, network: {} };
  for (const id of ids) {
    const [project, stack] = id.split("/");
    if (project === "ferry") shapes.ferry[stack] = shapeOf(stack, readStackConfig(root, stack));
    else shapes.network[stack] = refuseInvalid(id, () => parseNetworkConfig(stack, readStackConfig(path.join(root, "network"), stack).values));
  }
  return shapes;
}

/** One stack's shape from its config. */
export function shapeOf(stack: string, config: StackConfig, project = "ferry"): FerryStackShape {
  return refuseInvalid(`${project}/${stack}`, () => ferryStackShape(parseConfig(stack, config.values, config.secretKeys, project)));
}

function refuseInvalid<T>(id: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof ConfigError) throw new Error(`the pipeline grants ${id} what its stack file asks for, but that file is not valid:\n${err.message}`);
    throw err;
  }
}

/**
 * Refuses a branch the repository does not have (neither a local branch nor one fetched from a
 * remote): Deployments would never see a push to it. Outside a git checkout nothing can be said.
 */
export function checkBranch(branch: string, root = REPOSITORY_ROOT): void {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  let refs: string[];
  try {
    refs = git("for-each-ref", "--format=%(refname)", "refs/heads", "refs/remotes").split("\n").filter(Boolean);
  } catch {
    return;
  }
  const names = refs.map((r) => r.replace(/^refs\/heads\//, "").replace(/^refs\/remotes\/[^/]+\//, "")).filter((n) => n !== "HEAD");
  if (names.includes(branch)) return;
  const known = [...new Set(names)].sort();
  throw new ConfigError(
    [{ key: "pipeline:branch", given: JSON.stringify(branch), allowed: `a branch of this repository (${known.length ? known.join(", ") : "it has none yet"}): pushes to ${JSON.stringify(branch)} would never deploy` }],
    "pipeline",
  );
}
