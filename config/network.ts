/** `ferry:network`: a VPC Ferry creates, one given by ids, or a network stack's outputs. */
import { Reader } from "./reader";
import { NetworkConfig } from "./types";

const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const STACK_NAME = /^([A-Za-z0-9_.-]+\/){0,2}[A-Za-z0-9_.-]+$/;

export function readNetwork(r: Reader, key: string, value: unknown): NetworkConfig {
  const o = r.object(key, value, ["cidr", "natGateway", "vpcId", "publicSubnetIds", "privateSubnetIds", "stackReference"]) ?? {};
  const given = Object.keys(o);
  if (o.stackReference !== undefined) {
    const others = given.filter((g) => g !== "stackReference");
    if (others.length) r.report(`${key}.stackReference`, o.stackReference, `alone: remove ${others.map((g) => `${key}.${g}`).join(", ")}`);
    const stack = r.string(`${key}.stackReference`, o.stackReference, {
      pattern: STACK_NAME,
      describe: "a stack name like <organization>/<project>/<stack> whose outputs are vpcId, publicSubnetIds, privateSubnetIds",
    });
    return { mode: "stackReference", stack: stack ?? "" };
  }
  if (o.vpcId !== undefined || o.publicSubnetIds !== undefined || o.privateSubnetIds !== undefined) {
    if (o.cidr !== undefined) r.report(`${key}.cidr`, o.cidr, "nothing when an existing VPC is given (cidr is for a VPC Ferry creates)");
    if (o.natGateway !== undefined) r.report(`${key}.natGateway`, o.natGateway, "nothing when an existing VPC is given (natGateway is for a VPC Ferry creates)");
    const vpcId = r.string(`${key}.vpcId`, o.vpcId, { pattern: VPC_ID, describe: "a VPC id (vpc-...)" });
    if (o.vpcId === undefined) r.report(`${key}.vpcId`, undefined, "a VPC id (vpc-...) when subnets are given");
    const subnets = (name: string, min: number, why: string) => {
      const list = r.list(`${key}.${name}`, o[name]) ?? [];
      if (list.length < min) r.report(`${key}.${name}`, o[name], `at least ${min} subnet id${min === 1 ? "" : "s"} (${why})`);
      return list.flatMap((s, i) => r.string(`${key}.${name}[${i}]`, s, { pattern: SUBNET_ID, describe: "a subnet id (subnet-...)" }) ?? []);
    };
    return {
      mode: "existing",
      vpcId: vpcId ?? "",
      publicSubnetIds: subnets("publicSubnetIds", 2, "the load balancer needs two Availability Zones"),
      privateSubnetIds: subnets("privateSubnetIds", 1, "tasks run in private subnets"),
    };
  }
  const fallback = "10.0.0.0/16";
  // Without a NAT gateway, tasks run in the public subnets with public IPs (cheaper; Security Hub ECS.2 fails).
  const natGateway = r.boolean(`${key}.natGateway`, o.natGateway) ?? true;
  if (o.cidr === undefined) return { mode: "create", cidr: fallback, natGateway };
  if (typeof o.cidr === "string" && validCidr(o.cidr)) return { mode: "create", cidr: o.cidr, natGateway };
  r.report(`${key}.cidr`, o.cidr, "an IPv4 CIDR block with a prefix from /16 to /24, e.g. 10.0.0.0/16");
  return { mode: "create", cidr: fallback, natGateway };
}

export function validCidr(cidr: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return false;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix < 16 || prefix > 24) return false;
  const addr = octets.reduce((a, o) => a * 256 + o, 0);
  return addr % 2 ** (32 - prefix) === 0;
}
