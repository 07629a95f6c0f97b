#!/usr/bin/env node
// Measures the offline plan as a user runs it: wall time and peak memory of
// `ferry plan --stack <stack> --json`, over several runs. Budget: under 3 s per prod plan.
"use strict";
const { spawnSync } = require("child_process");
const path = require("path");

const runs = Number(process.env.BENCH_RUNS || 5);
const stacks = (process.env.BENCH_STACKS || "dev,staging,prod").split(",");
const budgetMs = 3000;
const bin = path.join(__dirname, "..", "bin", "ferry.js");
let over = false;

for (const stack of stacks) {
  const times = [];
  let peakKb = 0;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    // /usr/bin/time is not everywhere: read the child's peak RSS from Node itself.
    const r = spawnSync(process.execPath, ["-e", `process.on("exit",()=>process.stderr.write("\\nRSS_KB="+Math.round(process.resourceUsage().maxRSS)));process.argv=[process.argv[0],${JSON.stringify(bin)},"plan","--stack",${JSON.stringify(stack)},"--json"];require(${JSON.stringify(bin)})`], { encoding: "utf8" });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) {
      console.error(`plan --stack ${stack} failed:\n${r.stderr}`);
      process.exit(1);
    }
    times.push(ms);
    const m = /RSS_KB=(\d+)/.exec(r.stderr);
    if (m) peakKb = Math.max(peakKb, Number(m[1]));
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const max = times[times.length - 1];
  if (max > budgetMs) over = true;
  console.log(`plan --stack ${stack}: median ${median.toFixed(0)} ms, max ${max.toFixed(0)} ms over ${runs} runs, peak RSS ${(peakKb / 1024).toFixed(0)} MiB${max > budgetMs ? `  OVER BUDGET (${budgetMs} ms)` : ""}`);
}
process.exit(over ? 1 : 0);
