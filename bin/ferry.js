#!/usr/bin/env node
// The `ferry` command. Loads the TypeScript sources transpile-only (type-checking is `npm run typecheck`).
"use strict";
const path = require("path");
require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.json") });
require("../cli/main")
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
