/**
 * The policies: each with resources that pass and resources that fail, as plain functions (the pack
 * served as Pulumi serves it: test/policyPack.test.ts); then `ferry plan` running them on the
 * planned resources, `--strict` turning a mandatory violation into exit 3.
 */
import { expect } from "chai";
import * as fs from "fs";
import { DEFAULT_SETTINGS, evaluate, POLICIES, secretInEnvironment } from "../policy/policies";
import { ALB, alb, asPolicyResources, CASES, env, LIFECYCLE, repo, REPOSITORY, RESOURCE_POLICIES, STACK_CASES, TASK } from "./support/policyCases";
import { NETWORK_DIR, PROJECT_DIR } from "../plan/run";
import { stackConfigFile } from "../config/stackConfig";
import { ferry, tempStackFile } from "./support/cli";
import { runStack, stackConfig } from "./harness";
import { parseConfig } from "../config";
import { planCost } from "../plan/cost";

describe("policies", () => {
  it("every policy has passing and failing cases here; mandatory ones but ELB.5 (advisory)", () => {
    expect([...Object.keys(CASES), STACK_CASES.policy].sort()).to.deep.equal(POLICIES.map((p) => p.name).sort());
    expect(POLICIES.filter((p) => p.enforcementLevel === "advisory").map((p) => p.control)).to.deep.equal(["ELB.5"]);
    expect(POLICIES.filter((p) => p.control).map((p) => p.control)).to.deep.equal(["ECS.2", "ECS.4", "ECS.5", "ECS.8", "ECS.20", "ECS.9", "ECS.12", "ECR.1", "ECR.2", "ECR.3", "ELB.1", "ELB.4", "ELB.5", "ELB.6"]);
  });

  for (const [policy, c] of Object.entries(CASES)) {
    it(`${policy}: passing inputs break no policy; failing ones break this one only, saying what is wrong`, () => {
      for (const props of c.pass) expect(evaluate([{ type: c.type, name: "r", props }], DEFAULT_SETTINGS, RESOURCE_POLICIES), JSON.stringify(props)).to.deep.equal([]);
      for (const [props, says] of c.fail) {
        const found = evaluate([{ type: c.type, name: "r", props }], DEFAULT_SETTINGS, RESOURCE_POLICIES);
        expect(found.map((v) => v.policy), JSON.stringify(props)).to.deep.equal([policy]);
        expect(found[0].message).to.contain(says);
        expect(found[0].resource).to.equal(`${c.type}::r`);
      }
    });
  }

  it("ecr-lifecycle-policy: a repository is covered by a lifecycle policy that depends on it or names it", () => {
    for (const stack of STACK_CASES.pass) expect(evaluate(asPolicyResources(stack))).to.deep.equal([]);
    for (const stack of STACK_CASES.fail) {
      expect(evaluate(asPolicyResources(stack))).to.deep.equal([{ policy: "ecr-lifecycle-policy", control: "ECR.3", enforcementLevel: "mandatory", resource: `${REPOSITORY}::ferry-dev`, message: "no lifecycle policy: the repository grows forever" }]);
    }
    // Without the engine's dependencies, a policy whose repository is not known yet is not guessed at.
    expect(evaluate([repo, { type: LIFECYCLE, name: "x", props: {} }])).to.deep.equal([]);
  });

  it("never quotes an environment variable's value", () => {
    expect(secretInEnvironment("UPSTREAM", "AKIAABCDEFGHIJKLMNOP")).not.to.contain("AKIA");
    const found = evaluate([{ type: TASK, name: "r", props: env("DB_PASSWORD", "hunter2") }]);
    expect(JSON.stringify(found)).not.to.contain("hunter2");
  });

  it("waits for values it does not know: containers not yet known are no violation", () => {
    expect(evaluate([{ type: TASK, name: "r", props: { containerDefinitions: undefined, runtimePlatform: { cpuArchitecture: "ARM64" } } }])).to.deep.equal([]);
    expect(evaluate([{ type: TASK, name: "r", props: { containerDefinitions: "not json", runtimePlatform: { cpuArchitecture: "ARM64" } } }])).to.deep.equal([]);
  });

  it("holds production stacks, by the load balancer's ferry:stack tag, to deletion protection", () => {
    const unprotected = { type: ALB, name: "lb", props: alb({ enableDeletionProtection: false, tags: { "ferry:stack": "live" } }) };
    expect(evaluate([unprotected])).to.deep.equal([]);
    expect(evaluate([unprotected], { productionStacks: ["live"] }).map((v) => v.message)).to.deep.equal(["deletion protection is off in production stack live (ferry:loadBalancer.deletionProtection)"]);
  });
});

describe("ferry plan runs the policies", function () {
  this.timeout(60000);
  const prod = () => fs.readFileSync(stackConfigFile(PROJECT_DIR, "prod"), "utf8");
  const dev = () => fs.readFileSync(stackConfigFile(PROJECT_DIR, "dev"), "utf8");

  it("prod breaks none: --strict exits 0", async () => {
    const r = await ferry("plan", "--stack", "prod", "--strict");
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/Policy \(17 policies: Security Hub ECS, ECR and ELB controls and Ferry's own; policy\/\):\n {2}no violations\n/);
  });

  it("lists dev's violations in the plan and in --json, exit 0 without --strict", async () => {
    const r = await ferry("plan", "--stack", "dev", "--json");
    expect(r.code, r.stderr).to.equal(0);
    const policy = JSON.parse(r.stdout).policy;
    expect([policy.policies, policy.mandatory, policy.advisory]).to.deep.equal([17, 3, 1]);
    expect(policy.violations.map((v: { control: string; resource: string }) => `${v.control} ${v.resource}`)).to.deep.equal([
      "ECS.5 aws:ecs/taskDefinition:TaskDefinition::ferry-dev-web",
      "ECS.5 aws:ecs/taskDefinition:TaskDefinition::ferry-dev-worker",
      "ELB.1 aws:lb/listener:Listener::ferry-dev-http",
      "ELB.5 aws:lb/loadBalancer:LoadBalancer::ferry-dev",
    ]);
  });

  const strictCases: [string, () => string, string][] = [
    ["a network without NAT gateway gives tasks public IPs", () => dev().replace("ferry:services:", "ferry:network:\n    natGateway: false\n  ferry:services:"), "[ECS.2] ecs-service-no-public-ip (mandatory) aws:ecs/service:Service::ferry-dev-web: assignPublicIp is true"],
    ["a secret in a service's environment", () => prod().replace("        LOG_LEVEL: warn", "        LOG_LEVEL: warn\n        DB_PASSWORD: hunter2"), "[ECS.8] ecs-no-secrets-in-environment (mandatory) aws:ecs/taskDefinition:TaskDefinition::ferry-prod-web: container web: DB_PASSWORD's name says it holds a secret"],
    ["an x86 service without a stated reason", () => prod().replace("      cpu: 512\n", "      cpu: 512\n      architecture: x86_64\n"), "ferry-arm64-unless-stated (mandatory) aws:ecs/taskDefinition:TaskDefinition::ferry-prod-worker: runs on X86_64 with no stated reason"],
    ["a prod load balancer that may be deleted", () => prod().replace("deletionProtection: true", "deletionProtection: false"), "[ELB.6] elb-deletion-protection (mandatory) aws:lb/loadBalancer:LoadBalancer::ferry-prod: deletion protection is off in production stack prod"],
  ];
  for (const [label, text, says] of strictCases) {
    it(`--strict exits 3 naming the control: ${label}`, async () => {
      const stack = text().includes("ferry:build") ? "dev" : "prod";
      const file = tempStackFile(text());
      const strict = await ferry("plan", "--stack", stack, "--config-file", file, "--strict");
      expect(strict.code, strict.stderr).to.equal(3);
      expect(strict.stderr).to.match(/^--strict: \d+ mandatory policy violation\(s\):\n/);
      expect(strict.stderr).to.contain(says);
      expect(strict.stdout).to.contain(says);
      expect(strict.stdout + strict.stderr).not.to.contain("hunter2");
      const plain = await ferry("plan", "--stack", stack, "--config-file", file);
      expect(plain.code, plain.stderr).to.equal(0);
      expect(plain.stdout).to.contain(says);
    });
  }

  it("a stated reason makes an x86 service pass", async () => {
    const file = tempStackFile(prod().replace("      cpu: 512\n", "      cpu: 512\n      architecture: x86_64\n      x86Reason: the PDF renderer ships x86_64 only\n"));
    const r = await ferry("plan", "--stack", "prod", "--config-file", file, "--strict", "--json");
    expect(r.code, r.stderr).to.equal(0);
    const td = JSON.parse(r.stdout).resources.find((x: { type: string; name: string }) => x.type === TASK && x.name === "ferry-prod-worker");
    expect(td.inputs.tags).to.deep.equal({ "ferry:x86-reason": "the PDF renderer ships x86_64 only" });
  });
});

describe("ferry:network.natGateway false: tasks in public subnets with public IPs, no NAT gateway", function () {
  this.timeout(30000);

  it("declares no NAT gateway or private subnets, and runs tasks in the public subnets with public IPs", async () => {
    const run = await runStack("dev", { network: { natGateway: false } });
    expect(run.ofType("aws:ec2/natGateway:NatGateway")).to.deep.equal([]);
    expect(run.ofType("aws:ec2/eip:Eip")).to.deep.equal([]);
    expect(run.ofType("aws:ec2/subnet:Subnet").map((s) => s.name)).to.deep.equal(["ferry-dev-public-0", "ferry-dev-public-1"]);
    const alb = run.inputs(run.one("aws:lb/loadBalancer:LoadBalancer"));
    for (const name of ["ferry-dev-web", "ferry-dev-worker"]) {
      const net = run.inputs(run.one("aws:ecs/service:Service", name)).networkConfiguration as { assignPublicIp: boolean; subnets: string[] };
      expect(net.assignPublicIp, name).to.equal(true);
      expect(net.subnets, name).to.deep.equal(alb.subnets);
    }
    // The default keeps the NAT gateway and private subnets, and no task gets a public IP.
    const nat = await runStack("dev");
    nat.one("aws:ec2/natGateway:NatGateway");
    expect((nat.inputs(nat.one("aws:ecs/service:Service", "ferry-dev-web")).networkConfiguration as { assignPublicIp: boolean }).assignPublicIp).to.equal(false);
  });

  it("costs no NAT gateway but a public IPv4 address per task", () => {
    const config = parseConfig("dev", stackConfig("dev", { network: { natGateway: false } }).values);
    const cost = planCost(config, "eu-west-1", NETWORK_DIR);
    if ("unpriced" in cost) throw new Error(cost.unpriced);
    expect(cost.fixed.map((l) => [l.item, l.count])).to.deep.equal([
      ["Application Load Balancer hours", 1],
      ["load balancer public IPv4 addresses (one per Availability Zone)", 2],
      ["task public IPv4 addresses (one per task at the desired count)", 2],
    ]);
    expect(cost.network).to.equal("this stack's own VPC: no NAT gateway, tasks with public IPs, two Availability Zones");
  });
});

describe("config for the policies", () => {
  const base = { "ferry:build": "true" };
  const refusals: [Record<string, unknown>, string][] = [
    [{ network: { vpcId: "vpc-0123456789abcdef0", publicSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"], privateSubnetIds: ["subnet-0123456789abcdef2"], natGateway: false } }, "ferry:network.natGateway: got false; nothing when an existing VPC is given (natGateway is for a VPC Ferry creates)"],
    [{ network: { natGateway: "no" } }, 'ferry:network.natGateway: got "no"; true or false'],
    [{ services: { web: { x86Reason: "old lib" } } }, `ferry:services.web.x86Reason: got "old lib"; nothing unless the service's architecture is x86_64`],
    [{ services: { web: { architecture: "x86_64", x86Reason: "" } } }, 'ferry:services.web.x86Reason: got ""; why the service runs on x86_64, in 1-256 characters of a tag value'],
    [{ services: { web: { architecture: "x86_64", x86Reason: "needs <libfoo>" } } }, "ferry:services.web.x86Reason: got \"needs <libfoo>\""],
    [{ services: { web: { architecture: "x86_64", x86Reason: "x".repeat(257) } } }, "ferry:services.web.x86Reason: got"],
  ];
  for (const [over, says] of refusals) {
    it(`refuses ${JSON.stringify(over).slice(0, 80)}`, () => {
      const raw = { ...base, "ferry:services": JSON.stringify({ web: {} }), ...Object.fromEntries(Object.entries(over).map(([k, v]) => [`ferry:${k}`, JSON.stringify(v)])) };
      expect(() => parseConfig("dev", raw)).to.throw(says);
    });
  }

  it("accepts a reason of 256 characters a tag value takes, and natGateway true or false", () => {
    const reason = `${"é".repeat(200)} _.:/=+-@ ${"9".repeat(46)}`;
    expect(reason).to.have.length(256);
    const svc = parseConfig("dev", { ...base, "ferry:services": JSON.stringify({ web: { architecture: "x86_64", x86Reason: reason } }) }).services[0];
    expect(svc.x86Reason).to.equal(reason);
    for (const natGateway of [true, false]) {
      expect(parseConfig("dev", { ...base, "ferry:services": '{"web":{}}', "ferry:network": JSON.stringify({ natGateway }) }).network).to.deep.equal({ mode: "create", cidr: "10.0.0.0/16", natGateway });
    }
  });
});
