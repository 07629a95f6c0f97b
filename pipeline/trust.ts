/**
 * Who may assume a stack's deployment role: Pulumi Deployments, through Pulumi Cloud's OIDC issuer,
 * for that organization, project and stack only (any operation: preview, update, refresh, destroy).
 * Pulumi Cloud's token for a deployment carries `aud` = the organization's name and
 * `sub` = `pulumi:deploy:org:<organization>:project:<project>:stack:<stack>:operation:<operation>:scope:write`
 * (https://www.pulumi.com/docs/pulumi-cloud/oidc/, "Pulumi Deployments"); IAM checks them as the
 * condition keys `<issuer host and path>:aud` and `:sub`.
 */
export const ISSUER = "https://api.pulumi.com/oidc";
const ISSUER_KEY = ISSUER.replace(/^https:\/\//, "");

export function deploymentSubject(organization: string, project: string, stack: string): string {
  return `pulumi:deploy:org:${organization}:project:${project}:stack:${stack}:operation:*:scope:write`;
}

export function trustPolicy(providerArn: string, organization: string, project: string, stack: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: { [`${ISSUER_KEY}:aud`]: organization },
          StringLike: { [`${ISSUER_KEY}:sub`]: deploymentSubject(organization, project, stack) },
        },
      },
    ],
  });
}
