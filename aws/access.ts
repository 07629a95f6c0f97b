/**
 * SDK clients that reach the account a stack deploys to: built from the stack's provider settings
 * (config/awsAccess.ts) instead of this process's defaults. The credential chain is decided here as
 * data (which provider, with what), so it is tested without calling AWS.
 */
import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";
import type * as CredentialProviders from "@aws-sdk/credential-providers";
import type { AwsAccess } from "../config/awsAccess";

/** Loaded when a client is built (at deploy time), not when the program or the offline plan loads. */
function providers(): typeof CredentialProviders {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("@aws-sdk/credential-providers");
}

/** The steps of a credential chain: a base, then each role assumed from the one before. */
export type CredentialStep =
  | { kind: "static" }
  | { kind: "profile"; profile: string; configFile?: string; credentialsFile?: string }
  | { kind: "default" }
  | { kind: "role"; roleArn: string; sessionName: string; externalId?: string; durationSeconds?: number };

export function credentialChain(access: AwsAccess): CredentialStep[] {
  const base: CredentialStep = access.staticKeys
    ? { kind: "static" }
    : access.profile
      ? { kind: "profile", profile: access.profile, configFile: access.sharedConfigFiles?.[0], credentialsFile: access.sharedCredentialsFiles?.[0] }
      : { kind: "default" };
  const roles: CredentialStep[] = access.assumeRoles.map((r) => ({
    kind: "role",
    roleArn: r.roleArn,
    sessionName: r.sessionName ?? "ferry-deployment-check",
    externalId: r.externalId,
    durationSeconds: r.durationSeconds,
  }));
  return [base, ...roles];
}

/** Client settings for a service client (region, endpoint, credentials) reaching the stack's account. */
export function clientConfig(access: AwsAccess, endpoint?: string): { region?: string; endpoint?: string; credentials?: AwsCredentialIdentityProvider } {
  let credentials: AwsCredentialIdentityProvider | undefined;
  for (const step of credentialChain(access)) {
    if (step.kind === "static") {
      const keys = access.staticKeys!;
      credentials = async () => ({ accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey, sessionToken: keys.sessionToken });
    } else if (step.kind === "profile") {
      credentials = providers().fromIni({ profile: step.profile, filepath: step.credentialsFile, configFilepath: step.configFile });
    } else if (step.kind === "role") {
      credentials = providers().fromTemporaryCredentials({
        params: { RoleArn: step.roleArn, RoleSessionName: step.sessionName, ExternalId: step.externalId, DurationSeconds: step.durationSeconds },
        masterCredentials: credentials,
        clientConfig: { region: access.region },
      });
    }
  }
  return Object.fromEntries(Object.entries({ region: access.region, endpoint, credentials }).filter(([, v]) => v !== undefined));
}
