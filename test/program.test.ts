/**
 * The program under the mock runtime, per stack: what each stack declares, and the security defaults
 * every stack keeps (no public IPs, task ports open to the load balancer only, least-privilege IAM).
 */
import { expect } from "chai";
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
      it("declares a cluster, a task definition, an ECS service behind an ALB", () => {
        const run = runs[stack];
        run.one("aws:ecs/cluster:Cluster");
        run.one("aws:lb/loadBalancer:LoadBalancer");
        const td = run.inputs(run.one("aws:ecs/taskDefinition:TaskDefinition"));
        expect(td.family).to.equal(`ferry-${stack}-web`);
        const svc = run.inputs(run.one("aws:ecs/service:Service"));
        expect(svc.loadBalancers).to.have.length(1);
        expect(run.output("url")).to.match(/^https?:\/\//);
      });

      it("gives tasks no public IP and opens the task port to the load balancer only", () => {
        const run = runs[stack];
        const svc = run.inputs(run.one("aws:ecs/service:Service"));
        expect((svc.networkConfiguration as { assignPublicIp: boolean }).assignPublicIp).to.equal(false);
        const taskSg = run.inputs(run.one("aws:ec2/securityGroup:SecurityGroup", `ferry-${stack}-web-tasks`));
        const albSg = run.one("aws:ec2/securityGroup:SecurityGroup", `ferry-${stack}-alb`);
        expect(taskSg.ingress).to.have.length(1);
        const rule = (taskSg.ingress as Record<string, unknown>[])[0];
        expect(rule).to.include({ fromPort: 8080, toPort: 8080, protocol: "tcp" });
        expect(rule).not.to.have.property("cidrBlocks");
        expect(rule.securityGroups).to.have.length(1);
        expect((rule.securityGroups as string[])[0]).to.contain(albSg.name);
      });

      it("grants no '*' action and '*' resources only where AWS has no resource scope", () => {
        const run = runs[stack];
        for (const p of run.ofType("aws:iam/rolePolicy:RolePolicy")) {
          const doc = JSON.parse(run.inputs(p).policy as string);
          for (const st of doc.Statement) {
            for (const action of st.Action) expect(action).not.to.contain("*");
            if (st.Resource === "*") expect(st.Action).to.deep.equal(["ecr:GetAuthorizationToken"]);
          }
        }
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
      const containers = JSON.parse(run.inputs(run.one("aws:ecs/taskDefinition:TaskDefinition")).containerDefinitions as string);
      expect(containers[0].image).to.equal(pinned);
    }
  });

  it("dev runs every task on Fargate Spot; prod keeps an on-demand base", () => {
    const strategy = (run: Run) => run.inputs(run.one("aws:ecs/service:Service")).capacityProviderStrategies;
    expect(strategy(runs.dev)).to.deep.equal([{ capacityProvider: "FARGATE_SPOT", base: 0, weight: 1 }]);
    expect(strategy(runs.prod)).to.deep.equal([
      { capacityProvider: "FARGATE", base: 2, weight: 2 },
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

  it("every child's name starts with its component's name", () => {
    for (const run of Object.values(runs)) {
      for (const r of run.resources.filter((x) => x.parent !== null)) expect(r.name.startsWith(r.parent!), `${r.type} ${r.name} under ${r.parent}`).to.equal(true);
    }
  });
});
