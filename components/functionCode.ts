/**
 * The functions' code: functions/index.ts bundled with everything it imports (the AWS SDK clients
 * included, so the function runs the versions the tests ran, not the runtime's) into one index.js.
 * esbuild's output is the same for the same sources, so an unchanged function is not redeployed.
 */
import * as pulumi from "@pulumi/pulumi";
import { bundleFile } from "../functions/bundle";
import { STACK_FILE, StackFile } from "../functions/stackFile";

/** The Lambda runtime the bundle targets (and the functions declare). */
export const RUNTIME = "nodejs22.x";

/**
 * The archive every Ferry function deploys: the code, and `stack.json` (the stack's services and
 * approvers: no size limit there, unlike the environment's 4 KB). The handler names the entry
 * (`index.notifier`).
 */
export function functionCode(stack: pulumi.Input<StackFile>): pulumi.Output<pulumi.asset.AssetArchive> {
  return pulumi.output(stack).apply((s) => new pulumi.asset.AssetArchive({
    "index.js": new pulumi.asset.FileAsset(bundleFile()),
    [STACK_FILE]: new pulumi.asset.StringAsset(`${JSON.stringify(s, null, 2)}\n`),
  }));
}
