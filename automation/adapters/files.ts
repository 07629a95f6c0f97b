/** The project's stack files on disk. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { knownStacks } from "../../config/stackConfig";
import { StackFilesPort } from "../ports";

export class ProjectFiles implements StackFilesPort {
  constructor(readonly dir: string) {}

  knownStacks(): string[] {
    return knownStacks(this.dir);
  }

  project(): string {
    return fs.readFileSync(path.join(this.dir, "Pulumi.yaml"), "utf8");
  }

  relativePath(stack: string): string {
    return `Pulumi.${stack}.yaml`;
  }

  read(stack: string): string {
    return fs.readFileSync(path.join(this.dir, this.relativePath(stack)), "utf8");
  }

  /** Written to a temporary file and renamed, so no reader ever sees half a stack file. */
  write(stack: string, text: string): void {
    const file = path.join(this.dir, this.relativePath(stack));
    const tmp = `${file}.${process.pid}.ferry-tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  }

  scratchCopy(stack: string, text: string): { path: string; dispose(): void } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ferry-${stack}-`));
    const file = path.join(dir, this.relativePath(stack));
    fs.writeFileSync(file, text);
    return { path: file, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
}

/** The nearest directory at or above `start` that holds a Pulumi.yaml. */
export function findProjectDir(start: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}
