/**
 * The program's one reader of `ferry:*` config: takes what the Pulumi runtime holds for the current
 * stack and returns the validated FerryConfig, or throws a ConfigError naming every problem.
 */
import * as pulumi from "@pulumi/pulumi";
import { parseConfig } from "./validate";
import { FerryConfig } from "./types";
import { AwsAccess, readAwsAccess } from "./awsAccess";

export * from "./types";
export { ConfigError, ConfigProblem, formatProblem } from "./reader";
export { parseConfig, DIGEST_REF, NAMESPACE } from "./validate";

/** The stack's AWS provider settings (aws:* config), for Ferry's own AWS calls at deploy time. */
export function loadAwsAccess(): AwsAccess {
  return readAwsAccess(pulumi.runtime.allConfig());
}

export function loadConfig(): FerryConfig {
  const raw = pulumi.runtime.allConfig();
  // isConfigSecret is exported by the SDK's runtime but not declared in its typings.
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean };
  const secretKeys = Object.keys(raw).filter((k) => runtime.isConfigSecret?.(k) ?? false);
  return parseConfig(pulumi.getStack(), raw, secretKeys, pulumi.getProject());
}
