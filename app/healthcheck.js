// Container health check for the web service: exit 0 when /healthz answers 200 (no curl in the image).
"use strict";
const http = require("http");

const req = http.get({ host: "127.0.0.1", port: Number(process.env.PORT || 8080), path: "/healthz", timeout: 3000 }, (res) => {
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on("timeout", () => req.destroy(new Error("timeout")));
req.on("error", () => process.exit(1));
