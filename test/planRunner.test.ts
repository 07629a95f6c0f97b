/**
 * What keeps the offline plan fast without changing what it says: the compiled dist/ when it is
 * current, the functions' bundle remembered across processes, providers not serialized by the plan
 * (in the order a serialized run has), each module loaded once per plan.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { PROJECT_DIR, PROVIDER_CODE_NOT_SERIALIZED, runProgram } from "../plan/run";
import { stackConfig } from "./harness";
import { Built, cachedBundle, entryFile } from "../functions/bundle";

/* eslint-disable @typescript-eslint/no-require-imports */
const { compiledIsCurrent, SOURCE_DIRS } = require(path.join(PROJECT_DIR, "bin", "compiled.js")) as { compiledIsCurrent(root?: string): boolean; SOURCE_DIRS: string[] };
/* eslint-enable @typescript-eslint/no-require-imports */

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "ferry-runner-"));
const write = (file: string, text: string, mtime?: number) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  if (mtime !== undefined) fs.utimesSync(file, mtime, mtime);
};

describe("bin/ferry.js runs dist/ only while it is current", () => {
  it("checks every folder the package builds (tsconfig.build.json's include)", () => {
    const include = (parse(fs.readFileSync(path.join(PROJECT_DIR, "tsconfig.build.json"), "utf8")) as { include: string[] }).include;
    expect(include.filter((i) => i !== "index.ts").map((i) => i.replace("/**/*.ts", "")).sort()).to.deep.equal([...SOURCE_DIRS].sort());
  });

  it("is current when each source has an output no older than it; not when one is missing or older", () => {
    const root = tempDir();
    write(path.join(root, "index.ts"), "", 1000);
    write(path.join(root, "cli", "main.ts"), "", 1000);
    write(path.join(root, "lib", "deep", "x.ts"), "", 1000);
    write(path.join(root, "lib", "types.d.ts"), "", 5000); // declarations are not built
    write(path.join(root, "dist", "index.js"), "", 2000);
    write(path.join(root, "dist", "cli", "main.js"), "", 2000);
    expect(compiledIsCurrent(root), "lib/deep/x.ts not built").to.equal(false);
    write(path.join(root, "dist", "lib", "deep", "x.js"), "", 1000);
    expect(compiledIsCurrent(root), "built in the same instant").to.equal(true);
    fs.utimesSync(path.join(root, "lib", "deep", "x.ts"), 3000, 3000);
    expect(compiledIsCurrent(root), "edited since").to.equal(false);
    fs.rmSync(path.join(root, "cli", "main.ts"));
    expect(compiledIsCurrent(root), "an installed package has no sources").to.equal(true);
  });
});

describe("the functions' bundle, remembered across processes", () => {
  const fake = (inputs: string[], code: string) => {
    let builds = 0;
    const build = (): Built => {
      builds++;
      return { code, inputs };
    };
    return { build, builds: () => builds };
  };

  it("bundles once while no input changes; again when one does, or when the bundle or its record is gone", () => {
    const dir = tempDir();
    const src = tempDir();
    const a = path.join(src, "a.ts");
    const b = path.join(src, "b.ts");
    write(a, "export const a = 1;");
    write(b, "export const b = 2;");
    const f = fake([a, b], "bundle one");
    const first = cachedBundle(a, dir, f.build);
    expect(fs.readFileSync(first, "utf8")).to.equal("bundle one");
    expect(path.basename(first)).to.match(/^[0-9a-f]{64}\.js$/);
    expect(cachedBundle(a, dir, f.build)).to.equal(first);
    expect(f.builds()).to.equal(1);

    write(b, "export const b = 3;"); // a different size
    expect(cachedBundle(a, dir, f.build)).to.equal(first);
    expect(f.builds(), "an input changed").to.equal(2);

    fs.utimesSync(b, new Date(Date.now() + 5000), new Date(Date.now() + 5000)); // same size, newer
    cachedBundle(a, dir, f.build);
    expect(f.builds(), "an input touched").to.equal(3);

    fs.rmSync(first);
    expect(fs.readFileSync(cachedBundle(a, dir, f.build), "utf8")).to.equal("bundle one");
    expect(f.builds(), "the bundle deleted").to.equal(4);

    for (const record of fs.readdirSync(dir).filter((x) => x.endsWith(".inputs.json"))) fs.writeFileSync(path.join(dir, record), "{not json");
    cachedBundle(a, dir, f.build);
    expect(f.builds(), "an unreadable record").to.equal(5);
    cachedBundle(a, dir, f.build);
    expect(f.builds(), "recorded again").to.equal(5);
  });

  it("keeps no record when an input it read is gone, so the next run bundles again", () => {
    const dir = tempDir();
    const f = fake([path.join(tempDir(), "vanished.ts")], "code");
    cachedBundle("/x/entry.ts", dir, f.build);
    cachedBundle("/x/entry.ts", dir, f.build);
    expect(f.builds()).to.equal(2);
  });

  it("bundles the TypeScript entry of a checkout, also when running compiled", () => {
    expect(entryFile("index", path.join(PROJECT_DIR, "functions"))).to.equal(path.join(PROJECT_DIR, "functions", "index.ts"));
    expect(entryFile("index", path.join(PROJECT_DIR, "dist", "functions"))).to.equal(path.join(PROJECT_DIR, "functions", "index.ts"));
    const installed = path.join(tempDir(), "node_modules", "ferry", "dist", "functions");
    write(path.join(installed, "index.js"), "");
    expect(entryFile("index", installed)).to.equal(path.join(installed, "index.js"));
    expect(() => entryFile("nothing", installed)).to.throw("no function entry");
  });
});

describe("the plan does not serialize providers", function () {
  this.timeout(60000);

  it("declares the same resources in the same order as a run that serializes them, and puts the serializer back", async () => {
    const serialized = await runProgram("prod", stackConfig("prod"));
    const plain = await runProgram("prod", stackConfig("prod"), { serializeProviders: false });
    const key = (r: { type: string; name: string }) => `${r.type}::${r.name}`;
    expect(plain.resources.map(key)).to.deep.equal(serialized.resources.map(key));
    const inputsOf = (run: typeof plain) => run.resources.map((r) => JSON.stringify({ ...r.inputs, __provider: undefined }));
    expect(inputsOf(plain)).to.deep.equal(inputsOf(serialized));
    const checks = plain.resources.filter((r) => r.type === "pulumi-nodejs:dynamic/ferry:DeploymentCheck");
    expect(checks.map((c) => c.inputs.__provider)).to.deep.equal([PROVIDER_CODE_NOT_SERIALIZED, PROVIDER_CODE_NOT_SERIALIZED]);
    // The process's own serializer is the real one again.
    const again = await runProgram("prod", stackConfig("prod"));
    expect(again.resources.find((r) => r.type === "pulumi-nodejs:dynamic/ferry:DeploymentCheck")!.inputs.__provider).to.be.a("string").and.contain("watchDeployment");
  });
});
