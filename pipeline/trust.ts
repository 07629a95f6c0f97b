/**
 * Who may assume a stack's deployment role: Pulumi Deployments, through Pulumi Cloud's OIDC issuer,
 * for that organization, project and stack only (any operation: preview, update, refresh, destroy).
 * Pulumi Cloud's token for a deployment carries `aud` = the organization's name and
 * `sub` = `pulumi:deploy:org:<organization>:project:<project>:stack:<stack>:operation:<operation>:scope:write`
 * (https://www.pulumi.com/docs/pulumi-cloud/oidc/, "Pulumi Deployments"); IAM checks them as the
 * condition keys `<issuer host and path>:aud` and `:sub`.
 *
 * The review-stack template's role is also assumed by the review stacks Pulumi Cloud makes from it,
 * whose names it chooses: that role trusts every stack of the project except the long-lived others
 * (`StringNotLike` on their subjects), so a review stack can never act as staging or prod.
 */
export const ISSUER = "https://api.pulumi.com/oidc";
const ISSUER_KEY = ISSUER.replace(/^https:\/\//, "");

export function deploymentSubject(organization: string, project: string, stack: string): string {
  return `pulumi:deploy:org:${organization}:project:${project}:stack:${stack}:operation:*:scope:write`;
}

export interface TrustOptions {
  /** The role is the review-stack template's: any stack of the project but these. */
  reviewStacksExcept?: string[];
}

export function trustPolicy(providerArn: string, organization: string, project: string, stack: string, options: TrustOptions = {}): string {
  const except = options.reviewStacksExcept;
  const condition: Record<string, Record<string, string | string[]>> = {
    StringEquals: { [`${ISSUER_KEY}:aud`]: organization },
    StringLike: { [`${ISSUER_KEY}:sub`]: deploymentSubject(organization, project, except ? "*" : stack) },
  };
  if (except) condition.StringNotLike = { [`${ISSUER_KEY}:sub`]: except.map((s) => deploymentSubject(organization, project, s)) };
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Federated: providerArn }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition }],
  });
}
