/**
 * The package internal tools install: built (`npm pack` runs `npm run build`), unpacked into a tool's
 * node_modules beside every runtime dependency but without ts-node or TypeScript, and used as a
 * person would: the documented example (examples/internal-tool.ts) is type-checked against the
 * package's declarations, compiled, and run as plain JavaScript, promoting and reading status through
 * the fake Pulumi CLI it names by path; the package's `ferry` bin runs without ts-node too.
 */
import { expect } from "chai";
import { execFile, execFileSync } from "child_process";
import { promisify } from "util";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "../plan/run";
import { FAKE_BIN, fakeEnv, project, ref, startFakes, stopFakes, twoStacks } from "./support/fakeCli";

// Async: the fake ECR answers from this process, so a synchronous child would wait on it forever.
const run = promisify(execFile);
const TSC = path.join(PROJECT_DIR, "node_modules", "typescript", "bin", "tsc");
/** Development tools the installed package must not need at run time. */
const DEV_ONLY = new Set(["ts-node", "typescript", ".bin", "ferry"]);

describe("the installable package", function () {
  this.timeout(120000);
  let tool: string;

  before(startFakes);
  after(stopFakes);
  before(() => {
    tool = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-tool-"));
    const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--loglevel=error", "--pack-destination", tool], { cwd: PROJECT_DIR, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }))[0];
    const modules = path.join(tool, "node_modules");
    fs.mkdirSync(modules);
    execFileSync("tar", ["-xzf", path.join(tool, packed.filename), "-C", modules]);
    fs.renameSync(path.join(modules, "package"), path.join(modules, "ferry"));
    for (const name of fs.readdirSync(path.join(PROJECT_DIR, "node_modules"))) {
      if (!DEV_ONLY.has(name)) fs.symlinkSync(path.join(PROJECT_DIR, "node_modules", name), path.join(modules, name));
    }
  });

  it("ships built JavaScript with type declarations, and no TypeScript sources or tests", () => {
    const pkg = path.join(tool, "node_modules", "ferry");
    for (const f of ["dist/automation/index.js", "dist/automation/index.d.ts", "dist/cli/main.js", "bin/ferry.js", "Pulumi.yaml"]) expect(fs.existsSync(path.join(pkg, f)), f).to.equal(true);
    expect(fs.existsSync(path.join(pkg, "cli", "main.ts"))).to.equal(false);
    expect(fs.existsSync(path.join(pkg, "test"))).to.equal(false);
  });

  it("runs the documented example: promote and status with typed results, without ts-node", async () => {
    const p = project(twoStacks());
    fs.copyFileSync(path.join(PROJECT_DIR, "examples", "internal-tool.ts"), path.join(tool, "internal-tool.ts"));
    // Type-checked against the installed declarations (strict), then plain JavaScript.
    execFileSync(process.execPath, [TSC, "--strict", "--target", "ES2022", "--module", "commonjs", "--esModuleInterop", "--skipLibCheck", "--types", "node", "--typeRoots", path.join(tool, "node_modules", "@types"), "internal-tool.ts"], { cwd: tool, encoding: "utf8" });
    const { stdout: out } = await run(process.execPath, ["internal-tool.js", p.dir], {
      cwd: tool,
      encoding: "utf8",
      // No fake on PATH: the tool names the Pulumi binary through createFerry({ pulumi }).
      env: { ...process.env, ...fakeEnv(p.statePath), TOOL_PULUMI: path.join(FAKE_BIN, "pulumi"), NODE_OPTIONS: "" },
    });
    expect(out).to.contain(`approve ${ref("d")} for staging (generation 3, 2 to update)? yes`);
    expect(out).to.contain("promotion: deployed, generation 3, exit code 0");
    expect(out).to.contain(`status staging: sha256:${"d".repeat(64)} generation 3`);
    expect(p.state().stacks.staging.outputs.imageRef).to.equal(ref("d"));
  });

  it("its ferry bin runs from the built JavaScript", async () => {
    const p = project(twoStacks());
    const { stdout: out } = await run(process.execPath, [path.join(tool, "node_modules", "ferry", "bin", "ferry.js"), "status", "--json"], {
      cwd: p.dir,
      encoding: "utf8",
      env: { ...process.env, ...fakeEnv(p.statePath), FERRY_PULUMI: path.join(FAKE_BIN, "pulumi") },
    });
    const doc = JSON.parse(out) as { stacks: { stack: string; generation?: number }[] };
    expect(doc.stacks.find((s) => s.stack === "staging")).to.deep.include({ generation: 2 });
  });
});
