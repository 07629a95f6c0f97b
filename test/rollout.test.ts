/**
 * The rollout model (lib/rollout.ts): deploy and failure-detection seconds per service, as sums of
 * named terms; ECS's circuit-breaker threshold at its bounds; and the constants it models with are the
 * ones the components declare (a change to a health check moves the model too).
 */
import { expect } from "chai";
import { parseConfig, ServiceConfig } from "../config";
import { ALARM, circuitBreakerThreshold, DEREGISTRATION_DELAY_SECONDS, HEALTH_CHECK_GRACE_SECONDS, rollingBatch, serviceRollout, TARGET_HEALTH } from "../lib/rollout";
import { runProgram } from "../plan/run";
import { stackConfig } from "./harness";

/** A stack's services as parsed from its shipped file, with overrides. */
function services(stack: string, overrides: Record<string, unknown> = {}): ServiceConfig[] {
  const c = stackConfig(stack, overrides);
  return parseConfig(stack, c.values, c.secretKeys).services;
}
const named = (list: ServiceConfig[], name: string) => list.find((s) => s.name === name)!;

describe("the rollout model", () => {
  it("ECS's circuit-breaker threshold: half the desired count, at least 3, at most 200", () => {
    const cases: [number, number][] = [[0, 3], [1, 3], [6, 3], [7, 4], [8, 4], [399, 200], [400, 200], [401, 200]];
    expect(cases.map(([desired]) => circuitBreakerThreshold(desired))).to.deep.equal(cases.map(([, t]) => t));
  });

  it("a rolling deployment starts what minimum healthy and maximum percent leave room for, at least one task", () => {
    const cases: [number, number, number, number][] = [
      // desired, min healthy %, max %, batch
      [4, 100, 200, 4],
      [4, 50, 100, 2],
      [4, 50, 150, 4],
      [1, 100, 150, 1],
      [3, 100, 110, 1],
      [0, 100, 200, 1],
    ];
    for (const [desiredCount, minHealthyPercent, maxPercent, batch] of cases) {
      expect(rollingBatch({ desiredCount, deployment: { minHealthyPercent, maxPercent } }), `${desiredCount} ${minHealthyPercent}..${maxPercent}`).to.equal(batch);
    }
  });

  it("the shipped prod: the rolling worker deploys within 90 s; blue/green web adds its bake; each figure is the sum of its terms", () => {
    const prod = services("prod");
    const worker = serviceRollout(named(prod, "worker"));
    expect(worker.deployTerms).to.deep.equal([{ term: "task start (assumed)", seconds: 30 }, { term: "old tasks stopped (ECS stopTimeout)", seconds: 30 }]);
    expect(worker.deploySeconds).to.equal(60).and.to.be.at.most(90);
    // Threshold 3, two tasks at a time: two rounds of failing to start.
    expect([worker.detectFailureSeconds, worker.detectTerms[0].term]).to.deep.equal([60, "circuit breaker: 3 failed tasks, 2 rounds of 2"]);
    const web = serviceRollout(named(prod, "web"));
    expect(web.deployTerms.map((t) => t.seconds)).to.deep.equal([30, 10, TARGET_HEALTH.healthyThreshold * TARGET_HEALTH.intervalSeconds, 600, DEREGISTRATION_DELAY_SECONDS]);
    expect(web.deploySeconds).to.equal(690);
    // Blue/green has no circuit breaker: the alarms detect, after the new tasks take traffic.
    expect([web.detectFailureSeconds, web.detectTerms.at(-1)]).to.deep.equal([180, { term: "alarm: 2 breaching 60-s periods", seconds: ALARM.datapointsToAlarm * ALARM.periodSeconds }]);
    for (const r of [worker, web]) {
      expect(r.deploySeconds).to.equal(r.deployTerms.reduce((n, t) => n + t.seconds, 0));
      expect(r.detectFailureSeconds).to.equal(r.detectTerms.reduce((n, t) => n + t.seconds, 0));
    }
  });

  it("the shipped dev web: each term named, and the alarms detect a failure before three rounds of failing tasks would", () => {
    const web = serviceRollout(named(services("dev"), "web"));
    expect(web.deployTerms).to.deep.equal([
      { term: "task start (assumed)", seconds: 30 },
      { term: "container health check passes (start period, then one interval)", seconds: 10 },
      { term: "target healthy (2 checks 10 s apart)", seconds: 20 },
      { term: "old tasks drained (deregistration delay)", seconds: 30 },
    ]);
    expect(web.deploySeconds).to.equal(90);
    // The circuit breaker would need 3 rounds of (30 + 30 + 3 × 10) = 270 s; the alarms take 180 s.
    expect([web.detectFailureSeconds, web.detectTerms.at(-1)!.term]).to.deep.equal([180, "alarm: 2 breaching 60-s periods"]);
    const many = serviceRollout(named(services("dev", { services: { web: { port: 8080, desiredCount: 40, maxCount: 40 } } }), "web"));
    expect(many.detectTerms.map((t) => t.term)).to.deep.equal(["circuit breaker: 20 failed tasks, 1 round of 20", "task start (assumed), per round", "grace period, then unhealthy checks, per round"]);
  });

  it("waves: a rolling deployment that must stop tasks before it starts new ones takes a wave per batch", () => {
    const s = named(services("dev", { services: { worker: { command: ["node", "w.js"], desiredCount: 4, deployment: { strategy: "rolling", minHealthyPercent: 50, maxPercent: 100 } } } }), "worker");
    const r = serviceRollout(s);
    expect(r.deployTerms).to.deep.equal([
      { term: "task start (assumed) × 2 waves of 2", seconds: 60 },
      { term: "old tasks stopped (ECS stopTimeout) × 2 waves", seconds: 60 },
    ]);
  });

  it("linear and canary: the shift and bakes by AWS's formula", () => {
    const web = (deployment: object) => serviceRollout(named(services("dev", { services: { web: { port: 8080, deployment } } }), "web"));
    const shift = (deployment: object) => web(deployment).deployTerms.find((t) => t.term.startsWith("traffic shift"))!.seconds;
    expect(shift({ strategy: "linear", stepPercent: 25, stepBakeMinutes: 2, bakeMinutes: 5 })).to.equal((5 + 2 * 3) * 60);
    expect(shift({ strategy: "canary", canaryPercent: 10, canaryBakeMinutes: 4, bakeMinutes: 5 })).to.equal((5 + 4) * 60);
  });

  it("detection: the circuit breaker when it is faster, the alarms when they are, and the deployment check when nothing else watches", () => {
    const many = named(services("dev", { services: { web: { port: 8080, desiredCount: 40, maxCount: 40, deployment: { strategy: "rolling" } } } }), "web");
    // 20 failed tasks, all 40 started at once: one round of grace and unhealthy checks beats the alarms.
    expect(serviceRollout(many).detectTerms.map((t) => t.seconds)).to.deep.equal([0, 30, HEALTH_CHECK_GRACE_SECONDS + TARGET_HEALTH.unhealthyThreshold * TARGET_HEALTH.intervalSeconds]);
    const unwatched = named(services("dev", { services: { worker: { command: ["node", "w.js"], deployment: { strategy: "rolling", circuitBreaker: false, checkTimeoutMinutes: 20 } } } }), "worker");
    expect(serviceRollout(unwatched).detectTerms).to.deep.equal([{ term: "Ferry's deployment check times out", seconds: 1200 }]);
    const checked = named(services("dev", { services: { worker: { command: ["node", "w.js"], healthCheck: { command: ["CMD", "true"], startPeriod: 20, interval: 15, retries: 2 } } } }), "worker");
    // The container is healthy after its start period or its first interval, whichever is later.
    expect(serviceRollout(checked).deployTerms[1]).to.deep.equal({ term: "container health check passes (start period, then one interval)", seconds: 20 });
    expect(serviceRollout(checked).detectTerms.slice(1)).to.deep.equal([
      { term: "task start (assumed), per round", seconds: 90 },
      { term: "container health check failing, per round", seconds: 3 * (20 + 2 * 15) },
    ]);
  });

  it("the components declare what the model assumes: target health, drain, grace, alarm periods", async () => {
    const run = await runProgram("prod", stackConfig("prod"));
    const groups = run.resources.filter((r) => r.type === "aws:lb/targetGroup:TargetGroup");
    expect(groups.length).to.be.above(0);
    for (const g of groups) {
      const h = g.inputs.healthCheck as Record<string, unknown>;
      expect([h.interval, h.timeout, h.healthyThreshold, h.unhealthyThreshold, g.inputs.deregistrationDelay]).to.deep.equal([TARGET_HEALTH.intervalSeconds, TARGET_HEALTH.timeoutSeconds, TARGET_HEALTH.healthyThreshold, TARGET_HEALTH.unhealthyThreshold, DEREGISTRATION_DELAY_SECONDS]);
    }
    const web = run.resources.find((r) => r.type === "aws:ecs/service:Service" && r.name === "ferry-prod-web")!;
    expect(web.inputs.healthCheckGracePeriodSeconds).to.equal(HEALTH_CHECK_GRACE_SECONDS);
    const alarms = run.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && /-(5xx|unhealthy)(-green)?$/.test(r.name));
    expect(alarms.map((a) => [a.inputs.evaluationPeriods, a.inputs.datapointsToAlarm])).to.deep.equal(alarms.map(() => [ALARM.evaluationPeriods, ALARM.datapointsToAlarm]));
  });
});
