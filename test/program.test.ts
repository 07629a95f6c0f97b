/**
 * The program under the mock runtime, per stack: what each stack declares, and the security defaults
 * every stack keeps (no public IPs, task ports open to the load balancer only, least-privilege IAM).
 */
import { expect } from "chai";
import { stackResourceName } from "../lib/names";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { TOP_LEVEL_DEFAULTS } from "../config/validate";
import { PROJECT_DIR } from "../plan/run";
import { Run, runStack } from "./harness";

const STACKS = ["dev", "staging", "prod"];

describe("program", function () {
  this.timeout(30000);
  const runs: Record<string, Run> = {};
  before(async () => {
    for (const stack of STACKS) runs[stack] = await runStack(stack);
  });

  it("Pulumi.yaml declares the same defaults the config module applies", () => {
    const project = parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"));
    expect(project.name).to.equal("ferry");
    const declared = Object.fromEntries(Object.entries(project.config as Record<string, { default: unknown }>).map(([k, d]) => [k, d.default]));
    expect(declared).to.deep.equal(TOP_LEVEL_DEFAULTS);
  });

  for (const stack of STACKS) {
    describe(stack, () => {
      it("declares a cluster, an ALB and, per service, a task definition and an ECS service", () => {
        const run = runs[stack];
        run.one("aws:ecs/cluster:Cluster");
        run.one("aws:lb/loadBalancer:LoadBalancer");
        for (const service of ["web", "worker"]) {
          expect(run.inputs(run.one("aws:ecs/taskDefinition:TaskDefinition", `ferry-${stack}-${service}`)).family).to.equal(`ferry-${stack}-${service}`);
        }
        expect(run.inputs(run.one("aws:ecs/service:Service", `ferry-${stack}-web`)).loadBalancers).to.have.length(1);
        expect(run.inputs(run.one("aws:ecs/service:Service", `ferry-${stack}-worker`)).loadBalancers).to.deep.equal([]);
        expect(run.output("url")).to.match(/^https?:\/\//);
      });

      it("gives tasks no public IP and opens task ports to the load balancer only", () => {
        const run = runs[stack];
        for (const svc of run.ofType("aws:ecs/service:Service")) {
          expect((run.inputs(svc).networkConfiguration as { assignPublicIp: boolean }).assignPublicIp, svc.name).to.equal(false);
        }
        const taskSg = run.inputs(run.one("aws:ec2/securityGroup:SecurityGroup", `ferry-${stack}-web-tasks`));
        const albSg = run.one("aws:ec2/securityGroup:SecurityGroup", `ferry-${stack}-alb`);
        expect(taskSg.ingress).to.have.length(1);
        const rule = (taskSg.ingress as Record<string, unknown>[])[0];
        expect(rule).to.include({ fromPort: 8080, toPort: 8080, protocol: "tcp" });
        expect(rule).not.to.have.property("cidrBlocks");
        expect(rule.securityGroups).to.have.length(1);
        expect((rule.securityGroups as string[])[0]).to.contain(albSg.name);
        expect(run.inputs(run.one("aws:ec2/securityGroup:SecurityGroup", `ferry-${stack}-worker-tasks`)).ingress).to.deep.equal([]);
      });

      it("lets the load balancer reach only its services' tasks, on their ports", () => {
        const run = runs[stack];
        const albSg = run.one("aws:ec2/securityGroup:SecurityGroup", `ferry-${stack}-alb`);
        // No inline egress: the provider removes AWS's allow-all default and manages none itself.
        expect(run.inputs(albSg)).not.to.have.property("egress");
        const taskSg = run.one("aws:ec2/securityGroup:SecurityGroup", `ferry-${stack}-web-tasks`);
        const egress = run.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").map((r) => run.inputs(r));
        expect(egress).to.have.length(1); // web only: the worker has no port
        expect(egress[0]).to.include({ ipProtocol: "tcp", fromPort: 8080, toPort: 8080, description: "to the web tasks on port 8080" });
        expect(egress[0].securityGroupId).to.contain(albSg.name);
        expect(egress[0].referencedSecurityGroupId).to.contain(taskSg.name);
        expect(egress[0]).not.to.have.property("cidrIpv4");
      });
    });
  }

  it("dev builds from the sample app; staging and prod declare no build and run their pinned digest", () => {
    expect(runs.dev.ofType("docker-build:index:Image")).to.have.length(2);
    for (const stack of ["staging", "prod"]) {
      const run = runs[stack];
      expect(run.resources.filter((r) => r.type.startsWith("docker-build:"))).to.deep.equal([]);
      const pinned = run.result.config.imageRef;
      expect(run.output("imageRef")).to.equal(pinned);
      for (const td of run.ofType("aws:ecs/taskDefinition:TaskDefinition")) {
        expect(JSON.parse(run.inputs(td).containerDefinitions as string)[0].image, td.name).to.equal(pinned);
      }
    }
  });

  it("dev runs every task on Fargate Spot; prod keeps an on-demand base", () => {
    const strategy = (run: Run) => run.inputs(run.one("aws:ecs/service:Service", `ferry-${run.result.stack}-web`)).capacityProviderStrategies;
    expect(strategy(runs.dev)).to.deep.equal([{ capacityProvider: "FARGATE_SPOT", base: 0, weight: 1 }]);
    expect(strategy(runs.prod)).to.deep.equal([
      { capacityProvider: "FARGATE", base: 2, weight: 0 },
      { capacityProvider: "FARGATE_SPOT", base: 0, weight: 1 },
    ]);
  });

  it("staging and prod take their network from a network stack, dev creates its own", () => {
    expect(runs.dev.ofType("aws:ec2/vpc:Vpc")).to.have.length(1);
    for (const stack of ["staging", "prod"]) {
      expect(runs[stack].ofType("aws:ec2/vpc:Vpc")).to.have.length(0);
      expect(runs[stack].inputs(runs[stack].one("pulumi:pulumi:StackReference")).name).to.equal(`acme/network/${stack}`);
    }
  });

  it("two projects in one account share no name AWS keeps unique (names start with the project)", async () => {
    const shop = await runStack("prod", {}, { project: "shop" });
    const fixedNames = (run: Run) =>
      run.resources.filter((r) => r.type.startsWith("aws:")).flatMap((r) => {
        const i = run.inputs(r);
        const alarms = ((i.alarms as { alarmNames?: string[] } | undefined)?.alarmNames ?? []);
        return [i.name, i.family, ...alarms].filter((n): n is string => typeof n === "string");
      });
    const ours = new Set(fixedNames(runs.prod));
    const theirs = fixedNames(shop);
    expect(theirs.length).to.be.greaterThan(5);
    expect(theirs.filter((n) => ours.has(n))).to.deep.equal([]);
    expect(theirs).to.include.members(["shop-prod-web-5xx", "shop-prod-web"]);
    expect(shop.resources.filter((r) => r.parent === null && r.custom === false).map((r) => r.name)).to.include("shop-prod");
  });

  it("every child's name starts with its component's name (target groups: the service's, for AWS's 32 characters)", () => {
    for (const run of Object.values(runs)) {
      for (const r of run.resources.filter((x) => x.parent !== null)) {
        const expected = r.type === "aws:lb/targetGroup:TargetGroup" ? r.parent!.slice(stackResourceName(run.result.config.project, run.result.stack).length + 1) : r.parent!;
        expect(r.name.startsWith(expected), `${r.type} ${r.name} under ${r.parent}`).to.equal(true);
      }
    }
  });
});
