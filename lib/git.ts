/**
 * The commit a build is tagged with, read from git once at program start (read-only).
 * A tree with uncommitted changes gets a `-dirty-<hash of the changes>` suffix, so an immutable build
 * tag never names two different images, and the same dirty tree gives the same tag twice.
 */
import { execFileSync } from "child_process";
import { createHash } from "crypto";

export interface Commit {
  /** 12-hex short SHA, with `-dirty-<8 hex>` when the tree has uncommitted changes. */
  id: string;
  /** Commit time in seconds since the epoch: the build's SOURCE_DATE_EPOCH, so image timestamps are reproducible. */
  time: number;
}

export function currentCommit(dir: string): Commit {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  let sha: string;
  let time: number;
  try {
    sha = git("rev-parse", "--short=12", "HEAD").trim();
    time = Number(git("log", "-1", "--format=%ct").trim());
  } catch (err) {
    throw new Error(`cannot tag the image build: ${dir} is not a git checkout with a commit (${(err as Error).message.split("\n")[0]})`);
  }
  const status = git("status", "--porcelain", "--untracked-files=normal");
  if (status.trim() === "") return { id: sha, time };
  const changes = createHash("sha256").update(status).update(git("diff", "HEAD")).digest("hex").slice(0, 8);
  return { id: `${sha}-dirty-${changes}`, time };
}
