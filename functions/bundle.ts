/**
 * Bundles a function entry with esbuild (kept outside components/ so one process bundles once, however
 * many times it runs the program: the offline plan and the tests run it many times). The bundle is
 * written to a file named by its digest, and deployed as a file asset: a stack's state keeps the
 * file's path and digest, never its megabyte of text (which would also pass gRPC's 4 MB messages of
 * Node.js providers once a stack has two functions).
 *
 * Bundling takes a fifth of a second, so a bundle is also remembered across processes: next to it, a
 * record of every file esbuild read (size and modification time). While none of them changed, the
 * same entry gives the same file without running esbuild; any change bundles again.
 */
import { createHash } from "crypto";
import { buildSync, version as esbuildVersion } from "esbuild";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Where bundles and their records are kept. */
export const BUNDLE_DIR = path.join(os.tmpdir(), "ferry-functions");

const BUILD_OPTIONS = {
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
} as const;

/** A bundle's code and every file it was made from. */
export interface Built {
  code: string;
  inputs: string[];
}

/**
 * The entry file of `functions/<entry>`: the TypeScript source when there is one (a checkout, even
 * when the program runs compiled, so both bundle the same code), else the compiled .js (a package).
 */
export function entryFile(entry: string, dir = __dirname): string {
  const candidates = [path.join(dir, `${entry}.ts`), path.join(dir, "..", "..", "functions", `${entry}.ts`), path.join(dir, `${entry}.js`)];
  const file = candidates.find((f) => fs.existsSync(f));
  if (!file) throw new Error(`no function entry ${candidates.join(" or ")}`);
  return file;
}

/** esbuild's bundle of `file`, with the files it read (the tsconfig.json it honours included). */
export function esbuild(file: string): Built {
  const workingDir = path.dirname(file);
  const out = buildSync({ ...BUILD_OPTIONS, entryPoints: [file], metafile: true, absWorkingDir: workingDir });
  const inputs = Object.keys(out.metafile!.inputs).map((p) => path.resolve(workingDir, p));
  const tsconfig = nearest(workingDir, "tsconfig.json");
  return { code: out.outputFiles[0].text, inputs: tsconfig ? [...inputs, tsconfig] : inputs };
}

function nearest(dir: string, name: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, name))) return path.join(d, name);
    if (path.dirname(d) === d) return undefined;
  }
}

interface BundleRecord {
  /** Each input's path → [size, mtime in ms]. */
  inputs: Record<string, [number, number]>;
  /** The bundle file's name in the bundle directory. */
  bundle: string;
}

const stamp = (file: string): [number, number] | undefined => {
  try {
    const s = fs.statSync(file);
    return [s.size, s.mtimeMs];
  } catch {
    return undefined;
  }
};

/** Writes `text` to `file` aside, then renames it: two programs at once never read half a file. */
function writeWhole(file: string, text: string): void {
  const partial = `${file}.${process.pid}`;
  fs.writeFileSync(partial, text);
  fs.renameSync(partial, file);
}

/**
 * The bundle of `file` in `dir`, from the record when no input changed since, else built by `build`
 * (and recorded). Returns the bundle's path (`<dir>/<sha256 of the code>.js`).
 */
export function cachedBundle(file: string, dir: string, build: (file: string) => Built = esbuild): string {
  const key = createHash("sha256").update(JSON.stringify({ file, esbuildVersion, BUILD_OPTIONS })).digest("hex").slice(0, 32);
  const recordFile = path.join(dir, `${key}.inputs.json`);
  try {
    const record = JSON.parse(fs.readFileSync(recordFile, "utf8")) as BundleRecord;
    const unchanged = Object.entries(record.inputs).every(([input, was]) => {
      const now = stamp(input);
      return now !== undefined && now[0] === was[0] && now[1] === was[1];
    });
    const bundle = path.join(dir, record.bundle);
    if (unchanged && fs.existsSync(bundle)) return bundle;
  } catch {
    // No record yet, or an unreadable one: bundle again.
  }
  const built = build(file);
  // Stamped right after the build; an input that vanished meanwhile leaves no record (bundled again next time).
  const stamps = new Map(built.inputs.map((input) => [input, stamp(input)] as const));
  const name = `${createHash("sha256").update(built.code).digest("hex")}.js`;
  const bundle = path.join(dir, name);
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(bundle)) writeWhole(bundle, built.code);
  const known = [...stamps].filter((e): e is [string, [number, number]] => e[1] !== undefined);
  if (known.length === stamps.size) writeWhole(recordFile, JSON.stringify({ inputs: Object.fromEntries(known), bundle: name } satisfies BundleRecord));
  return bundle;
}

const files = new Map<string, string>();

/** The bundle of `functions/<entry>` as a file (`<tmp>/ferry-functions/<sha256>.js`), made once per content. */
export function bundleFile(entry = "index"): string {
  let file = files.get(entry);
  if (file === undefined) {
    file = cachedBundle(entryFile(entry), BUNDLE_DIR);
    files.set(entry, file);
  }
  return file;
}
