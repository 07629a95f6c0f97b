/** Running `ferry` in-process, as the plan tests do, and throwaway stack files for `--config-file`. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../cli/main";

/** Runs `ferry <args>` through the CLI's entry point with a recording terminal. */
export async function ferry(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

/** A stack file `Pulumi.broken.yaml` with this text, in a new temporary folder. */
export function tempStackFile(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-plan-"));
  const file = path.join(dir, "Pulumi.broken.yaml");
  fs.writeFileSync(file, text);
  return file;
}
