#!/usr/bin/env node
// The `ferry` command. It runs the compiled JavaScript in dist/ (`npm run build`, which `npm ci` runs
// as `prepare`) while every TypeScript source has an output at least as new; from a checkout with a
// missing or older dist/ (sources edited since) it runs the sources transpile-only with ts-node
// (type-checking is `npm run typecheck`). An installed package has dist/ only.
"use strict";
const path = require("path");
const { compiledIsCurrent } = require("./compiled");

let cli;
if (compiledIsCurrent()) {
  cli = require("../dist/cli/main");
} else {
  require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.json") });
  cli = require("../cli/main");
}
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
