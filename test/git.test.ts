/** The commit a build is tagged with: a dirty tree's tag changes with any change, untracked files included. */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GitRepo } from "../automation/adapters/git";
import { currentCommit } from "../lib/git";

describe("build commit of a checkout", () => {
  let dir: string;
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8" });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-git-"));
    git("init", "-q");
    fs.writeFileSync(path.join(dir, "app.js"), "one\n");
    fs.writeFileSync(path.join(dir, ".gitignore"), "ignored.log\n");
    git("add", "-A");
    git("-c", "user.email=f@example.com", "-c", "user.name=f", "commit", "-qm", "first");
  });

  it("is the 12-hex commit for a clean tree, with the commit time", () => {
    const c = currentCommit(dir);
    expect(c.id).to.equal(git("rev-parse", "--short=12", "HEAD").trim());
    expect(c.time).to.equal(Number(git("log", "-1", "--format=%ct").trim()));
  });

  it("changes with every edit of a tracked file, and repeats for the same tree", () => {
    fs.writeFileSync(path.join(dir, "app.js"), "two\n");
    const a = currentCommit(dir).id;
    expect(a).to.match(/^[0-9a-f]{12}-dirty-[0-9a-f]{8}$/);
    expect(currentCommit(dir).id).to.equal(a);
    fs.writeFileSync(path.join(dir, "app.js"), "three\n");
    expect(currentCommit(dir).id).not.to.equal(a);
  });

  it("changes with the contents of untracked files, in new folders too, and ignores ignored files", () => {
    fs.mkdirSync(path.join(dir, "src"));
    fs.writeFileSync(path.join(dir, "src", "new.js"), "first draft\n");
    const a = currentCommit(dir).id;
    fs.writeFileSync(path.join(dir, "src", "new.js"), "second draft\n");
    const b = currentCommit(dir).id;
    expect(b, "an untracked file's edit").not.to.equal(a);
    fs.writeFileSync(path.join(dir, "ignored.log"), "noise\n");
    expect(currentCommit(dir).id, "an ignored file").to.equal(b);
  });

  it("says what is wrong outside a checkout", () => {
    const bare = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-nogit-"));
    expect(() => currentCommit(bare)).to.throw(/cannot tag the image build: .* is not a git checkout with a commit/);
  });
});

describe("GitRepo: committing and pushing a stack file", () => {
  let root: string;
  const gitIn = (dir: string, ...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8" });
  const identity = (dir: string) => (gitIn(dir, "config", "user.email", "f@example.com"), gitIn(dir, "config", "user.name", "f"));
  let work: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-push-"));
    gitIn(root, "init", "-q", "--bare", "-b", "main", "remote.git");
    work = path.join(root, "work");
    fs.mkdirSync(work);
    gitIn(work, "init", "-q", "-b", "main");
    identity(work);
    fs.writeFileSync(path.join(work, "Pulumi.prod.yaml"), "config: {}\n");
    gitIn(work, "add", "-A");
    gitIn(work, "commit", "-qm", "first");
    gitIn(work, "remote", "add", "origin", path.join(root, "remote.git"));
    gitIn(work, "push", "-q", "-u", "origin", "main");
  });

  it("pushes the stack file's commit to the branch the checkout tracks", async () => {
    const repo = new GitRepo(work);
    expect(await repo.upstream()).to.equal("origin/main");
    fs.writeFileSync(path.join(work, "Pulumi.prod.yaml"), "config:\n  ferry:imageRef: x\n");
    const commit = await repo.commit("Pulumi.prod.yaml", "ferry: prod runs x");
    await repo.push();
    expect(gitIn(path.join(root, "remote.git"), "rev-parse", "--short=12", "main").trim()).to.equal(commit);
  });

  it("knows no upstream for a branch that tracks none", async () => {
    gitIn(work, "checkout", "-q", "-b", "topic");
    expect(await new GitRepo(work).upstream()).to.equal(undefined);
  });

  it("a push the remote rejects (someone pushed first) throws with git's reason", async () => {
    const other = path.join(root, "other");
    gitIn(root, "clone", "-q", path.join(root, "remote.git"), "other");
    identity(other);
    fs.writeFileSync(path.join(other, "README"), "x\n");
    gitIn(other, "add", "-A");
    gitIn(other, "commit", "-qm", "theirs");
    gitIn(other, "push", "-q");
    const repo = new GitRepo(work);
    fs.writeFileSync(path.join(work, "Pulumi.prod.yaml"), "config:\n  ferry:imageRef: y\n");
    await repo.commit("Pulumi.prod.yaml", "ferry: prod runs y");
    const err = await repo.push().then(() => undefined, (e: Error) => e);
    expect(err?.message).to.contain("rejected");
  });
});
