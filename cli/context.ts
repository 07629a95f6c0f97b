/** Where a `ferry` command works: the Pulumi project at or above the current directory. */
import { createFerry, Ferry } from "../automation";
import { findProjectDir } from "../automation/adapters/files";
import { PROJECT_DIR } from "../plan/run";
import { Interaction } from "./deployCommand";
import { processTerminal, Terminal } from "./terminal";

export interface CommandContext extends Interaction {
  ferry: Ferry;
  workDir: string;
}

export function defaultContext(term: Terminal = processTerminal): CommandContext {
  const workDir = findProjectDir(process.cwd()) ?? PROJECT_DIR;
  // FERRY_PULUMI names the Pulumi CLI binary; the default is "pulumi" on PATH.
  const ferry = createFerry({ workDir, pulumi: process.env.FERRY_PULUMI || undefined });
  return { term, workDir, ferry, interactive: !!process.stdin.isTTY, tty: !!process.stderr.isTTY };
}
