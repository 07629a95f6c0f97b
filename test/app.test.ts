/**
 * The sample app, run locally as the container runs it: serves its health endpoint, answers 503 while
 * draining, and exits 0 on SIGTERM (ECS stop or Fargate Spot interruption).
 */
import { expect } from "chai";
import { ChildProcess, spawn } from "child_process";
import * as http from "http";
import * as net from "net";
import * as path from "path";
import { PROJECT_DIR } from "../plan/run";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

function get(port: number, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: urlPath, agent: false }, (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

function waitForLine(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`no "${text}" from the app; got: ${seen}`)), 10000);
    child.stdout!.on("data", (c) => {
      seen += c;
      if (seen.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

function healthcheck(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    spawn(process.execPath, [path.join(PROJECT_DIR, "app", "healthcheck.js")], { env: { ...process.env, PORT: String(port) }, stdio: "ignore" }).on("exit", resolve);
  });
}

describe("sample app", function () {
  this.timeout(20000);

  it("serves /healthz and exits cleanly on SIGTERM", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [path.join(PROJECT_DIR, "app", "server.js")], { env: { ...process.env, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] });
    try {
      await waitForLine(child, '"listening"');
      const health = await get(port, "/healthz");
      expect(health.status).to.equal(200);
      expect(JSON.parse(health.body)).to.deep.equal({ status: "ok" });
      expect(JSON.parse((await get(port, "/anything")).body)).to.include({ service: "ferry-sample", path: "/anything" });

      expect(await healthcheck(port), "healthcheck.js while serving").to.equal(0);

      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
      child.kill("SIGTERM");
      expect(await exited).to.deep.equal({ code: 0, signal: null });
      expect(await healthcheck(port), "healthcheck.js once stopped").to.equal(1);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("runs the worker loop and exits cleanly on SIGTERM", async () => {
    const child = spawn(process.execPath, [path.join(PROJECT_DIR, "app", "worker.js")], { env: { ...process.env, WORK_INTERVAL_MS: "50" }, stdio: ["ignore", "pipe", "pipe"] });
    try {
      await waitForLine(child, '"job done"');
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      expect(await exited).to.equal(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
