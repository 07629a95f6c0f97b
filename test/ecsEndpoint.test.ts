/**
 * The engine tests' ECS endpoint (test/engine/ecsEndpoint.ts) read through the real SDK adapter and
 * the deployment watch: each outcome a test can ask for is what the watch concludes, for the live
 * service the stand-in provider journaled (whatever its name), and approve/reject move a paused one.
 */
import { ECSClient } from "@aws-sdk/client-ecs";
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EcsDeployments } from "../aws/ecs";
import { isDeploymentFailure, watchDeployment } from "../lib/deploymentWatch";
import { EcsEndpoint, Outcome } from "./engine/ecsEndpoint";
import { FIXTURES } from "./support/paths";

describe("engine tests' ECS endpoint", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-ecs-endpoint-"));
  const journal = path.join(dir, "journal.jsonl");
  const endpoint = new EcsEndpoint(journal, path.join(FIXTURES, "ecs"));
  let reader: EcsDeployments;
  let revision = 0;
  const cluster = "ferry-prod-0c1d2e3";
  // The fixtures' own service name: the rewrite must not apply twice.
  const service = "ferry-prod-web";

  before(async () => {
    await endpoint.start();
    reader = new EcsDeployments(new ECSClient({ region: "eu-west-1", endpoint: endpoint.url, credentials: { accessKeyId: "testing", secretAccessKey: "testing" }, maxAttempts: 1 }));
  });
  after(() => endpoint.stop());

  /** A new task definition for the service, as the stand-in provider journals an update. */
  function deploy(): string {
    const taskDefinition = `arn:aws:ecs:eu-west-1:123456789012:task-definition/ferry-prod-web:${++revision}`;
    fs.appendFileSync(journal, `${JSON.stringify({ kind: "service", cluster: `arn:aws:ecs:eu-west-1:123456789012:cluster/${cluster}`, service, taskDefinition, region: "eu-west-1" })}\n`);
    return taskDefinition;
  }

  const watch = (taskDefinition: string, timeoutMs = 60000) =>
    watchDeployment({ reader, cluster, service, taskDefinition, since: new Date(0), timeoutMs, pollMs: 1, sleep: async () => undefined });

  const cases: [Outcome | undefined, string, string][] = [
    [undefined, "succeeded", "completed"],
    ["completed", "succeeded", "completed"],
    ["rolled-back-by-alarm", "failed", "alarm ferry-prod-web-5xx went off"],
    ["rolled-back-by-circuit-breaker", "failed", "the deployment circuit breaker tripped"],
    ["stopped", "failed", "was stopped"],
  ];
  for (const [outcome, state, says] of cases) {
    it(`${outcome ?? "no outcome asked for"}: the watch concludes ${state} (${says})`, async () => {
      if (outcome) endpoint.next("ferry-prod-web", outcome);
      const result = await watch(deploy()).then(
        (v) => ({ state: v.state, says: v.state === "failed" ? v.reason : v.detail }),
        (e: Error) => ({ state: isDeploymentFailure(e) ? e.verdict.state : "error", says: e.message }),
      );
      expect(result.state, result.says).to.equal(state);
      expect(result.says).to.contain(says);
    });
  }

  for (const [action, state, says] of [["CONTINUE", "succeeded", "completed"], ["ROLLBACK", "failed", "was rolled back"]] as const) {
    it(`paused: waits at the approval hook until ${action}, then ${state}; a second answer is refused`, async () => {
      endpoint.next("ferry-prod-web", "paused");
      const taskDefinition = deploy();
      const first = await watch(taskDefinition, 0).catch((e: Error) => e);
      expect(String(first)).to.contain("waiting for approval");
      const [paused] = await reader.paused(cluster, [service]);
      expect(paused).to.include({ service, hookId: "hook-7f3a" });
      await reader.continueDeployment(paused.deploymentArn, paused.hookId, action);
      const after = await watch(taskDefinition).then((v) => v.state, (e: Error) => (isDeploymentFailure(e) ? `${e.verdict.state}: ${e.message}` : String(e)));
      expect(after).to.contain(state);
      if (state === "failed") expect(after).to.contain(says);
      const again = await reader.continueDeployment(paused.deploymentArn, paused.hookId, action).then(() => "accepted", (e: Error) => e.name);
      expect(again).to.equal("InvalidParameterException");
    });
  }

  it("hanging: in progress however often it is asked", async () => {
    endpoint.next("ferry-prod-web", "hanging");
    const err = await watch(deploy(), 0).catch((e: Error) => e);
    expect(String(err)).to.contain("last state: in progress at SCALE_UP");
  });

  it("an outcome applies to the next deployment of a matching service only", async () => {
    endpoint.next("ferry-prod-worker", "stopped");
    expect((await watch(deploy())).state).to.equal("succeeded");
  });
});
