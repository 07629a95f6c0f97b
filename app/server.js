// Ferry's sample service: a small HTTP server with a health endpoint and graceful shutdown.
// On SIGTERM (ECS stop, Fargate Spot interruption) it stops accepting connections, lets
// in-flight requests finish, and exits 0 before the task's stopTimeout.
"use strict";
const http = require("http");

const port = Number(process.env.PORT || 8080);
let shuttingDown = false;

const server = http.createServer((req, res) => {
  if (req.url === "/healthz") {
    res.writeHead(shuttingDown ? 503 : 200, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: shuttingDown ? "stopping" : "ok" }));
    return;
  }
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ service: "ferry-sample", arch: process.arch, path: req.url }));
});
server.keepAliveTimeout = 65000; // longer than the load balancer's 60 s idle timeout

function shutdown(signal) {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log(JSON.stringify({ msg: "shutting down", signal }));
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(1), Number(process.env.SHUTDOWN_TIMEOUT_MS || 25000)).unref();
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));

server.listen(port, () => console.log(JSON.stringify({ msg: "listening", port })));
