/** Usage of every `ferry` command, in one place (the verbs and main.ts both read it). */
import { EXIT_HELP } from "./exitCodes";

export const USAGES = {
  plan: "ferry plan [--project <ferry|network|pipeline>] --stack <name> [--config-file <file>] [--json] [--strict]",
  promote: "ferry promote --from <stack> --to <stack> [--yes] [--allow-critical] [--no-restore] [--commit [--push]]",
  rollback: "ferry rollback --stack <stack> [--to <generation|digest>] [--yes] [--allow-critical] [--no-restore] [--commit [--push]]",
  status: "ferry status [--stack <stack>]... [--json]",
  approve: "ferry approve --stack <stack> [--service <name>]",
  reject: "ferry reject --stack <stack> [--service <name>]",
  tag: "ferry tag --stack <stack>",
  gc: "ferry gc [--repository <url>] [--keep <generations>] [--dry-run | --apply] [--json]",
  unlock: "ferry unlock --stack <stack>",
} as const;

export type Verb = keyof typeof USAGES;

export function usageOf(verb: Verb): string {
  return `usage: ${USAGES[verb]}`;
}

export const USAGE =
  `usage: ferry <command> [options]\n\ncommands:\n${Object.values(USAGES).map((u) => `  ${u}`).join("\n")}\n\n` +
  `The Pulumi CLI is "pulumi" on PATH, or the binary FERRY_PULUMI names.\n\nexit codes: ${EXIT_HELP}\n`;
