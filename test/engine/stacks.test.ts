/**
 * Ferry's real program (index.ts) on the real Pulumi engine: preview and update of dev, staging and
 * prod with the stand-in providers, staging and prod reading a real network stack. Assertions are
 * on what the engine reports: its preview steps, the stack outputs, the exported state.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { EngineWorld } from "./world";

interface PreviewStep {
  op: string;
  urn: string;
  newState?: { type: string };
}

const typeAndName = (urn: string) => {
  const parts = urn.split("::");
  return `${parts[2].slice(parts[2].lastIndexOf("$") + 1)} ${parts[3]}`;
};

describe("engine: Ferry's program on the real Pulumi CLI", function () {
  let world: EngineWorld;
  this.timeout(600000);

  before(async () => {
    world = await new EngineWorld().start();
    await world.standUp();
  });
  after(() => world?.stop());

  for (const stack of ["dev", "staging", "prod"]) {
    it(`previews ${stack} with exactly the resources the offline plan shows`, async () => {
      const preview = await world.json<{ steps: PreviewStep[] }>(["preview", "-s", stack]);
      const engine = preview.steps.filter((s) => s.op === "create" || s.op === "read").map((s) => typeAndName(s.urn)).filter((r) => !r.startsWith("pulumi:pulumi:Stack "));
      const plan = await world.ferry(["plan", "--stack", stack, "--json"]);
      expect(plan.code, plan.stderr).to.equal(0);
      const offline = (JSON.parse(plan.stdout).resources as { type: string; name: string }[]).map((r) => `${r.type} ${r.name}`);
      expect(engine.sort()).to.deep.equal(offline.sort());
    });
  }

  it("updates dev: builds the image, pins it by digest, and checks each service's ECS deployment", async () => {
    await world.mustPulumi(["up", "--yes", "--skip-preview", "-s", "dev"]);
    const out = await world.json<{ imageRef: string; serviceNames: Record<string, string>; clusterName: string }>(["stack", "output", "-s", "dev"]);
    expect(out.imageRef).to.match(/^\d{12}\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/ferry-dev[-\w]*@sha256:[0-9a-f]{64}$/);
    expect(Object.keys(out.serviceNames).sort()).to.deep.equal(["web", "worker"]);
    // The deployment check (a dynamic provider in the engine) asked ECS about both services.
    const asked = world.ecs.requests.filter((r) => r.action === "ListServiceDeployments").map((r) => r.body.service);
    expect([...new Set(asked)].sort()).to.deep.equal(Object.values(out.serviceNames).sort());
    const history = await world.json<{ result: string }[]>(["stack", "history", "-s", "dev"]);
    expect(history.map((h) => h.result)).to.deep.equal(["succeeded"]);
  });

  for (const stack of ["staging", "prod"]) {
    it(`updates ${stack}: runs the pinned digest in the network stack's private subnets`, async () => {
      await world.mustPulumi(["up", "--yes", "--skip-preview", "-s", stack]);
      const out = await world.json<{ imageRef: string }>(["stack", "output", "-s", stack]);
      const pinned = /ferry:imageRef: (\S+)/.exec(world.stackFile(stack))![1];
      expect(out.imageRef).to.equal(pinned);
      const net = await world.json<{ privateSubnetIds: string[] }>(["stack", "output", "-s", `organization/network/${stack}`], { cwd: world.network });
      const state = JSON.parse((await world.mustPulumi(["stack", "export", "-s", stack])).stdout) as { deployment: { resources: { type: string; outputs: { networkConfiguration?: { subnets: string[]; assignPublicIp: boolean } } }[] } };
      const services = state.deployment.resources.filter((r) => r.type === "aws:ecs/service:Service");
      expect(services).to.have.length.greaterThan(0);
      for (const s of services) {
        expect(s.outputs.networkConfiguration?.subnets).to.deep.equal(net.privateSubnetIds);
        expect(s.outputs.networkConfiguration?.assignPublicIp).to.equal(false);
      }
    });
  }

  describe("the policy pack (pulumi preview --policy-pack policy)", () => {
    const pack = () => path.join(world.project, "policy");
    const stackFile = () => path.join(world.project, "Pulumi.prod.yaml");
    let committed: string;
    before(() => (committed = fs.readFileSync(stackFile(), "utf8")));
    afterEach(() => fs.writeFileSync(stackFile(), committed));

    it("passes prod: every policy runs on every resource and none is violated", async () => {
      const r = await world.pulumi(["preview", "-s", "prod", "--policy-pack", pack()]);
      expect(r.code, `${r.stdout}\n${r.stderr}`).to.equal(0);
      expect(r.stdout).to.contain("Policies:").and.contain("✅ ferry@v0.1.0");
      expect(r.stdout).not.to.match(/mandatory|advisory/);
    });

    it("stops a preview that puts a secret in prod's environment, naming the policy and never the value", async () => {
      fs.writeFileSync(stackFile(), committed.replace("        LOG_LEVEL: warn", "        LOG_LEVEL: warn\n        DB_PASSWORD: hunter2"));
      const r = await world.pulumi(["preview", "-s", "prod", "--policy-pack", pack()]);
      const out = `${r.stdout}\n${r.stderr}`;
      expect(r.code, out).to.not.equal(0);
      expect(out).to.contain("❌ ferry@v0.1.0").and.match(/\[mandatory\]\s+ecs-no-secrets-in-environment\s+\(aws:ecs:TaskDefinition: ferry-prod-web\)/);
      expect(out).to.contain("container web: DB_PASSWORD's name says it holds a secret");
      expect(out).not.to.contain("hunter2");
    });
  });
});
