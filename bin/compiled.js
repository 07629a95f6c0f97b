// Whether bin/ferry.js can run the compiled dist/: every TypeScript source the package builds has its
// output there, written no earlier than the source. `npm run bench` reports which one ran.
"use strict";
const fs = require("fs");
const path = require("path");
const ROOT = path.join(__dirname, "..");

/** The TypeScript sources the package builds (tsconfig.build.json's include). */
const SOURCE_DIRS = ["automation", "aws", "cli", "components", "config", "functions", "lib", "network", "pipeline", "plan", "policy"];

/** Whether the source `rel` has its dist/ output, written no earlier than the source. */
function built(root, rel) {
  const out = fs.statSync(path.join(root, "dist", rel.replace(/\.ts$/, ".js")), { throwIfNoEntry: false });
  return out !== undefined && out.mtimeMs >= fs.statSync(path.join(root, rel)).mtimeMs;
}

/** Whether every source under `dir` is built. */
function current(root, dir) {
  if (!fs.existsSync(path.join(root, dir))) return true;
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).every((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) return current(root, rel);
    return !entry.name.endsWith(".ts") || entry.name.endsWith(".d.ts") || built(root, rel);
  });
}

/** Whether `root` (the project) can run its compiled dist/: true for an installed package, which has no sources. */
function compiledIsCurrent(root = ROOT) {
  if (!fs.existsSync(path.join(root, "cli", "main.ts"))) return true;
  return built(root, "index.ts") && SOURCE_DIRS.every((dir) => current(root, dir));
}

module.exports = { compiledIsCurrent, SOURCE_DIRS };
