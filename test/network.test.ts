/**
 * The network project (network/): its config contract, its program under the mock runtime (awsx's
 * Vpc is one opaque resource there: its arguments are tested, its outputs mocked), the outputs Ferry's
 * stack reference reads, and `ferry plan --project network`.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { ferry, tempStackFile } from "./support/cli";
import { readStackConfig } from "../config/stackConfig";
import { endpointMonthlyUsd, parseNetworkConfig } from "../network/config";
import { NETWORK_DIR, PROJECT_DIR, runNetwork } from "../plan/run";

describe("network project", function () {
  this.timeout(60000);

  describe("config (network:*)", () => {
    it("defaults: 10.0.0.0/16, two Availability Zones, one NAT gateway, no interface endpoints", () => {
      expect(parseNetworkConfig("dev", {})).to.deep.equal({ stack: "dev", region: "us-east-1", cidr: "10.0.0.0/16", availabilityZones: 2, natGateways: "single", interfaceEndpoints: [], interfaceEndpointsMonthlyUsd: 0 });
    });

    const accepted: [Record<string, string>, Partial<ReturnType<typeof parseNetworkConfig>>][] = [
      [{ "network:cidr": "172.16.0.0/24" }, { cidr: "172.16.0.0/24" }],
      [{ "network:availabilityZones": "2" }, { availabilityZones: 2 }],
      [{ "network:availabilityZones": "6" }, { availabilityZones: 6 }],
      [{ "network:natGateways": "onePerAz" }, { natGateways: "onePerAz" }],
      [{ "network:interfaceEndpoints": '["secretsmanager","ecr"]' }, { interfaceEndpoints: ["secretsmanager", "ecr"], interfaceEndpointsMonthlyUsd: 43.8 }],
      [{ "aws:region": "ap-northeast-1" }, { region: "ap-northeast-1" }],
    ];
    for (const [raw, want] of accepted) {
      it(`accepts ${JSON.stringify(raw)}`, () => expect(parseNetworkConfig("s", raw)).to.deep.include(want));
    }

    const refused: [Record<string, string>, string][] = [
      [{ "network:cidrr": "10.0.0.0/16" }, `network:cidrr: got "10.0.0.0/16"; unknown key (did you mean "cidr"?); known keys: cidr, availabilityZones, natGateways, interfaceEndpoints`],
      [{ "network:cidr": "10.0.0.0/15" }, `network:cidr: got "10.0.0.0/15"; an IPv4 CIDR block with a prefix from /16 to /24, e.g. 10.0.0.0/16`],
      [{ "network:cidr": "10.0.0.1/16" }, `network:cidr: got "10.0.0.1/16"; an IPv4 CIDR block with a prefix from /16 to /24, e.g. 10.0.0.0/16`],
      [{ "network:availabilityZones": "1" }, "network:availabilityZones: got 1; an integer from 2 to 6"],
      [{ "network:availabilityZones": "7" }, "network:availabilityZones: got 7; an integer from 2 to 6"],
      [{ "network:natGateways": "none" }, `network:natGateways: got "none"; one of "single", "onePerAz"`],
      [{ "network:interfaceEndpoints": '["ecr","sqs"]' }, `network:interfaceEndpoints[1]: got "sqs"; one of "ecr", "logs", "secretsmanager"`],
      [{ "network:interfaceEndpoints": '["logs","logs"]' }, `network:interfaceEndpoints[1]: got "logs"; each endpoint once`],
      [{ "network:interfaceEndpoints": "ecr" }, `network:interfaceEndpoints: got "ecr"; a list`],
    ];
    for (const [raw, says] of refused) {
      it(`refuses ${JSON.stringify(raw)}`, () => {
        let err: Error | undefined;
        try {
          parseNetworkConfig("s", raw);
        } catch (e) {
          err = e as Error;
        }
        expect(err?.message).to.equal(`invalid network config (1 problem):\n  ${says}`);
      });
    }

    it("prices interface endpoints per endpoint, per Availability Zone, per hour, at the region's price (ECR is two endpoints)", () => {
      const us = (e: Parameters<typeof endpointMonthlyUsd>[0], azs: number) => endpointMonthlyUsd(e, azs, "us-east-1");
      expect([us([], 3), us(["logs"], 2), us(["ecr"], 2), us(["ecr", "logs"], 3)]).to.deep.equal([0, 14.6, 29.2, 65.7]);
      expect([endpointMonthlyUsd(["ecr", "logs"], 3, "eu-west-1"), endpointMonthlyUsd(["logs"], 1, "sa-east-1")]).to.deep.equal([72.27, null]);
    });
  });

  describe("program under the mock runtime", () => {
    const runs: Record<string, Awaited<ReturnType<typeof runNetwork>>> = {};
    before(async () => {
      for (const stack of ["staging", "prod"]) runs[stack] = await runNetwork(stack, readStackConfig(NETWORK_DIR, stack));
    });
    const vpcOf = (stack: string) => runs[stack].resources.find((r) => r.type === "awsx:ec2:Vpc")!;

    const shipped: [string, string, number, string][] = [
      ["staging", "10.20.0.0/16", 2, "Single"],
      ["prod", "10.30.0.0/16", 3, "OnePerAz"],
    ];
    for (const [stack, cidr, azs, nat] of shipped) {
      it(`${stack}: awsx Vpc ${cidr}, ${azs} AZs, public and private subnets, NAT ${nat}, the S3 gateway endpoint`, () => {
        expect(vpcOf(stack).inputs).to.deep.include({
          cidrBlock: cidr,
          numberOfAvailabilityZones: azs,
          natGateways: { strategy: nat },
          subnetStrategy: "Auto",
          subnetSpecs: [{ type: "Public", name: "public" }, { type: "Private", name: "private" }],
          vpcEndpointStrategy: "Auto",
          vpcEndpointSpecs: [{ serviceName: "com.amazonaws.eu-west-1.s3", vpcEndpointType: "Gateway" }],
        });
      });
    }

    it("prod: ECR (API and registry) and Logs interface endpoints in the private subnets, HTTPS from the VPC only", () => {
      const run = runs.prod;
      const endpoints = run.resources.filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint");
      expect(endpoints.map((e) => e.inputs.serviceName)).to.deep.equal(["com.amazonaws.eu-west-1.ecr.api", "com.amazonaws.eu-west-1.ecr.dkr", "com.amazonaws.eu-west-1.logs"]);
      for (const e of endpoints) {
        expect(e.inputs).to.include({ vpcEndpointType: "Interface", privateDnsEnabled: true, vpcId: run.outputs.vpcId.value });
        expect(e.inputs.subnetIds).to.deep.equal(run.outputs.privateSubnetIds.value);
      }
      const sg = run.resources.filter((r) => r.type === "aws:ec2/securityGroup:SecurityGroup");
      expect(sg).to.have.length(1);
      expect(sg[0].inputs.ingress).to.deep.equal([{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.30.0.0/16"], description: "HTTPS from the VPC" }]);
      expect(sg[0].inputs.egress).to.equal(undefined);
    });

    it("staging: no interface endpoints and no security group for them", () => {
      expect(runs.staging.resources.map((r) => r.type)).to.deep.equal(["awsx:ec2:Vpc"]);
    });

    it("outputs exactly what Ferry's ferry:network.stackReference reads, one subnet per AZ", () => {
      const read = [...fs.readFileSync(path.join(PROJECT_DIR, "components", "network.ts"), "utf8").matchAll(/requireOutput\("(\w+)"\)/g)].map((m) => m[1]);
      for (const [stack, azs] of [["staging", 2], ["prod", 3]] as const) {
        expect(Object.keys(runs[stack].outputs).sort()).to.deep.equal(read.sort());
        expect(runs[stack].outputs.privateSubnetIds.value).to.have.length(azs);
        expect(runs[stack].outputs.publicSubnetIds.value).to.have.length(azs);
      }
    });

    it("Ferry's shipped staging and prod stacks reference this project's stack of the same name", () => {
      for (const stack of ["staging", "prod"]) {
        const ref = readStackConfig(PROJECT_DIR, stack).values["ferry:network"];
        expect(JSON.parse(ref).stackReference).to.match(new RegExp(`^[\\w.-]+/network/${stack}$`));
        expect(fs.existsSync(path.join(NETWORK_DIR, `Pulumi.${stack}.yaml`))).to.equal(true);
      }
    });
  });

  describe("ferry plan --project network", () => {
    it("--json prints one document: project, stack, resources, outputs and the network's decisions", async () => {
      const r = await ferry("plan", "--project", "network", "--stack", "prod", "--json");
      expect(r.code, r.stderr).to.equal(0);
      const doc = JSON.parse(r.stdout);
      expect(Object.keys(doc)).to.deep.equal(["project", "stack", "resources", "outputs", "network"]);
      expect([doc.project, doc.stack, doc.network.interfaceEndpointsMonthlyUsd]).to.deep.equal(["network", "prod", 72.27]);
    });

    it("the text plan states the NAT strategy and the endpoints' monthly cost", async () => {
      const r = await ferry("plan", "--project", "network", "--stack", "prod");
      expect(r.stdout).to.contain("NAT: one gateway per Availability Zone").and.contain("interface endpoints: ecr, logs (about USD 72.27 a month in hourly charges at eu-west-1 list prices");
    });

    it("invalid config: exit 2, every problem on stderr, nothing on stdout", async () => {
      const file = tempStackFile("config:\n  network:availabilityZones: 1\n  network:natGateway: single\n");
      const r = await ferry("plan", "--project", "network", "--stack", "broken", "--config-file", file);
      expect([r.code, r.stdout]).to.deep.equal([2, ""]);
      expect(r.stderr).to.contain("invalid network config (2 problems)").and.contain("network:availabilityZones: got 1").and.contain(`network:natGateway: got "single"; unknown key (did you mean "natGateways"?)`);
    });

    it("refuses a project it does not know", async () => {
      const r = await ferry("plan", "--project", "billing", "--stack", "prod");
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain(`--project must be ferry (the default), network or pipeline, not "billing"`);
    });
  });
});
