/**
 * What a function knows of its stack: `stack.json`, deployed beside the bundled index.js
 * (components/functionCode.ts writes it), read once per container.
 */
import * as fs from "fs";
import * as path from "path";
import type { StackContext } from "../lib/notifications";

export const STACK_FILE = "stack.json";

export interface StackFile {
  context: StackContext;
  /** Slack member ids that may approve this stack's paused deployments. */
  approvers: string[];
}

export function readStackFile(dir = __dirname): StackFile {
  return JSON.parse(fs.readFileSync(path.join(dir, STACK_FILE), "utf8")) as StackFile;
}
