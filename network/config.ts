/**
 * `network:*` config → NetworkSettings. Pure: takes the flat config map Pulumi hands the program and
 * returns data, or throws one ConfigError naming every problem (the same contract as `ferry:*`).
 */
import { ConfigError, Reader } from "../config/reader";
import { validCidr } from "../config/network";
import { readNamespace } from "../config/validate";
import { HOURS_PER_MONTH, PRICES } from "../lib/cost";

export const NAMESPACE = "network";
export const KEYS = ["cidr", "availabilityZones", "natGateways", "interfaceEndpoints"] as const;
/** How many NAT gateways: one for the VPC (cheaper; its AZ is a single point of egress) or one per AZ. */
export const NAT_STRATEGIES = ["single", "onePerAz"] as const;
/**
 * Interface endpoints that keep a Fargate task's AWS traffic off the NAT gateway, and the AWS
 * services each names (ECR needs its API and its registry endpoint; image layers come from S3,
 * which the free gateway endpoint always serves).
 */
export const INTERFACE_ENDPOINTS = { ecr: ["ecr.api", "ecr.dkr"], logs: ["logs"], secretsmanager: ["secretsmanager"] } as const;
export type InterfaceEndpoint = keyof typeof INTERFACE_ENDPOINTS;

export interface NetworkSettings {
  stack: string;
  region: string;
  cidr: string;
  availabilityZones: number;
  natGateways: (typeof NAT_STRATEGIES)[number];
  interfaceEndpoints: InterfaceEndpoint[];
  /**
   * Monthly hourly charge of the interface endpoints (billed per endpoint, per Availability Zone;
   * data processed comes on top), USD at the region's list price (lib/cost.ts); null where unpriced.
   */
  interfaceEndpointsMonthlyUsd: number | null;
}

export const DEFAULTS = { cidr: "10.0.0.0/16", availabilityZones: 2, natGateways: "single", interfaceEndpoints: [] as InterfaceEndpoint[] } as const;

export function parseNetworkConfig(stack: string, raw: Record<string, string>): NetworkSettings {
  const r = new Reader();
  const prefix = `${NAMESPACE}:`;
  const given = readNamespace(r, raw, NAMESPACE, KEYS);
  const k = (key: string) => `${prefix}${key}`;
  const region = raw["aws:region"] || "us-east-1";

  let cidr: string = DEFAULTS.cidr;
  const c = given.get("cidr");
  if (c !== undefined) {
    if (typeof c === "string" && validCidr(c)) cidr = c;
    else r.report(k("cidr"), c, "an IPv4 CIDR block with a prefix from /16 to /24, e.g. 10.0.0.0/16");
  }
  const azs = given.has("availabilityZones") ? r.integer(k("availabilityZones"), given.get("availabilityZones"), 2, 6) : DEFAULTS.availabilityZones;
  const nat = given.has("natGateways") ? r.oneOf(k("natGateways"), given.get("natGateways"), NAT_STRATEGIES) : DEFAULTS.natGateways;
  const endpoints: InterfaceEndpoint[] = [];
  if (given.has("interfaceEndpoints")) {
    const list = r.list(k("interfaceEndpoints"), given.get("interfaceEndpoints")) ?? [];
    list.forEach((e, i) => {
      const name = r.oneOf(`${k("interfaceEndpoints")}[${i}]`, e, Object.keys(INTERFACE_ENDPOINTS) as InterfaceEndpoint[]);
      if (name && endpoints.includes(name)) r.report(`${k("interfaceEndpoints")}[${i}]`, e, "each endpoint once");
      else if (name) endpoints.push(name);
    });
  }
  if (r.problems.length) throw new ConfigError(r.problems, "network");
  const availabilityZones = azs ?? DEFAULTS.availabilityZones;
  return {
    stack,
    region,
    cidr,
    availabilityZones,
    natGateways: nat ?? DEFAULTS.natGateways,
    interfaceEndpoints: endpoints,
    interfaceEndpointsMonthlyUsd: endpointMonthlyUsd(endpoints, availabilityZones, region),
  };
}

/** The AWS service endpoints the chosen interface endpoints make (ECR is two). */
export function endpointCount(endpoints: InterfaceEndpoint[]): number {
  return endpoints.reduce((n, e) => n + INTERFACE_ENDPOINTS[e].length, 0);
}

/** The interface endpoints' hourly charge over a month in `region`, in USD, rounded to cents; null where unpriced. */
export function endpointMonthlyUsd(endpoints: InterfaceEndpoint[], availabilityZones: number, region: string): number | null {
  const prices = PRICES[region];
  if (!prices) return null;
  return Math.round(endpointCount(endpoints) * availabilityZones * prices.endpointAzHour * HOURS_PER_MONTH * 100) / 100;
}
