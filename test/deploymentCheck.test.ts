/**
 * No false green: the deployment watch over recorded ECS response sequences (shaped as the ECS API
 * returns them), through the real SDK adapter with the SDK client mocked; and the deployment check's
 * provider exactly as Pulumi serializes it into the deployment.
 */
import { mockClient } from "aws-sdk-client-mock";
import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
} from "@aws-sdk/client-ecs";
import { expect } from "chai";
import * as fs from "fs";
import Module from "module";
import * as os from "os";
import * as path from "path";
import { EcsDeployments } from "../aws/ecs";
import { cancelRequested, isDeploymentFailure, watchDeployment } from "../lib/deploymentWatch";
import { PROJECT_DIR } from "../plan/run";
import { runStack } from "./harness";
import { FIXTURES } from "./support/paths";

const ECS_FIXTURES = path.join(FIXTURES, "ecs");

interface Poll {
  listServiceDeployments: object;
  describeServiceDeployments: object;
  describeServiceRevisions: object;
  describeServices: object;
}
interface Scenario {
  about: string;
  taskDefinition: string;
  timeoutMinutes?: number;
  polls: Poll[];
  expect: { outcome: "succeeded" | "failed"; message?: string[]; progress?: string[] };
}

/** Fixture JSON with every `…At` timestamp as a Date, as the SDK returns them. */
function load(file: string): Scenario {
  return JSON.parse(fs.readFileSync(path.join(ECS_FIXTURES, file), "utf8"), (k, v) => (/At$/.test(k) && typeof v === "string" ? new Date(v) : v));
}

/** Serves poll i's responses on the i-th round of calls (the last one again once they run out). */
function serve(ecs: ReturnType<typeof mockClient>, polls: Poll[]) {
  const round = { list: 0, deployments: 0, revisions: 0, services: 0 };
  const next = (k: keyof typeof round, pick: (p: Poll) => object) => () => pick(polls[Math.min(round[k]++, polls.length - 1)]);
  ecs.on(ListServiceDeploymentsCommand).callsFake(next("list", (p) => p.listServiceDeployments));
  ecs.on(DescribeServiceDeploymentsCommand).callsFake(next("deployments", (p) => p.describeServiceDeployments));
  ecs.on(DescribeServiceRevisionsCommand).callsFake(next("revisions", (p) => p.describeServiceRevisions));
  ecs.on(DescribeServicesCommand).callsFake(next("services", (p) => p.describeServices));
  return round;
}

describe("deployment check", () => {
  // Mocked for this suite only: other suites mock the same client class.
  const mockEcs = () => mockClient(ECSClient);
  let ecs: ReturnType<typeof mockEcs>;
  before(() => (ecs = mockEcs()));
  afterEach(() => ecs.reset());
  after(() => ecs.restore());

  for (const file of fs.readdirSync(ECS_FIXTURES).filter((f) => f.endsWith(".json")).sort()) {
    const scenario = load(file);
    it(`${file.replace(/\.json$/, "")}: ${scenario.about} → ${scenario.expect.outcome}`, async () => {
      serve(ecs, scenario.polls);
      let clock = Date.parse("2026-11-23T10:00:30Z");
      const progress: string[] = [];
      const run = watchDeployment({
        reader: new EcsDeployments(new ECSClient({ region: "eu-west-1" })),
        cluster: "ferry-prod",
        service: "ferry-prod-web",
        taskDefinition: scenario.taskDefinition,
        since: new Date("2026-11-23T09:00:00Z"),
        timeoutMs: (scenario.timeoutMinutes ?? 30) * 60000,
        pollMs: 15000,
        now: () => clock,
        sleep: async (ms) => void (clock += ms),
        onProgress: (m) => progress.push(m.replace(/^ferry-prod-web: /, "")),
      });
      if (scenario.expect.outcome === "succeeded") {
        expect((await run).state).to.equal("succeeded");
      } else {
        const err = await run.then(
          () => expect.fail("the watch must fail"),
          (e: unknown) => e,
        );
        expect(isDeploymentFailure(err), String(err)).to.equal(true);
        for (const text of scenario.expect.message ?? []) expect((err as Error).message).to.contain(text);
      }
      for (const [i, text] of (scenario.expect.progress ?? []).entries()) expect(progress[i], `progress ${i}: ${progress.join(" | ")}`).to.contain(text);
    });
  }

  it("asks ECS only about deployments since the update started, for the right service", async () => {
    serve(ecs, [load("completed.json").polls[2]]);
    await watchDeployment({
      reader: new EcsDeployments(new ECSClient({ region: "eu-west-1" })),
      cluster: "ferry-prod",
      service: "ferry-prod-web",
      taskDefinition: load("completed.json").taskDefinition,
      since: new Date("2026-11-23T09:00:00Z"),
      timeoutMs: 60000,
    });
    const list = ecs.commandCalls(ListServiceDeploymentsCommand)[0].args[0].input;
    expect(list).to.deep.include({ cluster: "ferry-prod", service: "ferry-prod-web" });
    expect(list.createdAt?.after?.toISOString()).to.equal("2026-11-23T09:00:00.000Z");
  });

  it("stops within a second of an interrupt, naming the last state; asks again at every slice of the wait", async () => {
    const scenario = load("in-progress-at-timeout.json");
    serve(ecs, scenario.polls);
    const start = Date.parse("2026-11-23T10:00:30Z");
    let clock = start;
    let asked = 0;
    const err = await watchDeployment({
      reader: new EcsDeployments(new ECSClient({ region: "eu-west-1" })),
      cluster: "ferry-prod",
      service: "ferry-prod-web",
      taskDefinition: scenario.taskDefinition,
      since: new Date("2026-11-23T09:00:00Z"),
      timeoutMs: 30 * 60000,
      pollMs: 15000,
      now: () => clock,
      sleep: async (ms) => void (clock += ms),
      cancelled: () => (++asked, clock - start >= 3500 ? "the update was interrupted" : undefined),
    }).then(() => undefined, (e: Error) => e);
    expect(err?.name).to.equal("DeploymentCheckCancelled");
    expect(err?.message).to.match(/^ferry-prod-web: the deployment check stopped: the update was interrupted; ECS goes on with the deployment until the next update replaces it \(last state: .+\)$/);
    expect(clock - start).to.equal(4000);
    expect(asked).to.equal(5);
  });

  it("reads an interrupt from the file FERRY_CANCEL_FILE names", () => {
    const exists = (f: string) => f === "/tmp/there";
    expect([cancelRequested({}, exists), cancelRequested({ FERRY_CANCEL_FILE: "" }, exists), cancelRequested({ FERRY_CANCEL_FILE: "/tmp/gone" }, exists), cancelRequested({ FERRY_CANCEL_FILE: "/tmp/there" }, exists)]).to.deep.equal([
      undefined, undefined, undefined, "the update was interrupted",
    ]);
  });

  describe("as serialized into the deployment", function () {
    this.timeout(30000);
    let provider: { create(inputs: object): Promise<{ id: string }> };
    before(async () => {
      const run = await runStack("prod");
      const check = run.one("pulumi-nodejs:dynamic/ferry:DeploymentCheck", "ferry-prod-web-deployment-check");
      const code = check.inputs.__provider as string;
      // Load the code the way the provider process does: a module next to the program's node_modules.
      const file = path.join(PROJECT_DIR, "deployment-check-provider.js");
      const m = new Module(file);
      m.filename = file;
      m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(PROJECT_DIR);
      (m as unknown as { _compile(code: string, file: string): void })._compile(code, file);
      provider = (m.exports as { handler: () => typeof provider }).handler();
    });
    const inputs = (scenario: Scenario) => ({
      cluster: "ferry-prod",
      service: "ferry-prod-web",
      taskDefinition: scenario.taskDefinition,
      capacity: "[]",
      region: "eu-west-1",
      timeoutMinutes: 1,
    });

    it("succeeds when ECS reports the deployment successful", async () => {
      const scenario = load("completed.json");
      serve(ecs, [scenario.polls[2]]);
      expect((await provider.create(inputs(scenario))).id).to.equal("ferry-prod-web:8");
    });

    it("stops at once when Ferry was interrupted (its cancel file exists), though ECS still deploys", async () => {
      const scenario = load("in-progress-at-timeout.json");
      serve(ecs, scenario.polls);
      const file = path.join(os.tmpdir(), `ferry-cancel-test-${process.pid}`);
      fs.writeFileSync(file, "interrupted\n");
      process.env.FERRY_CANCEL_FILE = file;
      try {
        // Not the timeout (a minute): the interrupt, noticed before the first wait.
        const err = await provider.create(inputs(scenario)).then(() => undefined, (e: Error) => e);
        expect(err?.message).to.contain("the deployment check stopped: the update was interrupted");
      } finally {
        delete process.env.FERRY_CANCEL_FILE;
        fs.rmSync(file, { force: true });
      }
    });

    it("fails the update with ECS's reason when the deployment was rolled back", async () => {
      const scenario = load("rolled-back-by-alarm.json");
      serve(ecs, [scenario.polls[1]]);
      const err = await provider.create(inputs(scenario)).then(() => undefined, (e: Error) => e);
      expect(err, "create must reject").to.be.instanceOf(Error);
      expect(err!.message).to.contain("was rolled back: alarm ferry-prod-web-5xx went off");
    });
  });
});
