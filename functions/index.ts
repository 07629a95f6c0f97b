/**
 * The functions' Lambda entry points, bundled together into one index.js (components/functionCode.ts):
 * `index.notifier` (SNS-subscribed) and `index.approval` (the approval endpoint's function URL).
 */
import { ApprovalEnv, ApprovalPorts, handleApproval, UrlRequest, UrlResponse } from "./approval";
import { approvalPorts, notifierPorts } from "./aws";
import { handleRecords, NotifierEnv, NotifierPorts } from "./notifier";
import { readStackFile } from "./stackFile";

const stack = readStackFile();

let notifierAdapters: NotifierPorts | undefined;
let approvalAdapters: ApprovalPorts | undefined;

export async function notifier(event: { Records: { Sns: { Message: string } }[] }): Promise<void> {
  notifierAdapters ??= notifierPorts();
  await handleRecords(event.Records, { ...process.env, context: stack.context } as NotifierEnv, notifierAdapters);
}

export function approval(event: UrlRequest): Promise<UrlResponse> {
  approvalAdapters ??= approvalPorts();
  return handleApproval(event, { ...process.env, context: stack.context, approvers: stack.approvers } as ApprovalEnv, approvalAdapters);
}
