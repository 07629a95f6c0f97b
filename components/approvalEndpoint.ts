/**
 * ApprovalEndpoint: the function URL Slack calls when an approver presses Approve or Reject on a
 * paused deployment's message (functions/approval.ts). The URL is public, as Slack's interactivity
 * requires (auth type NONE); every request must carry Slack's signature over its body, checked with
 * the app's signing secret before anything else. The function's role may continue or roll back
 * deployments of this stack's services only, and read nothing but its signing secret and logs.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StackContext } from "../lib/notifications";
import { assumeRolePolicy } from "../lib/iam";
import { approvalPolicy } from "../lib/notificationPolicies";
import { functionCode, RUNTIME } from "./functionCode";

export interface ApprovalEndpointArgs {
  /** `<project>/<stack>`, as messages name the stack. */
  stackLabel: string;
  /** The stack's services, as the function checks a deployment against them. */
  context: pulumi.Input<StackContext>;
  /** The Secrets Manager secret holding the Slack app's signing secret. */
  signingSecretArn: pulumi.Input<string>;
  /** Slack member ids that may approve this stack's deployments. */
  approvers: string[];
  /** ARNs of the stack's ECS services: the only ones whose deployments the function may act on. */
  serviceArns: pulumi.Input<string[]>;
  /** Log retention in days (0 keeps logs forever). @default 30 */
  logRetentionDays?: number;
}

export class ApprovalEndpoint extends pulumi.ComponentResource {
  /** Slack's Interactivity request URL. */
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: ApprovalEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ferry:notifications:ApprovalEndpoint", name, {}, opts);
    const parent = { parent: this };
    const logGroup = new aws.cloudwatch.LogGroup(name, { retentionInDays: args.logRetentionDays ?? 30 }, parent);
    const role = new aws.iam.Role(name, { assumeRolePolicy: assumeRolePolicy("lambda.amazonaws.com"), description: `Continues or rolls back ${args.stackLabel}'s paused deployments for its approvers` }, parent);
    const policy = new aws.iam.RolePolicy(name, {
      role: role.id,
      policy: pulumi.all([logGroup.arn, args.signingSecretArn, args.serviceArns]).apply(([logGroupArn, signingSecretArn, serviceArns]) => JSON.stringify(approvalPolicy({ logGroupArn, signingSecretArn, serviceArns }))),
    }, parent);
    const fn = new aws.lambda.Function(name, {
      description: `Approve or reject ${args.stackLabel}'s paused deployments from Slack`,
      runtime: RUNTIME,
      architectures: ["arm64"],
      handler: "index.approval",
      code: functionCode(pulumi.output(args.context).apply((context) => ({ context, approvers: args.approvers }))),
      role: role.arn,
      memorySize: 256,
      // Slack waits three seconds for an answer; ECS answers well within that.
      timeout: 10,
      loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
      environment: { variables: { FERRY_SLACK_SIGNING_SECRET: args.signingSecretArn } },
    }, { parent: this, dependsOn: [policy] });
    const url = new aws.lambda.FunctionUrl(name, { functionName: fn.name, authorizationType: "NONE" }, parent);
    // A public function URL needs both permissions (Lambda: "Control access to function URLs").
    new aws.lambda.Permission(`${name}-url`, { function: fn.name, action: "lambda:InvokeFunctionUrl", principal: "*", functionUrlAuthType: "NONE" }, parent);
    new aws.lambda.Permission(`${name}-invoke`, { function: fn.name, action: "lambda:InvokeFunction", principal: "*", invokedViaFunctionUrl: true }, parent);
    this.url = url.functionUrl;
    this.registerOutputs({ url: this.url });
  }
}
