// Ferry's sample worker: a background loop with no port, stopped gracefully by SIGTERM
// (ECS stop or Fargate Spot interruption): it finishes the job in hand and exits 0.
"use strict";

const intervalMs = Number(process.env.WORK_INTERVAL_MS || 5000);
let stopping = false;
let timer;

function work() {
  console.log(JSON.stringify({ msg: "job done", arch: process.arch, at: new Date().toISOString() }));
  if (!stopping) timer = setTimeout(work, intervalMs);
}

function stop(signal) {
  if (stopping) return;
  stopping = true;
  clearTimeout(timer);
  console.log(JSON.stringify({ msg: "stopping", signal }));
  process.exit(0);
}
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));

console.log(JSON.stringify({ msg: "worker started", intervalMs }));
work();
