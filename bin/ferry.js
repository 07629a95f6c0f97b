#!/usr/bin/env node
// The `ferry` command. From a checkout it runs the TypeScript sources transpile-only (type-checking is
// `npm run typecheck`); from the built package (`npm run build`, dist/) it runs JavaScript, without ts-node.
"use strict";
const fs = require("fs");
const path = require("path");
const root = path.join(__dirname, "..");
let cli;
if (fs.existsSync(path.join(root, "cli", "main.ts"))) {
  require("ts-node").register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
  cli = require("../cli/main");
} else {
  cli = require("../dist/cli/main");
}
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
