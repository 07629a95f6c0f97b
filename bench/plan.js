#!/usr/bin/env node
// npm run bench: the offline plan as a user runs it (`ferry plan --stack <stack> --json`, bin/ferry.js),
// against a floor measured in the same run (bench/floor.js: the Pulumi SDK and @pulumi/aws under
// mocks, one resource), then the unit suite's wall time.
//
// Rounds are paired: each runs the floor, then every stack, so a busy moment slows both sides. Reported
// per series: median and max wall time over BENCH_RUNS rounds (default 7), peak RSS; and the prod
// plan's median as a multiple of the floor's. Budgets: a plan under 3 s; goal: prod ≤ 1.5× the floor.
// Exits 1 when a budget or the goal is missed. BENCH_SUITE=0 skips the unit suite.
"use strict";
const { spawnSync } = require("child_process");
const path = require("path");
const { compiledIsCurrent } = require("../bin/compiled");

const root = path.join(__dirname, "..");
const runs = Number(process.env.BENCH_RUNS || 7);
const stacks = (process.env.BENCH_STACKS || "dev,staging,prod").split(",");
const PLAN_BUDGET_MS = 3000;
const GOAL_RATIO = 1.5;
const bin = path.join(root, "bin", "ferry.js");

/** Wall time (ms) and peak RSS (KiB) of `node <script> <args>`, read by the child itself. */
function measure(script, args) {
  const probe = `process.on("exit",()=>process.stderr.write("\\nRSS_KB="+process.resourceUsage().maxRSS));process.argv=[process.argv[0],${JSON.stringify(script)},...${JSON.stringify(args)}];require(${JSON.stringify(script)})`;
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["-e", probe], { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) {
    console.error(`${path.basename(script)} ${args.join(" ")} failed:\n${r.stderr}`);
    process.exit(1);
  }
  const kb = Number((/RSS_KB=(\d+)/.exec(r.stderr) || [0, 0])[1]);
  return { ms, kb };
}

const series = new Map([["floor", []], ...stacks.map((s) => [s, []])]);
for (let i = 0; i < runs; i++) {
  series.get("floor").push(measure(path.join(__dirname, "floor.js"), []));
  for (const stack of stacks) series.get(stack).push(measure(bin, ["plan", "--stack", stack, "--json"]));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = (name) => {
  const ms = series.get(name).map((m) => m.ms);
  return { median: median(ms), max: Math.max(...ms), peakMiB: Math.max(...series.get(name).map((m) => m.kb)) / 1024 };
};

let missed = false;
console.log(`ferry plan runs ${compiledIsCurrent() ? "the compiled dist/" : "the TypeScript sources with ts-node (dist/ is missing or older than the sources: npm run build)"}; ${runs} paired rounds`);
const floor = summary("floor");
console.log(`floor (SDK + @pulumi/aws under mocks, one resource): median ${floor.median.toFixed(0)} ms, max ${floor.max.toFixed(0)} ms, peak RSS ${floor.peakMiB.toFixed(0)} MiB`);
for (const stack of stacks) {
  const s = summary(stack);
  const ratio = s.median / floor.median;
  const over = s.max > PLAN_BUDGET_MS;
  const goal = stack === "prod" && ratio > GOAL_RATIO;
  missed = missed || over || goal;
  console.log(
    `plan --stack ${stack}: median ${s.median.toFixed(0)} ms (${ratio.toFixed(2)}× the floor), max ${s.max.toFixed(0)} ms, peak RSS ${s.peakMiB.toFixed(0)} MiB` +
      (over ? `  OVER BUDGET (${PLAN_BUDGET_MS} ms)` : "") +
      (goal ? `  OVER GOAL (${GOAL_RATIO}× the floor)` : ""),
  );
}

if (process.env.BENCH_SUITE !== "0") {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const start = process.hrtime.bigint();
  const r = spawnSync(npm, ["run", "test:unit", "--silent"], { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  const tests = /tests: (\d+) passed, (\d+) failed/.exec(r.stdout + r.stderr);
  console.log(`unit suite (npm run test:unit: tsc, then mocha): ${s.toFixed(1)} s${tests ? `, ${tests[1]} passed, ${tests[2]} failed` : ""}${r.status === 0 ? "" : `  FAILED (exit ${r.status})`}`);
  missed = missed || r.status !== 0;
}
process.exit(missed ? 1 : 0);
