/**
 * Bundles a function entry with esbuild (kept outside components/ so one process bundles once, however
 * many times it runs the program: the offline plan and the tests run it many times). The bundle is
 * written to a file named by its digest, and deployed as a file asset: a stack's state keeps the
 * file's path and digest, never its megabyte of text (which would also pass gRPC's 4 MB messages of
 * Node.js providers once a stack has two functions).
 */
import { createHash } from "crypto";
import { buildSync } from "esbuild";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The bundled source of `functions/<entry>` (.ts from the sources, .js when compiled). */
function bundle(entry: string): string {
  const base = path.join(__dirname, entry);
  const file = [`${base}.ts`, `${base}.js`].find((f) => fs.existsSync(f));
  if (!file) throw new Error(`no function entry ${base}.ts or .js`);
  const out = buildSync({
    entryPoints: [file],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    write: false,
    legalComments: "none",
    minify: true,
    // Readable stack traces in the functions' logs.
    keepNames: true,
    sourcemap: false,
    logLevel: "silent",
  });
  return out.outputFiles[0].text;
}

const files = new Map<string, string>();

/** The bundle of `functions/<entry>` as a file (`<tmp>/ferry-functions/<sha256>.js`), written once per content. */
export function bundleFile(entry = "index"): string {
  let file = files.get(entry);
  if (file === undefined) {
    const code = bundle(entry);
    const dir = path.join(os.tmpdir(), "ferry-functions");
    file = path.join(dir, `${createHash("sha256").update(code).digest("hex")}.js`);
    if (!fs.existsSync(file)) {
      fs.mkdirSync(dir, { recursive: true });
      // Written aside and renamed: two programs bundling at once never read half a file.
      const partial = `${file}.${process.pid}`;
      fs.writeFileSync(partial, code);
      fs.renameSync(partial, file);
    }
    files.set(entry, file);
  }
  return file;
}
