/**
 * The cost model (pure): a stack's monthly Fargate compute cost per service from task size,
 * architecture, desired count and capacity mix, next to the same workload on x86 on-demand (the
 * baseline Ferry's users come from), plus the stack's fixed hourly items as separate lines.
 *
 * List prices, USD, Linux, read from AWS's pricing pages (aws.amazon.com/fargate/pricing,
 * /elasticloadbalancing/pricing, /vpc/pricing, /privatelink/pricing) on PRICES_AS_OF. us-east-1 is
 * the reference; eu-west-1 shares its Fargate rates (AWS lists N. Virginia, Ohio, Oregon and
 * Ireland as one price group); Linux/ARM is 20 % below Linux/x86 in every region. The Price List
 * API cannot be reached where these were taken, so check them against it before quoting a bill.
 */
import type { Architecture, CapacityMix, ServiceConfig } from "../config/types";

export const PRICES_AS_OF = "2026-12-03";
export const PRICE_SOURCE = "AWS list prices (Fargate, Elastic Load Balancing, VPC, PrivateLink pricing pages), Linux, on-demand";
/** Hours AWS bills a month by (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;
/** Fargate Spot's discount off on-demand when the stack does not say: AWS's "up to 70 %". */
export const DEFAULT_SPOT_DISCOUNT_PERCENT = 70;
/** A public IPv4 address, in use or idle, per hour (the same in every region). */
export const PUBLIC_IPV4_USD_PER_HOUR = 0.005;
/** What the model leaves out: usage-driven charges it cannot know from the config. */
export const LEFT_OUT = [
  "load balancer capacity units (LCUs)",
  "data transfer and NAT gateway / endpoint data processed",
  "CloudWatch Logs ingestion and storage, Container Insights metrics",
  "ECR storage, ephemeral storage above 20 GB",
  "Savings Plans and other discounts",
  "autoscaling above the desired count",
] as const;

export interface FargateRate {
  vcpuHour: number;
  gbHour: number;
}

export interface RegionPrices {
  fargate: Record<Architecture, FargateRate>;
  /** An Application Load Balancer, per hour. */
  loadBalancerHour: number;
  /** A NAT gateway, per hour. */
  natGatewayHour: number;
  /** An interface endpoint, per Availability Zone, per hour. */
  endpointAzHour: number;
}

export const PRICES: Readonly<Record<string, RegionPrices>> = {
  "us-east-1": {
    fargate: { x86_64: { vcpuHour: 0.04048, gbHour: 0.004445 }, arm64: { vcpuHour: 0.03238, gbHour: 0.00356 } },
    loadBalancerHour: 0.0225,
    natGatewayHour: 0.045,
    endpointAzHour: 0.01,
  },
  "eu-west-1": {
    fargate: { x86_64: { vcpuHour: 0.04048, gbHour: 0.004445 }, arm64: { vcpuHour: 0.03238, gbHour: 0.00356 } },
    loadBalancerHour: 0.0252,
    natGatewayHour: 0.048,
    endpointAzHour: 0.011,
  },
  "ap-northeast-1": {
    fargate: { x86_64: { vcpuHour: 0.05056, gbHour: 0.00553 }, arm64: { vcpuHour: 0.04045, gbHour: 0.00442 } },
    loadBalancerHour: 0.0243,
    natGatewayHour: 0.062,
    endpointAzHour: 0.014,
  },
};

export const PRICED_REGIONS = Object.keys(PRICES);

/** The network this stack pays for by the hour, as far as the plan can know it. */
export interface NetworkCostFacts {
  /** Where the figures come from, e.g. "this stack's VPC" or "network stack acme/network/prod". */
  source: string;
  natGateways: number;
  /** Interface endpoints (one per AWS service name) times the Availability Zones they are in. */
  endpointAzs: number;
  /** Availability Zones of the public subnets: the load balancer holds a public IPv4 address in each. */
  availabilityZones: number;
}

export interface CostInput {
  region: string;
  spotDiscountPercent: number;
  services: Pick<ServiceConfig, "name" | "cpu" | "memory" | "architecture" | "desiredCount" | "capacity">[];
  /** An internet-facing load balancer (a service has a port). */
  loadBalancer: boolean;
  /** The network's hourly items; null when the network is not this stack's to count (given by ids). */
  network: NetworkCostFacts | null;
  /** Availability Zones of the load balancer when `network` is null. @default 2 */
  loadBalancerAzs?: number;
  /** Tasks get public IPs (a created VPC without a NAT gateway): one public IPv4 address per task. */
  taskPublicIps?: boolean;
}

export interface ServiceCost {
  architecture: Architecture;
  /** Tasks on FARGATE and FARGATE_SPOT at the desired count (shares beyond `base` follow the weights). */
  onDemandTasks: number;
  spotTasks: number;
  monthlyUsd: number;
  baselineMonthlyUsd: number;
}

export interface FixedLine {
  item: string;
  count: number;
  monthlyUsd: number;
}

export interface StackCost {
  region: string;
  pricesAsOf: string;
  source: string;
  spotDiscountPercent: number;
  /** Compute only: Fargate vCPU and memory at the desired counts. */
  monthlyUsd: number;
  /** The same tasks on Linux/x86, all on-demand. */
  baselineMonthlyUsd: number;
  /** 1 − monthlyUsd / baselineMonthlyUsd (0 when there is nothing to run). */
  savingsRatio: number;
  services: Record<string, ServiceCost>;
  fixed: FixedLine[];
  /** Compute plus the fixed lines. */
  totalMonthlyUsd: number;
  leftOut: readonly string[];
}

/** A stack in a region without list prices here: the plan says so rather than guess. */
export interface UnpricedStack {
  region: string;
  unpriced: string;
}

const cents = (usd: number) => Math.round(usd * 100) / 100;

/**
 * How ECS spreads `desired` tasks over the capacity providers: `base` on FARGATE first, the rest in
 * proportion to the weights (ECS places them so; the model uses the exact shares).
 */
export function taskSplit(desired: number, mix: CapacityMix): { onDemand: number; spot: number } {
  const base = Math.min(mix.base, desired);
  const rest = desired - base;
  const weights = mix.onDemandWeight + mix.spotWeight;
  const spot = weights === 0 ? 0 : (rest * mix.spotWeight) / weights;
  return { onDemand: desired - spot, spot };
}

/** One task's hourly price on `architecture`, on-demand. CPU in ECS units (1024 = 1 vCPU), memory in MiB. */
export function taskHourUsd(prices: RegionPrices, architecture: Architecture, cpu: number, memory: number): number {
  const rate = prices.fargate[architecture];
  return (cpu / 1024) * rate.vcpuHour + (memory / 1024) * rate.gbHour;
}

export function stackCost(input: CostInput): StackCost | UnpricedStack {
  const prices = PRICES[input.region];
  if (!prices) return { region: input.region, unpriced: `no list prices for ${input.region} here (priced: ${PRICED_REGIONS.join(", ")})` };
  const spotFactor = 1 - input.spotDiscountPercent / 100;

  const services: Record<string, ServiceCost> = {};
  for (const s of input.services) {
    const split = taskSplit(s.desiredCount, s.capacity);
    const hour = taskHourUsd(prices, s.architecture, s.cpu, s.memory);
    services[s.name] = {
      architecture: s.architecture,
      onDemandTasks: split.onDemand,
      spotTasks: split.spot,
      monthlyUsd: cents(hour * (split.onDemand + split.spot * spotFactor) * HOURS_PER_MONTH),
      baselineMonthlyUsd: cents(taskHourUsd(prices, "x86_64", s.cpu, s.memory) * s.desiredCount * HOURS_PER_MONTH),
    };
  }
  const monthlyUsd = cents(Object.values(services).reduce((n, s) => n + s.monthlyUsd, 0));
  const baselineMonthlyUsd = cents(Object.values(services).reduce((n, s) => n + s.baselineMonthlyUsd, 0));

  const fixed: FixedLine[] = [];
  const line = (item: string, count: number, usdPerHour: number) => {
    if (count > 0) fixed.push({ item, count, monthlyUsd: cents(count * usdPerHour * HOURS_PER_MONTH) });
  };
  const net = input.network;
  if (input.loadBalancer) {
    const azs = net?.availabilityZones ?? input.loadBalancerAzs ?? 2;
    line("Application Load Balancer hours", 1, prices.loadBalancerHour);
    line("load balancer public IPv4 addresses (one per Availability Zone)", azs, PUBLIC_IPV4_USD_PER_HOUR);
  }
  if (net) {
    line(`NAT gateway hours (${net.source})`, net.natGateways, prices.natGatewayHour);
    line(`NAT gateway public IPv4 addresses (${net.source})`, net.natGateways, PUBLIC_IPV4_USD_PER_HOUR);
    line(`interface endpoint hours, per endpoint and Availability Zone (${net.source})`, net.endpointAzs, prices.endpointAzHour);
  }
  if (input.taskPublicIps) {
    line("task public IPv4 addresses (one per task at the desired count)", input.services.reduce((n, s) => n + s.desiredCount, 0), PUBLIC_IPV4_USD_PER_HOUR);
  }
  const fixedUsd = fixed.reduce((n, l) => n + l.monthlyUsd, 0);

  return {
    region: input.region,
    pricesAsOf: PRICES_AS_OF,
    source: PRICE_SOURCE,
    spotDiscountPercent: input.spotDiscountPercent,
    monthlyUsd,
    baselineMonthlyUsd,
    savingsRatio: baselineMonthlyUsd === 0 ? 0 : Math.round((1 - monthlyUsd / baselineMonthlyUsd) * 1000) / 1000,
    services,
    fixed,
    totalMonthlyUsd: cents(monthlyUsd + fixedUsd),
    leftOut: LEFT_OUT,
  };
}

/** What a config change costs: the changed stack against the committed one, compute and total. */
export interface CostDifference {
  committedMonthlyUsd: number;
  committedTotalMonthlyUsd: number;
  monthlyUsd: number;
  totalMonthlyUsd: number;
}

export function costDifference(changed: StackCost, committed: StackCost): CostDifference {
  return {
    committedMonthlyUsd: committed.monthlyUsd,
    committedTotalMonthlyUsd: committed.totalMonthlyUsd,
    monthlyUsd: cents(changed.monthlyUsd - committed.monthlyUsd),
    totalMonthlyUsd: cents(changed.totalMonthlyUsd - committed.totalMonthlyUsd),
  };
}
