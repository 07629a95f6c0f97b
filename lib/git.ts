/**
 * The commit a build is tagged with, read from git once at program start (read-only).
 * A tree with uncommitted changes gets a `-dirty-<hash of the changes>` suffix, so an immutable build
 * tag never names two different images, and the same dirty tree gives the same tag twice.
 */
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

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
  const status = git("status", "--porcelain", "--untracked-files=all");
  if (status.trim() === "") return { id: sha, time };
  return { id: `${sha}-dirty-${changesHash(dir, status, git("diff", "HEAD", "--binary"), untrackedFiles(git))}`, time };
}

/** Paths of untracked files that are not ignored, in a stable order. */
function untrackedFiles(git: (...args: string[]) => string): string[] {
  return git("ls-files", "--others", "--exclude-standard", "-z").split("\0").filter(Boolean).sort();
}

/**
 * What a dirty tree holds beyond its commit: the status, the diff of tracked files against HEAD, and
 * the path and contents of every untracked file (which no diff shows), so any edit changes the hash.
 */
export function changesHash(dir: string, status: string, diff: string, untracked: string[]): string {
  const h = createHash("sha256").update(status).update("\0").update(diff);
  for (const file of untracked) {
    h.update(`\0${file}\0`);
    try {
      h.update(fs.readFileSync(path.join(dir, file)));
    } catch {
      h.update("(unreadable)");
    }
  }
  return h.digest("hex").slice(0, 8);
}
