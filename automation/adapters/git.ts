/** Git through its command line, in the project directory. */
import { execFile } from "child_process";
import { promisify } from "util";
import { RepoPort } from "../ports";

const run = promisify(execFile);

export class GitRepo implements RepoPort {
  constructor(readonly dir: string) {}

  private git(...args: string[]) {
    return run("git", args, { cwd: this.dir });
  }

  async hasUncommittedChanges(file: string): Promise<boolean | undefined> {
    try {
      await this.git("rev-parse", "--is-inside-work-tree");
    } catch {
      return undefined;
    }
    const { stdout } = await this.git("status", "--porcelain", "--", file);
    return stdout.trim() !== "";
  }

  async committedText(file: string): Promise<string | undefined> {
    try {
      // "./" names the path relative to the project directory, not the repository's root.
      return (await this.git("show", `HEAD:./${file}`)).stdout;
    } catch {
      return undefined;
    }
  }

  async upstream(): Promise<string | undefined> {
    try {
      return (await this.git("rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}")).stdout.trim() || undefined;
    } catch {
      return undefined;
    }
  }

  async push(): Promise<void> {
    // To the branch the current one tracks, by name, whatever push.default says.
    const branch = (await this.git("symbolic-ref", "--short", "HEAD")).stdout.trim();
    const remote = (await this.git("config", "--get", `branch.${branch}.remote`)).stdout.trim();
    const merge = (await this.git("config", "--get", `branch.${branch}.merge`)).stdout.trim();
    try {
      await this.git("push", "--quiet", remote, `HEAD:${merge}`);
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr?.trim();
      throw new Error(stderr || (err as Error).message);
    }
  }

  async commit(file: string, message: string): Promise<string> {
    await this.git("add", "--", file);
    // `commit -- <path>` commits only that path, whatever else is staged.
    await this.git("commit", "--quiet", "-m", message, "--", file);
    const { stdout } = await this.git("rev-parse", "--short=12", "HEAD");
    return stdout.trim();
  }
}
