/**
 * The cost model (lib/cost.ts) as plain data, its adapter (plan/cost.ts) on the shipped stacks, and
 * `ferry plan --config-file` pricing a change against the committed stack file.
 */
import { expect } from "chai";
import * as fs from "fs";
import { parseConfig } from "../config";
import { CostInput, HOURS_PER_MONTH, PRICED_REGIONS, PRICES, StackCost, stackCost, taskHourUsd, taskSplit, UnpricedStack } from "../lib/cost";
import { planCost, stackNetwork } from "../plan/cost";
import { NETWORK_DIR, PROJECT_DIR } from "../plan/run";
import { readStackConfig, stackConfigFile } from "../config/stackConfig";
import { ferry, tempStackFile } from "./support/cli";

const priced = (c: StackCost | UnpricedStack): StackCost => {
  if ("unpriced" in c) throw new Error(c.unpriced);
  return c;
};
const service = (over: Partial<CostInput["services"][number]> = {}): CostInput["services"][number] => ({
  name: "web",
  cpu: 1024,
  memory: 2048,
  architecture: "arm64",
  desiredCount: 1,
  capacity: { base: 0, onDemandWeight: 1, spotWeight: 0 },
  ...over,
});
const input = (over: Partial<CostInput> = {}): CostInput => ({ region: "us-east-1", spotDiscountPercent: 70, services: [service()], loadBalancer: false, network: null, ...over });

describe("cost model", () => {
  it("splits tasks as ECS places them: base on FARGATE first, the rest by weight", () => {
    const cases: [number, [number, number, number], { onDemand: number; spot: number }][] = [
      [3, [2, 0, 1], { onDemand: 2, spot: 1 }],
      [3, [0, 2, 1], { onDemand: 2, spot: 1 }],
      [4, [1, 1, 2], { onDemand: 2, spot: 2 }],
      [1, [2, 0, 1], { onDemand: 1, spot: 0 }], // base above the desired count
      [2, [0, 0, 1], { onDemand: 0, spot: 2 }],
      [0, [0, 0, 1], { onDemand: 0, spot: 0 }],
      [5, [1, 0, 0], { onDemand: 5, spot: 0 }], // weights 0 (the validator refuses it; the model does not divide by it)
    ];
    for (const [desired, [base, onDemandWeight, spotWeight], want] of cases) {
      expect(taskSplit(desired, { base, onDemandWeight, spotWeight }), `${desired} ${base}/${onDemandWeight}/${spotWeight}`).to.deep.equal(want);
    }
  });

  it("prices a task by vCPU and GB at the region's rate for its architecture", () => {
    expect(taskHourUsd(PRICES["us-east-1"], "x86_64", 1024, 2048)).to.be.closeTo(0.04048 + 2 * 0.004445, 1e-12);
    expect(taskHourUsd(PRICES["us-east-1"], "arm64", 256, 512)).to.be.closeTo(0.03238 / 4 + 0.00356 / 2, 1e-12);
    expect(taskHourUsd(PRICES["ap-northeast-1"], "x86_64", 4096, 8192)).to.be.closeTo(4 * 0.05056 + 8 * 0.00553, 1e-12);
  });

  it("lists every price region with ARM 20 % below x86, as AWS prices Graviton", () => {
    expect(PRICED_REGIONS).to.include.members(["us-east-1", "eu-west-1", "ap-northeast-1"]);
    for (const region of PRICED_REGIONS) {
      const { arm64, x86_64 } = PRICES[region].fargate;
      expect(arm64.vcpuHour / x86_64.vcpuHour, region).to.be.closeTo(0.8, 0.001);
      expect(arm64.gbHour / x86_64.gbHour, region).to.be.closeTo(0.8, 0.002);
    }
  });

  it("compares the workload with itself on x86 on-demand, Spot at the configured discount", () => {
    const arm = 0.03238 + 2 * 0.00356;
    const x86 = 0.04048 + 2 * 0.004445;
    const cases: [string, Partial<CostInput>, number][] = [
      ["arm64 on-demand", {}, arm],
      ["arm64 all Spot at 70 %", { services: [service({ capacity: { base: 0, onDemandWeight: 0, spotWeight: 1 } })] }, arm * 0.3],
      ["arm64 all Spot at 50 %", { spotDiscountPercent: 50, services: [service({ capacity: { base: 0, onDemandWeight: 0, spotWeight: 1 } })] }, arm * 0.5],
      ["x86 on-demand is the baseline itself", { services: [service({ architecture: "x86_64" })] }, x86],
    ];
    for (const [label, over, hourly] of cases) {
      const c = priced(stackCost(input(over)));
      expect(c.monthlyUsd, label).to.equal(Math.round(hourly * HOURS_PER_MONTH * 100) / 100);
      expect(c.baselineMonthlyUsd, label).to.equal(Math.round(x86 * HOURS_PER_MONTH * 100) / 100);
      expect(c.savingsRatio, label).to.be.closeTo(1 - hourly / x86, 0.001);
      expect(c.services.web.monthlyUsd, label).to.equal(c.monthlyUsd);
    }
    expect(priced(stackCost(input({ services: [] }))).savingsRatio).to.equal(0);
  });

  it("adds the fixed hourly items as lines, apart from the compute figures", () => {
    const bare = priced(stackCost(input()));
    expect(bare.fixed).to.deep.equal([]);
    expect(bare.totalMonthlyUsd).to.equal(bare.monthlyUsd);

    const c = priced(stackCost(input({ region: "eu-west-1", loadBalancer: true, network: { source: "net", natGateways: 3, endpointAzs: 9, availabilityZones: 3 } })));
    expect(c.fixed.map((l) => [l.item.split(" (")[0], l.count, l.monthlyUsd])).to.deep.equal([
      ["Application Load Balancer hours", 1, 18.4],
      ["load balancer public IPv4 addresses", 3, 10.95],
      ["NAT gateway hours", 3, 105.12],
      ["NAT gateway public IPv4 addresses", 3, 10.95],
      ["interface endpoint hours, per endpoint and Availability Zone", 9, 72.27],
    ]);
    expect(c.totalMonthlyUsd).to.equal(Math.round((c.monthlyUsd + 18.4 + 10.95 + 105.12 + 10.95 + 72.27) * 100) / 100);
    expect(c.leftOut.join(" ")).to.match(/LCU/).and.match(/data transfer/).and.match(/Logs/);
    // A network the stack does not own: the load balancer only, in the AZs it is given.
    const given = priced(stackCost(input({ loadBalancer: true, loadBalancerAzs: 4 })));
    expect(given.fixed.map((l) => l.count)).to.deep.equal([1, 4]);
  });

  it("says a region has no prices here rather than guess", () => {
    const c = stackCost(input({ region: "sa-east-1" }));
    expect(c).to.deep.equal({ region: "sa-east-1", unpriced: `no list prices for sa-east-1 here (priced: ${PRICED_REGIONS.join(", ")})` });
  });
});

describe("cost of the shipped stacks", () => {
  const costOf = (stack: string) => {
    const file = readStackConfig(PROJECT_DIR, stack);
    const config = parseConfig(stack, file.values, file.secretKeys);
    return { config, cost: priced(planCost(config, file.values["aws:region"], NETWORK_DIR)) };
  };

  it("dev runs at least 70 % below x86 on-demand, prod at least 40 % with two on-demand web tasks across its network's zones", () => {
    const dev = costOf("dev").cost;
    const prod = costOf("prod");
    expect(dev.savingsRatio).to.be.at.least(0.7);
    expect(prod.cost.savingsRatio).to.be.at.least(0.4);
    expect(prod.cost.services.web.onDemandTasks).to.be.at.least(2);
    expect(stackNetwork(prod.config, NETWORK_DIR).facts!.availabilityZones).to.be.at.least(2);
  });

  it("counts the network each stack pays for: dev's own VPC, prod's network stack, none for a VPC given by ids", () => {
    expect(stackNetwork(costOf("dev").config, NETWORK_DIR).facts).to.deep.equal({ source: "this stack's VPC", natGateways: 1, endpointAzs: 0, availabilityZones: 2 });
    // network/Pulumi.prod.yaml: three AZs, a NAT gateway in each, ECR (two endpoints) and logs in each.
    expect(stackNetwork(costOf("prod").config, NETWORK_DIR).facts).to.deep.equal({ source: "network stack acme/network/prod", natGateways: 3, endpointAzs: 9, availabilityZones: 3 });
    const given = parseConfig("x", { "ferry:build": "true", "ferry:network": JSON.stringify({ vpcId: "vpc-0123456789abcdef0", publicSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"], privateSubnetIds: ["subnet-0123456789abcdef2"] }), "ferry:services": '{"web":{"port":8080}}' });
    expect(stackNetwork(given, NETWORK_DIR)).to.deep.include({ facts: null });
    const elsewhere = parseConfig("x", { "ferry:build": "true", "ferry:network": '{"stackReference":"acme/shared-net/prod"}', "ferry:services": '{"web":{"port":8080}}' });
    expect(stackNetwork(elsewhere, NETWORK_DIR).note).to.contain("not one of this repository's network stacks");
  });

  it("reads the Spot discount from ferry:cost, from 0 to AWS's 70 %", () => {
    const base = { "ferry:build": "true", "ferry:services": '{"web":{"capacity":"spot"}}' };
    for (const ok of [0, 70]) expect(parseConfig("dev", { ...base, "ferry:cost": JSON.stringify({ spotDiscountPercent: ok }) }).cost.spotDiscountPercent).to.equal(ok);
    for (const bad of [-1, 71, "half"]) {
      expect(() => parseConfig("dev", { ...base, "ferry:cost": JSON.stringify({ spotDiscountPercent: bad }) })).to.throw(`ferry:cost.spotDiscountPercent: got ${JSON.stringify(bad)}; an integer from 0 to 70`);
    }
    expect(() => parseConfig("dev", { ...base, "ferry:cost": '{"spot":50}' })).to.throw("ferry:cost.spot");
  });
});

describe("ferry plan prices a change against the committed stack file", function () {
  this.timeout(60000);

  it("--config-file: the difference in compute and in total, in JSON and in text", async () => {
    const committed = fs.readFileSync(stackConfigFile(PROJECT_DIR, "prod"), "utf8");
    const file = tempStackFile(committed.replace("      desiredCount: 3\n      minCount: 3", "      desiredCount: 4\n      minCount: 4"));
    const json = await ferry("plan", "--stack", "prod", "--config-file", file, "--json");
    expect(json.code, json.stderr).to.equal(0);
    const cost = JSON.parse(json.stdout).cost;
    const oneSpotWebTask = Math.round((0.03238 + 2 * 0.00356) * 0.3 * HOURS_PER_MONTH * 100) / 100;
    expect(cost.againstCommitted).to.deep.equal({
      committedMonthlyUsd: Math.round((cost.monthlyUsd - oneSpotWebTask) * 100) / 100,
      committedTotalMonthlyUsd: Math.round((cost.totalMonthlyUsd - oneSpotWebTask) * 100) / 100,
      monthlyUsd: oneSpotWebTask,
      totalMonthlyUsd: oneSpotWebTask,
    });
    const text = await ferry("plan", "--stack", "prod", "--config-file", file);
    expect(text.stdout).to.contain(`against the committed stack file: compute +${oneSpotWebTask.toFixed(2)}`);
  });

  it("without --config-file there is nothing to compare; a stack with no committed file says so", async () => {
    const plain = JSON.parse((await ferry("plan", "--stack", "dev", "--json")).stdout);
    expect(plain.cost).not.to.have.property("againstCommitted");
    const file = tempStackFile(fs.readFileSync(stackConfigFile(PROJECT_DIR, "dev"), "utf8"));
    const r = await ferry("plan", "--stack", "qa", "--config-file", file, "--json");
    expect(r.code, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout).cost.againstCommitted).to.deep.equal({ unavailable: "no committed stack file for qa" });
  });

  it("prints the cost section for people: per service, the headline, the fixed lines, what is left out", async () => {
    const r = await ferry("plan", "--stack", "dev");
    expect(r.stdout).to.contain("Cost (modeled, USD a month; eu-west-1 list prices as of");
    expect(r.stdout).to.match(/ {2}web: arm64, 0 on-demand \+ 1 Spot task\(s\): \d+\.\d\d \(x86 on-demand: \d+\.\d\d\)/);
    expect(r.stdout).to.match(/ {2}compute: \d+\.\d\d against \d+\.\d\d on x86 on-demand: 76 % less/);
    expect(r.stdout).to.contain("NAT gateway hours (this stack's VPC) × 1: 35.04");
    expect(r.stdout).to.contain("left out: load balancer capacity units (LCUs)");
  });
});

describe("cost lines a stack's shape decides", () => {
  const base = { "ferry:build": "true" };
  const costFor = (raw: Record<string, string>) => {
    const cost = planCost(parseConfig("dev", { ...base, ...raw }), "eu-west-1", NETWORK_DIR);
    return priced(cost) as StackCost & { network: string };
  };
  const items = (c: StackCost) => c.fixed.map((l) => [l.item.split(" (")[0], l.count]);

  it("prices a load balancer only when a service has a port, in as many zones as it is given", () => {
    expect(items(costFor({ "ferry:services": '{"worker":{}}' }))).to.deep.equal([["NAT gateway hours", 1], ["NAT gateway public IPv4 addresses", 1]]);
    const given = costFor({
      "ferry:services": '{"web":{"port":8080}}',
      "ferry:network": JSON.stringify({ vpcId: "vpc-0123456789abcdef0", publicSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1", "subnet-0123456789abcdef3"], privateSubnetIds: ["subnet-0123456789abcdef2"] }),
    });
    expect(items(given)).to.deep.equal([["Application Load Balancer hours", 1], ["load balancer public IPv4 addresses", 3]]);
    expect(given.network).to.equal("VPC vpc-0123456789abcdef0 is given by ids: its NAT gateways and endpoints are billed to whoever owns it, not counted here");
  });

  it("finds the network stack by <project>/<stack> or <org>/<project>/<stack>, and only this repository's", () => {
    for (const ref of ["acme/network/prod", "network/prod"]) {
      const c = costFor({ "ferry:services": '{"worker":{}}', "ferry:network": JSON.stringify({ stackReference: ref }) });
      expect(c.network, ref).to.equal(`network stack ${ref} (network/Pulumi.prod.yaml), shared by every stack that references it`);
      expect(items(c), ref).to.deep.equal([["NAT gateway hours", 3], ["NAT gateway public IPv4 addresses", 3], ["interface endpoint hours, per endpoint and Availability Zone", 9]]);
    }
    for (const ref of ["prod", "acme/network/qa"]) {
      const c = costFor({ "ferry:services": '{"worker":{}}', "ferry:network": JSON.stringify({ stackReference: ref }) });
      expect([c.network, c.fixed], ref).to.deep.equal([`network stack ${ref} is not one of this repository's network stacks: its hourly items are not counted`, []]);
    }
  });
});
