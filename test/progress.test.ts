/**
 * What a person reads while a deploy runs, from engine events as the real CLI streams them (measured
 * with a real Pulumi CLI, see the README): debug diagnostics never, the deployment check's provider
 * log lines once and without the engine's prefixes, errors without the closing "update failed".
 */
import { expect } from "chai";
import { cliErrorSummary } from "../automation/adapters/pulumi";
import { diagnosticLine, progress } from "../cli/progress";

describe("progress shown from the engine's event stream", () => {
  const diag = (severity: string, message: string) => ({ diagnosticEvent: { severity, message } });
  // A dynamic provider's source, as the SDK's debug log carries it.
  const providerSource = `Serialized provider: exports.handler = function() { /* deployment check */ return { create: async () => ({}) }; }\n`;

  it("turns each diagnostic into a line, or nothing", () => {
    const cases: [string, string, string | undefined][] = [
      ["debug", providerSource, undefined],
      ["debug", "deployment check: ferry-staging-web: in progress", undefined],
      ["info", "info: [runtime] deployment check: ferry-staging-web: in progress at SCALE_UP\n\n", "deployment check: ferry-staging-web: in progress at SCALE_UP"],
      ["info", "info: [runtime] something else the SDK says\n", undefined],
      ["info#err", "x", undefined],
      ["warning", "warning: the task definition is large\n", "warning: the task definition is large"],
      ["error", "error: deployment of ferry-staging-web rolled back: circuit breaker\n", "error: deployment of ferry-staging-web rolled back: circuit breaker"],
      ["error", "error: update failed\n", undefined],
      ["error", "  \n", undefined],
    ];
    expect(cases.map(([severity, message]) => [severity, message, diagnosticLine({ severity, message })])).to.deep.equal(cases);
  });

  it("prints steps, changes and the check's progress once per stack, and nothing of the SDK's debug log", () => {
    let out = "";
    const sink = progress({ out: () => undefined, err: (t) => void (out += t) }, false);
    const engine = (event: object) => sink({ kind: "engine", stack: "staging", event } as never);
    sink({ kind: "step", stack: "staging", step: "update", message: "updating staging" });
    engine(diag("debug", providerSource));
    engine(diag("info", "info: [runtime] deployment check: ferry-staging-web: in progress at SCALE_UP\n\n"));
    engine(diag("debug", providerSource));
    engine(diag("info", "info: [runtime] deployment check: ferry-staging-web: in progress at SCALE_UP\n\n"));
    engine({ resOutputsEvent: { metadata: { op: "update", type: "aws:ecs/service:Service", urn: "urn:pulumi:staging::ferry::aws:ecs/service:Service::ferry-staging-web" } } });
    engine({ resOutputsEvent: { metadata: { op: "same", type: "aws:ecs/cluster:Cluster", urn: "urn:pulumi:staging::ferry::aws:ecs/cluster:Cluster::c" } } });
    engine(diag("error", "error: deployment of ferry-staging-web rolled back: circuit breaker\n"));
    engine(diag("error", "error: update failed\n"));
    sink({ kind: "warning", stack: "staging", message: "restored" });
    sink.done();
    expect(out.split("\n")).to.deep.equal([
      "[staging] update: updating staging",
      "  [staging] deployment check: ferry-staging-web: in progress at SCALE_UP",
      "  [staging] update aws:ecs/service:Service ferry-staging-web",
      "  [staging] error: deployment of ferry-staging-web rolled back: circuit breaker",
      "[staging] WARNING: restored",
      "",
    ]);
  });

  it("summarizes a failed CLI run by its errors, without the closing 'update failed'", () => {
    const cases: [string, string][] = [
      ["Updating (staging)\nerror: boom\nerror: update failed\n", "boom"],
      ["error: update failed\n", "update failed"],
      ["error: a\nerror: b\n", "a; b"],
      ["line 1\nline 2\nline 3\nline 4\n", "line 2; line 3; line 4"],
      ["", "the Pulumi CLI failed without a message"],
      ["warning: using pulumi-resource-aws from $PATH at /opt/bin/pulumi-resource-aws\n", "the Pulumi CLI failed without a message"],
    ];
    expect(cases.map(([stderr]) => [stderr, cliErrorSummary(stderr)])).to.deep.equal(cases);
  });

  it("takes a failed update's errors from its output when stderr has only warnings, as the real CLI prints them", () => {
    // Recorded from pulumi v3.274.1: a deployment check that could not reach ECS.
    const stderr = "warning: using pulumi-language-nodejs from $PATH at /work/test/engine/bin/pulumi-language-nodejs\n";
    const stdout = [
      "    pulumi:pulumi:Stack ferry-staging running warning: using pulumi-resource-aws from $PATH at /work/test/engine/bin/pulumi-resource-aws",
      " ~  pulumi-nodejs:dynamic/ferry:DeploymentCheck ferry-staging-worker-deployment-check updating (0s) [diff: ~taskDefinition]; error: connect ECONNREFUSED 127.0.0.1:9",
      " ~  pulumi-nodejs:dynamic/ferry:DeploymentCheck ferry-staging-worker-deployment-check **updating failed** [diff: ~taskDefinition]; error: connect ECONNREFUSED 127.0.0.1:9",
      "    pulumi:pulumi:Stack ferry-staging running error: update failed",
      "Diagnostics:",
      "  pulumi-nodejs:dynamic/ferry:DeploymentCheck (ferry-staging-worker-deployment-check):",
      "    error: connect ECONNREFUSED 127.0.0.1:9",
      "",
    ].join("\n");
    expect(cliErrorSummary(stderr, stdout)).to.equal("connect ECONNREFUSED 127.0.0.1:9");
  });
});
