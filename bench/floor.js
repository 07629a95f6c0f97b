#!/usr/bin/env node
// The floor the offline plan is measured against (npm run bench): what any Pulumi program run under
// the mock runtime pays before doing anything of its own: load the Pulumi SDK, set mocks, load
// @pulumi/aws and register one resource.
"use strict";
const pulumi = require("@pulumi/pulumi");

pulumi.runtime
  .setMocks({ newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: (args) => args.inputs }, "floor", "floor", false)
  .then(() => {
    const aws = require("@pulumi/aws");
    new aws.s3.Bucket("floor").id.apply(() => undefined);
  });
