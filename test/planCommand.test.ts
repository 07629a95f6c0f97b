/**
 * `ferry plan` end to end: the command's stdout, stderr and exit code, run in-process through the
 * CLI's entry point (cli/main.ts, as bin/ferry.js calls it), and as a child process where the process
 * itself is the point (exit code, npm's banner kept off stdout).
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import { PROJECT_DIR } from "../plan/run";
import { ferry, tempStackFile } from "./support/cli";
import { FERRY } from "./support/paths";

function ferryProcess(...args: string[]) {
  const r = spawnSync(process.execPath, [...FERRY, ...args], { cwd: PROJECT_DIR, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("ferry plan", function () {
  this.timeout(60000);

  for (const stack of ["dev", "staging", "prod"]) {
    it(`--stack ${stack} --json prints one plan document with an ECS service`, async () => {
      const r = await ferry("plan", "--stack", stack, "--json");
      expect(r.code, r.stderr).to.equal(0);
      const doc = JSON.parse(r.stdout);
      expect(doc).to.include.keys("project", "stack", "resources", "outputs");
      expect(doc.project).to.equal("ferry");
      expect(doc.stack).to.equal(stack);
      for (const res of doc.resources) {
        expect(res).to.include.keys("type", "name", "parent", "custom", "inputs");
        expect(res.parent === null || typeof res.parent === "string").to.equal(true);
        expect(res.custom).to.be.a("boolean");
      }
      const services = doc.resources.filter((r: { type: string }) => r.type === "aws:ecs/service:Service");
      expect(services.map((s: { parent: string }) => s.parent).sort()).to.deep.equal([`ferry-${stack}-web`, `ferry-${stack}-worker`]);
      const alb = doc.resources.find((r: { type: string }) => r.type === "aws:lb/loadBalancer:LoadBalancer");
      expect(alb.options).to.deep.equal(stack === "prod" ? { protect: true } : undefined);
      const check = doc.resources.find((r: { name: string }) => r.name === `ferry-${stack}-web-deployment-check`);
      expect(check.inputs.__provider).to.equal("[provider code omitted]");
      expect(doc.outputs.imageRef).to.match(/@sha256:[a-f0-9]{64}$/);
    });
  }

  it("prints the same plan twice", async () => {
    const a = await ferry("plan", "--stack", "dev", "--json");
    const b = ferryProcess("plan", "--stack", "dev", "--json");
    expect(a.code).to.equal(0);
    expect(a.stdout).to.equal(b.stdout);
  });

  it("prints the resource tree and each service's decisions for people", async () => {
    const r = await ferry("plan", "--stack", "prod");
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/ferry:ecs:FargateService {2}ferry-prod-web {2}\(component\)\n {4}aws:cloudwatch\/logGroup:LogGroup {2}ferry-prod-web\n/);
    expect(r.stdout).to.contain("web: arm64, 1024 CPU / 2048 MiB, 3 task(s) (min 3, max 12)");
    expect(r.stdout).to.contain("capacity: FARGATE base 2 weight 0, FARGATE_SPOT base 0 weight 1");
    expect(r.stdout).to.contain("deployment: blue/green, bake 10 min, test traffic with header x-ferry-test: 1, pauses at POST_TEST_TRAFFIC_SHIFT for approval (60 min, then rollback)");
    expect(r.stdout).to.contain("deployment: rolling (100%..200%), circuit breaker on with rollback");
    expect(r.stdout).to.contain("pulumi up fails if ECS rolls back (waits up to 100 min)");
    expect(r.stdout).to.contain("autoscaling: target tracking on CPU 60%, memory 75%");
    expect(r.stdout).to.contain("runs the promoted image (no build in this stack)");
    // What `pulumi up` and `destroy` may not do, for reviewers.
    expect(r.stdout).to.match(/aws:lb\/loadBalancer:LoadBalancer {2}ferry-prod {2}\[protected\]\n/);
    expect(r.stdout).to.contain("aws:lb/listenerRule:ListenerRule  ferry-prod-web  [ignores changes to actions]");
    expect(r.stdout).to.contain("aws:s3/bucket:Bucket  ferry-prod-alb-logs  [kept on delete]");
  });

  it("refuses invalid config with exit 2, the keys on stderr and nothing on stdout (a process)", () => {
    const file = tempStackFile(
      ["config:", "  ferry:imageRef: repo:latest", "  ferry:services:", "    web:", "      cpu: 256", "      memory: 4096", "      port: 8080"].join("\n"),
    );
    const r = ferryProcess("plan", "--stack", "dev", "--config-file", file, "--json");
    expect(r.code).to.equal(2);
    expect(r.stdout).to.equal("");
    expect(r.stderr).to.contain("ferry:services.web.memory: got 4096; for cpu 256, memory (MiB) one of 512, 1024, 2048");
    expect(r.stderr).to.contain('ferry:imageRef: got "repo:latest"');
  });

  it("refuses an unknown stack with exit 2 and lists the stacks that exist", async () => {
    const r = await ferry("plan", "--stack", "qa");
    expect(r.code).to.equal(2);
    expect(r.stdout).to.equal("");
    expect(r.stderr).to.contain('no stack named "qa": this project has "dev", "prod", "staging"');
  });

  it("refuses a missing --stack and unknown flags with exit 2", async () => {
    expect((await ferry("plan")).code).to.equal(2);
    const r = await ferry("plan", "--stack", "dev", "--jsno");
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain("--jsno");
  });

  it("prints secret config as [secret], never the value", async () => {
    const file = tempStackFile(
      [
        "config:",
        "  ferry:build: true",
        "  ferry:certificateArn:",
        "    secure: v1:AAAAbase64ciphertext",
        "  ferry:services:",
        "    web: { port: 8080 }",
      ].join("\n"),
    );
    const r = await ferry("plan", "--stack", "dev", "--config-file", file, "--json");
    // The placeholder cannot pass the ARN rule, so the message must name the key without the value.
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.contain("ferry:certificateArn: got [secret]");
    expect(r.stderr).not.to.contain("AAAAbase64ciphertext");
  });

  it("`npm run plan -- --stack dev --json` prints exactly one JSON document", () => {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const r = spawnSync(npm, ["run", "plan", "--", "--stack", "dev", "--json"], { cwd: PROJECT_DIR, encoding: "utf8" });
    expect(r.status, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).to.deep.equal(["project", "stack", "resources", "outputs", "services", "image", "notifications", "rollout", "cost", "policy"]);
    // dev has no notifications; every service has its modeled rollout.
    expect([doc.notifications, Object.keys(doc.rollout.services)]).to.deep.equal([null, Object.keys(doc.services)]);
    for (const r of Object.values(doc.rollout.services) as { deploySeconds: number; detectFailureSeconds: number }[]) {
      expect([typeof r.deploySeconds, typeof r.detectFailureSeconds]).to.deep.equal(["number", "number"]);
    }
  });
});
