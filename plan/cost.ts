/**
 * The cost model's adapter: what the plan knows of a stack (its config, its region, the network
 * stack file it references) turned into the cost model's input. The model itself is lib/cost.ts.
 */
import { FerryConfig } from "../config";
import { CostInput, NetworkCostFacts, stackCost, StackCost, UnpricedStack } from "../lib/cost";
import { endpointCount, parseNetworkConfig } from "../network/config";
import { CREATED_ZONES } from "../components/network";
import { knownStacks, readStackConfig } from "../config/stackConfig";


export interface StackNetwork {
  facts: NetworkCostFacts | null;
  /** Whence the network lines come, or why there are none. */
  note: string;
}

/**
 * The network a stack pays for by the hour: its own VPC, the network stack it references (when that
 * stack's file is in `networkDir`), or none it can count (given by ids).
 */
export function stackNetwork(config: FerryConfig, networkDir: string, networkProject = "network"): StackNetwork {
  const net = config.network;
  if (net.mode === "create") {
    // components/network.ts: one NAT gateway (or none) in a VPC of CREATED_ZONES zones.
    return {
      facts: { source: "this stack's VPC", natGateways: net.natGateway ? 1 : 0, endpointAzs: 0, availabilityZones: CREATED_ZONES },
      note: `this stack's own VPC: ${net.natGateway ? "one NAT gateway" : "no NAT gateway, tasks with public IPs"}, two Availability Zones`,
    };
  }
  if (net.mode === "existing") {
    return { facts: null, note: `VPC ${net.vpcId} is given by ids: its NAT gateways and endpoints are billed to whoever owns it, not counted here` };
  }
  const parts = net.stack.split("/");
  const project = parts.length >= 2 ? parts[parts.length - 2] : undefined;
  const stack = parts[parts.length - 1];
  if (project !== networkProject || !knownStacks(networkDir).includes(stack)) {
    return { facts: null, note: `network stack ${net.stack} is not one of this repository's network stacks: its hourly items are not counted` };
  }
  const settings = parseNetworkConfig(stack, readStackConfig(networkDir, stack).values);
  const source = `network stack ${net.stack}`;
  return {
    facts: {
      source,
      natGateways: settings.natGateways === "onePerAz" ? settings.availabilityZones : 1,
      endpointAzs: endpointCount(settings.interfaceEndpoints) * settings.availabilityZones,
      availabilityZones: settings.availabilityZones,
    },
    note: `${source} (network/Pulumi.${stack}.yaml), shared by every stack that references it`,
  };
}

export type PlannedCost = (StackCost & { network: string }) | (UnpricedStack & { network: string });

/** The cost model for a stack's config in `region`. */
export function planCost(config: FerryConfig, region: string, networkDir: string): PlannedCost {
  const network = stackNetwork(config, networkDir);
  const input: CostInput = {
    region,
    spotDiscountPercent: config.cost.spotDiscountPercent,
    services: config.services,
    loadBalancer: config.services.some((s) => s.port !== undefined),
    network: network.facts,
    loadBalancerAzs: config.network.mode === "existing" ? config.network.publicSubnetIds.length : undefined,
    taskPublicIps: config.network.mode === "create" && !config.network.natGateway,
  };
  return { ...stackCost(input), network: network.note };
}
