/**
 * The AWS access a stack's own provider uses, read from its `aws:*` config (pulumi-aws v7 keys):
 * region, profile, shared config and credentials files, role chain, ECS endpoint, static keys. Ferry's
 * own AWS calls at deploy time (the deployment check) use the same, so in a multi-account setup they
 * read the account the stack deploys to. Pure: the flat config map in, data out.
 */

export interface AwsAccess {
  region?: string;
  profile?: string;
  sharedConfigFiles?: string[];
  sharedCredentialsFiles?: string[];
  /** Roles assumed in order (pulumi-aws `assumeRoles`), each from the credentials the previous gave. */
  assumeRoles: { roleArn: string; sessionName?: string; externalId?: string; durationSeconds?: number }[];
  /** The ECS endpoint (pulumi-aws `endpoints: [{ ecs: … }]`). */
  ecsEndpoint?: string;
  /** `aws:accessKey` / `aws:secretKey` / `aws:token`: secret config, carried only as a Pulumi secret. */
  staticKeys?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

function json(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : undefined);

/** Go-style durations of pulumi-aws (`1h`, `15m`, `900s`) in seconds. */
function seconds(d: unknown): number | undefined {
  if (typeof d !== "string") return undefined;
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(d);
  if (!m || d === "") return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

export function readAwsAccess(raw: Record<string, string>): AwsAccess {
  const roles = json(raw["aws:assumeRoles"]);
  const endpoints = json(raw["aws:endpoints"]);
  const ecsEndpoint = Array.isArray(endpoints) ? endpoints.map((e) => (e as Record<string, unknown>)?.ecs).find((e): e is string => typeof e === "string") : undefined;
  const access: AwsAccess = {
    region: raw["aws:region"],
    profile: raw["aws:profile"],
    sharedConfigFiles: strings(json(raw["aws:sharedConfigFiles"])),
    sharedCredentialsFiles: strings(json(raw["aws:sharedCredentialsFiles"])),
    assumeRoles: (Array.isArray(roles) ? roles : [])
      .map((r) => r as Record<string, unknown>)
      .filter((r) => typeof r?.roleArn === "string")
      .map((r) => ({
        roleArn: r.roleArn as string,
        sessionName: typeof r.sessionName === "string" ? r.sessionName : undefined,
        externalId: typeof r.externalId === "string" ? r.externalId : undefined,
        durationSeconds: seconds(r.duration),
      })),
    ecsEndpoint,
  };
  if (raw["aws:accessKey"] && raw["aws:secretKey"]) {
    access.staticKeys = { accessKeyId: raw["aws:accessKey"], secretAccessKey: raw["aws:secretKey"], sessionToken: raw["aws:token"] };
  }
  return Object.fromEntries(Object.entries(access).filter(([, v]) => v !== undefined)) as unknown as AwsAccess;
}
