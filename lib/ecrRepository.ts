/** ECR repositories as image references name them. Pure. */

/** A repository in ECR: its URL is `<registryId>.dkr.ecr.<region>.amazonaws.com/<repositoryName>`. */
export interface RepositoryId {
  registryId: string;
  region: string;
  repositoryName: string;
}

export function repositoryUrl(r: RepositoryId): string {
  return `${r.registryId}.dkr.ecr.${r.region}.amazonaws.com/${r.repositoryName}`;
}

/**
 * The repository an image reference or repository URL names:
 * `<account>.dkr.ecr.<region>.amazonaws.com/<name>[:tag][@sha256:…]`; undefined outside ECR.
 */
export function parseRepository(text: string): RepositoryId | undefined {
  const m = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9][a-z0-9._/-]*?)(?::[\w][\w.-]*)?(?:@sha256:[a-f0-9]{64})?$/.exec(text);
  return m ? { registryId: m[1], region: m[2], repositoryName: m[3] } : undefined;
}

/** The repository name an ECR repository ARN ends with (`…:repository/<name>`); undefined for anything else. */
export function repositoryNameOfArn(arn: string | undefined): string | undefined {
  return arn?.split(":repository/")[1];
}
