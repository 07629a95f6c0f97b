/**
 * Network: the VPC and subnets services run in. Stateful network infrastructure is referenced, not
 * owned: staging and prod name an existing VPC (ids, or a network stack's outputs); only a
 * self-contained stack (dev) creates its own small VPC.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { NetworkConfig } from "../config";

// ---------------------------------------------------------------------------------------------
// Args
// ---------------------------------------------------------------------------------------------

export interface NetworkArgs {
  /** Where the network comes from: created (`mode: "create"`), given by ids, or a stack's outputs. */
  network: NetworkConfig;
  /** Availability Zones used when the network is created. @default CREATED_ZONES (2) */
  zoneCount?: number;
}

/** Availability Zones of a VPC Ferry creates (the cost model counts them too). */
export const CREATED_ZONES = 2;

// ---------------------------------------------------------------------------------------------
// Pure helpers
// ---------------------------------------------------------------------------------------------

/** Splits a /16../24 block into `count` equal subnets four prefix bits longer, in order. */
export function subnetCidrs(cidr: string, count: number): string[] {
  const [base, prefixText] = cidr.split("/");
  const prefix = Number(prefixText);
  const start = base.split(".").reduce((a, o) => a * 256 + Number(o), 0);
  const size = 2 ** (32 - (prefix + 4));
  return Array.from({ length: count }, (_, i) => {
    const addr = start + i * size;
    const octets = [24, 16, 8, 0].map((shift) => Math.floor(addr / 2 ** shift) % 256);
    return `${octets.join(".")}/${prefix + 4}`;
  });
}

// ---------------------------------------------------------------------------------------------
// Wiring
// ---------------------------------------------------------------------------------------------

export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly publicSubnetIds: pulumi.Output<string[]>;
  readonly privateSubnetIds: pulumi.Output<string[]>;
  /** Where tasks run: the private subnets, or the public ones in a created VPC without a NAT gateway. */
  readonly taskSubnetIds: pulumi.Output<string[]>;
  /** Tasks need a public IP to reach ECR and CloudWatch Logs (they run in public subnets, no NAT gateway). */
  readonly tasksNeedPublicIp: boolean;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ferry:network:Network", name, {}, opts);
    const net = args.network;
    this.tasksNeedPublicIp = net.mode === "create" && !net.natGateway;
    if (net.mode === "existing") {
      this.vpcId = pulumi.output(net.vpcId);
      this.publicSubnetIds = pulumi.output(net.publicSubnetIds);
      this.privateSubnetIds = pulumi.output(net.privateSubnetIds);
    } else if (net.mode === "stackReference") {
      const ref = new pulumi.StackReference(`${name}-ref`, { name: net.stack }, { parent: this });
      this.vpcId = ref.requireOutput("vpcId") as pulumi.Output<string>;
      this.publicSubnetIds = ref.requireOutput("publicSubnetIds") as pulumi.Output<string[]>;
      this.privateSubnetIds = ref.requireOutput("privateSubnetIds") as pulumi.Output<string[]>;
    } else {
      const created = this.create(name, net.cidr, args.zoneCount ?? CREATED_ZONES, net.natGateway);
      this.vpcId = created.vpcId;
      this.publicSubnetIds = created.publicSubnetIds;
      this.privateSubnetIds = created.privateSubnetIds;
    }
    this.taskSubnetIds = this.tasksNeedPublicIp ? this.publicSubnetIds : this.privateSubnetIds;
    this.registerOutputs({ vpcId: this.vpcId, publicSubnetIds: this.publicSubnetIds, privateSubnetIds: this.privateSubnetIds });
  }

  /**
   * Public subnets (load balancer, one NAT gateway) and private subnets (tasks) across `zones` AZs;
   * without a NAT gateway, the public subnets only (tasks run there, with public IPs).
   */
  private create(name: string, cidr: string, zones: number, natGateway: boolean) {
    const parent = { parent: this };
    const azs = aws.getAvailabilityZonesOutput({ state: "available" }, parent).names;
    const vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock: cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: name } }, parent);
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id }, parent);
    const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, {
      vpcId: vpc.id,
      routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
    }, parent);
    const cidrs = subnetCidrs(cidr, zones * 2);
    // Public subnets take the first `zones` CIDR blocks, private ones the next `zones`.
    const subnetsIn = (kind: "public" | "private", routeTable: aws.ec2.RouteTable) =>
      Array.from({ length: zones }, (_, i) => {
        const subnet = new aws.ec2.Subnet(`${name}-${kind}-${i}`, {
          vpcId: vpc.id,
          cidrBlock: cidrs[(kind === "public" ? 0 : zones) + i],
          availabilityZone: azs[i],
          mapPublicIpOnLaunch: false,
          tags: { Name: `${name}-${kind}-${i}` },
        }, parent);
        new aws.ec2.RouteTableAssociation(`${name}-${kind}-${i}`, { subnetId: subnet.id, routeTableId: routeTable.id }, parent);
        return subnet;
      });
    const publicSubnets = subnetsIn("public", publicRoutes);
    if (!natGateway) {
      return { vpcId: vpc.id, publicSubnetIds: pulumi.all(publicSubnets.map((s) => s.id)), privateSubnetIds: pulumi.output([] as string[]) };
    }
    // One NAT gateway keeps a dev network cheap; tasks reach ECR, logs and SSM through it.
    const eip = new aws.ec2.Eip(`${name}-nat`, { domain: "vpc" }, parent);
    const nat = new aws.ec2.NatGateway(`${name}-nat`, { allocationId: eip.id, subnetId: publicSubnets[0].id }, { parent: this, dependsOn: [igw] });
    const privateRoutes = new aws.ec2.RouteTable(`${name}-private`, {
      vpcId: vpc.id,
      routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }],
    }, parent);
    const privateSubnets = subnetsIn("private", privateRoutes);
    return {
      vpcId: vpc.id,
      publicSubnetIds: pulumi.all(publicSubnets.map((s) => s.id)),
      privateSubnetIds: pulumi.all(privateSubnets.map((s) => s.id)),
    };
  }
}
