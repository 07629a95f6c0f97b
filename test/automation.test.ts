/**
 * Promotion, rollback, status and approval against in-memory ports: the decisions (generations,
 * rollback targets, gates, exit codes) and the consistency rules (nothing changes before a refusal,
 * the stack file is put back after one, bookkeeping never undoes a deploy).
 */
import { expect } from "chai";
import { createFerry } from "../automation";
import { exitCodeFor, messages, nextGeneration, parseImageRef, parseImages, parseMessage, releases, rollbackTarget, runningImages, scanGate, shortDigest } from "../automation/decisions";
import { sourceImages } from "../automation/promote";
import { describeChanges } from "../automation/deploy";
import * as os from "os";
import { NotStartedError, OperationFailedError, PromotionRunningError, RefusedError, StackLockedError } from "../automation/errors";
import { encodeLease } from "../automation/lease";
import type { FerryEvent } from "../automation/events";
import type { UpdateRecord } from "../automation/ports";
import { setStackImages, setStackValue } from "../lib/stackFile";
import { memoryPorts, MemoryStack, ref, REPO } from "./support/memoryPorts";

const yes = async () => true;
const no = async () => false;

const update = (message: string, result = "succeeded", minute = 0): UpdateRecord => ({
  kind: "update",
  result,
  message,
  startTime: `2026-11-2${minute}T10:00:00.000Z`,
  endTime: `2026-11-2${minute}T10:05:00.000Z`,
});

/** dev runs ref("d"); staging ran generations 1 (ref a) and 2 (ref b) and runs b. */
function world(overrides: Partial<Record<string, MemoryStack>> = {}) {
  const stacks: Record<string, MemoryStack> = {
    dev: { outputs: { imageRef: ref("d") }, history: [] },
    staging: {
      outputs: { imageRef: ref("b"), clusterName: "ferry-staging-c", serviceNames: { web: "ferry-staging-web-x", worker: "ferry-staging-worker-y" } },
      history: [update(messages.promote(ref("b"), "dev", 2), "succeeded", 2), update(messages.promote(ref("a"), "dev", 1), "succeeded", 1)],
    },
    prod: { outputs: undefined, history: [] },
    ...overrides,
  } as Record<string, MemoryStack>;
  const ports = memoryPorts(stacks);
  ports.files.write("staging", setStackValue(ports.files.read("staging"), "ferry:imageRef", ref("b")));
  ports.stacks.log = [];
  const events: FerryEvent[] = [];
  return { ports, ferry: createFerry({ workDir: "/nowhere", ports }), events, onEvent: (e: FerryEvent) => events.push(e) };
}

async function refusal(p: Promise<unknown>): Promise<RefusedError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err, "a refusal").to.be.instanceOf(RefusedError);
  return err as RefusedError;
}

describe("automation", () => {
  describe("decisions", () => {
    it("writes and reads back its own update messages", () => {
      expect(parseMessage(messages.promote(ref("a"), "dev", 7))).to.deep.equal({ action: "promote", ref: ref("a"), from: "dev", generation: 7 });
      expect(parseMessage(messages.rollback(ref("a"), 3))).to.deep.equal({ action: "rollback", ref: ref("a"), generation: 3 });
      expect(parseMessage(messages.restore(ref("a"), "promotion of generation 4"))).to.deep.equal({ action: "restore", ref: ref("a") });
      expect(parseMessage("manual fix")).to.equal(undefined);
    });

    it("numbers generations from succeeded promotions only; rollbacks refresh when a generation was last deployed", () => {
      const history = [
        update(messages.rollback(ref("a"), 1), "succeeded", 5),
        update(messages.promote(ref("c"), "dev", 3), "failed", 4),
        update(messages.promote(ref("b"), "dev", 2), "succeeded", 3),
        update("pulumi up by hand", "succeeded", 2),
        update(messages.promote(ref("a"), "dev", 1), "succeeded", 1),
      ];
      expect(nextGeneration(history)).to.equal(3);
      expect(releases(history).map((r) => [r.generation, r.digest.slice(7, 8), r.deployedAt])).to.deep.equal([
        [2, "b", "2026-11-23T10:05:00.000Z"],
        [1, "a", "2026-11-25T10:05:00.000Z"],
      ]);
      expect(nextGeneration([])).to.equal(1);
    });

    const all = releases([update(messages.promote(ref("c"), "dev", 3)), update(messages.promote(ref("b"), "dev", 2)), update(messages.promote(ref("a"), "dev", 1))]);
    const targets: { running?: string; to?: string | number; gen?: number; refuses?: string }[] = [
      { running: ref("c"), gen: 2 },
      { running: ref("b"), gen: 1 },
      { running: ref("a"), refuses: "no earlier generation" },
      { running: ref("e"), gen: 3 },
      { running: ref("c"), to: 1, gen: 1 },
      { running: ref("c"), to: "2", gen: 2 },
      { running: ref("c"), to: `sha256:${"a".repeat(64)}`, gen: 1 },
      { running: ref("c"), to: ref("b"), gen: 2 },
      { running: ref("c"), to: 9, refuses: "has no generation 9 (generations: 3, 2, 1)" },
      { running: ref("c"), to: `sha256:${"f".repeat(64)}`, refuses: "is not a release of stack" },
      { running: ref("c"), to: "latest", refuses: "neither a generation number nor a digest" },
    ];
    for (const t of targets) {
      it(`rollback target: running ${t.running?.slice(-3)}, --to ${t.to ?? "(previous)"} → ${t.gen ?? `refused (${t.refuses})`}`, () => {
        if (t.refuses) expect(() => rollbackTarget("staging", all, t.running, t.to)).to.throw(RefusedError, t.refuses);
        else expect(rollbackTarget("staging", all, t.running, t.to).generation).to.equal(t.gen);
      });
    }

    it("scan gate: refuses CRITICAL unless allowed, fails closed when findings cannot be read", () => {
      expect(scanGate({ counts: { HIGH: 2 }, images: 2 }, { allowCritical: false }).pass).to.equal(true);
      const critical = scanGate({ counts: { CRITICAL: 1, HIGH: 2 }, images: 2 }, { allowCritical: false });
      expect(critical).to.deep.equal({ pass: false, reason: "the image has 1 CRITICAL finding (1 CRITICAL, 2 HIGH); fix them, or pass --allow-critical to promote anyway" });
      expect(scanGate({ counts: { CRITICAL: 1 }, images: 2 }, { allowCritical: true }).pass).to.equal(true);
      const unreadable = scanGate(new Error("the scan of sha256:… is IN_PROGRESS"), { allowCritical: true });
      expect(unreadable).to.deep.equal({ pass: false, reason: "the image's scan findings cannot be read, and the scan gate is on, so it fails closed: the scan of sha256:… is IN_PROGRESS" });
    });

    describe("rollback targets, generations and images, case by case", () => {
      // Generation 3 (c) runs; 2 (b) was restored once; 9 (e) failed; 1 (a).
      const h = [update(messages.promote(ref("c"), "dev", 3)), update(messages.restore(ref("b"), "x")), update(messages.promote(ref("b"), "dev", 2)), update(messages.promote(ref("e"), "dev", 9), "failed"), update(messages.promote(ref("a"), "dev", 1))];
      const all = releases(h);
      const outcome = (f: () => { generation: number } | unknown) => {
        try {
          const r = f();
          return typeof r === "object" && r !== null && "generation" in r ? (r as { generation: number }).generation : r;
        } catch (err) {
          return (err as Error).message;
        }
      };
      const gens = "(generations: 3, 2, 1)";
      const cases: [string | undefined, string | number | undefined, number | string][] = [
        [ref("c"), undefined, 2],
        [ref("b"), undefined, 1],
        [ref("a"), undefined, `stack "staging" runs generation 1; there is no earlier generation to roll back to ${gens}`],
        [ref("f"), undefined, 3], // running something that is not a release: the newest release
        [undefined, undefined, 3],
        [ref("c"), 2, 2],
        [ref("c"), "2", 2],
        [ref("c"), "7", `stack "staging" has no generation 7 ${gens}`],
        [ref("c"), `sha256:${"b".repeat(64)}`, 2],
        [ref("c"), ref("a"), 1],
        [ref("c"), `sha256:${"f".repeat(64)}`, `sha256:${"f".repeat(64)} is not a release of stack "staging"; promote it instead ${gens}`],
        [ref("c"), "latest", `--to "latest" is neither a generation number nor a digest (sha256:<64 hex>)`],
        [ref("c"), "2x", `--to "2x" is neither a generation number nor a digest (sha256:<64 hex>)`],
        [ref("c"), `x sha256:${"a".repeat(64)} y`, `--to "x sha256:${"a".repeat(64)} y" is neither a generation number nor a digest (sha256:<64 hex>)`],
      ];
      it("rollback: the generation before the running one, a number, or a digest of a release", () => {
        expect(all.map((r) => r.generation)).to.deep.equal([3, 2, 1]);
        expect(cases.map(([running, to]) => [running, to, outcome(() => rollbackTarget("staging", all, running, to))])).to.deep.equal(cases);
        expect(outcome(() => rollbackTarget("staging", [], ref("c")))).to.equal(`stack "staging" has no releases to roll back to (Ferry has not promoted to it yet)`);
      });

      it("next generation: above history and the remembered tag, a tag that is not a number is ignored", () => {
        const remembered: [string | undefined, number][] = [[undefined, 4], ["", 4], ["7", 8], ["x7", 4], ["7x", 4], ["12", 13], ["2", 4]];
        expect(remembered.map(([r]) => [r, nextGeneration(h, r)])).to.deep.equal(remembered);
      });

      it("what a stack runs and what it offers for promotion, from its outputs", () => {
        const running: [Record<string, unknown>, unknown][] = [
          [{ imageRefs: { default: ref("a") }, imageRef: ref("b") }, { default: ref("a") }],
          [{ imageRefs: {}, imageRef: ref("b") }, { default: ref("b") }],
          [{ imageRefs: [ref("a")], imageRef: ref("b") }, { default: ref("b") }],
          [{ imageRefs: null, imageRef: ref("b") }, { default: ref("b") }],
          [{ imageRef: 3 }, undefined],
          [{}, undefined],
        ];
        expect(running.map(([o]) => [o, runningImages(o)])).to.deep.equal(running);
        const notAMap = `stack "dev" has an imageRefs output that is not a map of target to image`;
        const offered: [Record<string, unknown>, unknown][] = [
          [{ imageRefs: { default: ref("a"), worker: ref("b") } }, { default: ref("a"), worker: ref("b") }],
          [{ imageRef: ref("b") }, { default: ref("b") }],
          [{ imageRefs: {} }, notAMap],
          [{ imageRefs: [ref("a")] }, notAMap],
          [{ imageRefs: "x" }, notAMap],
          [{ imageRefs: null }, notAMap],
          [{}, `stack "dev" has no imageRef output to promote`],
          [{ imageRef: "ferry:latest" }, `the image of target "default" of "dev" is "ferry:latest", not an image pinned by digest (<repository>@sha256:<64 hex>)`],
        ];
        expect(offered.map(([o]) => [o, outcome(() => sourceImages("dev", o))])).to.deep.equal(offered);
      });

      it("image references: only digests, said plainly", () => {
        const pinned = "not an image pinned by digest (<repository>@sha256:<64 hex>)";
        expect(outcome(() => parseImages(3, "the image"))).to.equal(`the image is 3, ${pinned}`);
        expect(outcome(() => parseImages("x", "the image"))).to.equal(`the image: "x" is ${pinned}`);
        expect(outcome(() => parseImageRef(3, "the image"))).to.equal(`the image is 3, ${pinned}`);
        expect(parseImageRef(ref("a"), "x")).to.deep.equal({ repository: REPO, digest: `sha256:${"a".repeat(64)}` });
        expect([shortDigest(`sha256:${"a".repeat(64)}`), shortDigest(`xsha256:${"a".repeat(64)}`)]).to.deep.equal(["a".repeat(12), "xsha256:aaaa"]);
      });

      it("scan gate notes and refusals, word for word", () => {
        const gate = (counts: Record<string, number>, allowCritical: boolean) => scanGate({ images: 2, counts } as never, { allowCritical });
        expect([gate({ HIGH: 1, LOW: 0 }, false), gate({}, false), gate({ CRITICAL: 1 }, false), gate({ CRITICAL: 2, HIGH: 1 }, false), gate({ CRITICAL: 2, HIGH: 1 }, true)]).to.deep.equal([
          { pass: true, note: "scan findings over 2 platform image(s): 1 HIGH" },
          { pass: true, note: "scan findings over 2 platform image(s): none" },
          { pass: false, reason: "the image has 1 CRITICAL finding (1 CRITICAL); fix them, or pass --allow-critical to promote anyway" },
          { pass: false, reason: "the image has 2 CRITICAL findings (2 CRITICAL, 1 HIGH); fix them, or pass --allow-critical to promote anyway" },
          { pass: true, note: "scan findings over 2 platform image(s): 2 CRITICAL, 1 HIGH (CRITICAL allowed by --allow-critical)" },
        ]);
      });
    });

    it("maps outcomes to exit codes", () => {
      expect(["deployed", "unchanged", "failed-restored", "failed", "restore-failed"].map((o) => exitCodeFor(o as never))).to.deep.equal([0, 0, 1, 3, 3]);
    });
  });

  describe("promote", () => {
    it("deploys the exact digest the source runs as the next generation, then tags it", async () => {
      const w = world();
      const result = await w.ferry.promote({ from: "dev", to: "staging", approve: yes, onEvent: w.onEvent });
      expect(result).to.deep.include({ outcome: "deployed", exitCode: 0, ref: ref("d"), previousRef: ref("b"), generation: 3, uncommittedFile: "Pulumi.staging.yaml" });
      expect(w.ports.files.imageRef("staging")).to.equal(ref("d"));
      // Previewed and deployed from a private copy pinning the new ref, under the stack's lease.
      expect(w.ports.stacks.log).to.deep.equal(["outputs dev", "tag staging ferry:deploying", `preview staging ${ref("d")}`, `up staging ferry: promote ${ref("d")} from dev as generation 3`, "tag staging ferry:generation", "untag staging ferry:deploying"]);
      expect(w.ports.files.copies.size, "private copies removed").to.equal(0);
      expect(w.ports.registry.tags).to.deep.equal([`release-staging-3 ${ref("d")}`, `stack-staging ${ref("d")}`]);
      expect(w.events.filter((e) => e.kind === "step").map((e) => (e as { step: string }).step)).to.include.members(["read-source", "set-config", "preview", "approval", "update", "tag"]);
    });

    it("hands the preview's change summary to the approval step", async () => {
      const w = world();
      let seen: unknown;
      await w.ferry.promote({ from: "dev", to: "staging", approve: async (req) => ((seen = req), true) });
      expect(seen).to.deep.equal({ stack: "staging", ref: ref("d"), previousRef: ref("b"), generation: 3, changes: { update: 2, same: 30 }, signal: undefined });
    });

    it("not approved: refused, the stack file never touched", async () => {
      const w = world();
      const before = w.ports.files.read("staging");
      const err = await refusal(w.ferry.promote({ from: "dev", to: "staging", approve: no }));
      expect(err.message).to.equal("not approved; staging was not changed");
      expect(w.ports.files.read("staging")).to.equal(before);
      expect(w.ports.stacks.log.some((l) => l.startsWith("up"))).to.equal(false);
    });

    const refusals: { what: string; from: string; to: string; setup?: (w: ReturnType<typeof world>) => void; says: string }[] = [
      { what: "a stack to itself", from: "staging", to: "staging", says: `cannot promote "staging" to itself` },
      { what: "an unknown target", from: "dev", to: "qa", says: `unknown target stack "qa": this project has "dev", "prod", "staging"` },
      { what: "an unknown source", from: "test", to: "staging", says: `unknown source stack "test"` },
      { what: "a source never deployed", from: "prod", to: "staging", says: `stack "prod" has not been deployed` },
      { what: "a source without imageRef", from: "dev", to: "staging", setup: (w) => (w.ports.stacks.stacks.dev.outputs = { url: "http://x" }), says: `stack "dev" has no imageRef output` },
      { what: "a source imageRef not pinned by digest", from: "dev", to: "staging", setup: (w) => (w.ports.stacks.stacks.dev.outputs = { imageRef: `${REPO}:latest` }), says: "not an image pinned by digest" },
      { what: "a target file with uncommitted changes", from: "dev", to: "staging", setup: (w) => w.ports.repo.dirty.add("Pulumi.staging.yaml"), says: "Pulumi.staging.yaml has uncommitted changes" },
      { what: "a building target", from: "staging", to: "dev", says: `stack "dev" builds its own image` },
      { what: "CRITICAL findings under prod's scan gate", from: "dev", to: "prod", setup: (w) => (w.ports.registry.findings = { counts: { CRITICAL: 2 }, images: 2 }), says: `scan gate of "prod": the image has 2 CRITICAL findings` },
      { what: "unreadable findings under prod's scan gate", from: "dev", to: "prod", setup: (w) => (w.ports.registry.findings = new Error("AccessDeniedException")), says: "fails closed: AccessDeniedException" },
    ];
    for (const r of refusals) {
      it(`refuses ${r.what} before anything changes`, async () => {
        const w = world();
        r.setup?.(w);
        const files = Object.fromEntries(w.ports.files.knownStacks().map((s) => [s, w.ports.files.read(s)]));
        const err = await refusal(w.ferry.promote({ from: r.from, to: r.to, approve: yes }));
        expect(err.message).to.contain(r.says);
        expect(w.ports.stacks.log.filter((l) => !l.startsWith("outputs"))).to.deep.equal([]);
        for (const s of w.ports.files.knownStacks()) expect(w.ports.files.read(s), s).to.equal(files[s]);
      });
    }

    it("gates every stack that runs promoted images by default; allowCritical lets CRITICAL through; scanGate: false turns it off", async () => {
      const gated = world();
      gated.ports.registry.findings = { counts: { CRITICAL: 1 }, images: 2 };
      const err = await refusal(gated.ferry.promote({ from: "dev", to: "staging", approve: yes }));
      expect(err.message).to.contain(`scan gate of "staging": the image has 1 CRITICAL finding`);
      expect((await gated.ferry.promote({ from: "dev", to: "staging", approve: yes, allowCritical: true })).outcome).to.equal("deployed");
      const off = world();
      off.ports.registry.findings = { counts: { CRITICAL: 1 }, images: 2 };
      off.ports.files.write("staging", setStackValue(off.ports.files.read("staging"), "ferry:promotion", { scanGate: "false" }));
      expect((await off.ferry.promote({ from: "dev", to: "staging", approve: yes })).outcome).to.equal("deployed");
    });

    it("refuses an image without the architecture a service runs on, before anything changes", async () => {
      const w = world();
      w.ports.registry.arches.set(ref("d"), ["amd64"]);
      const before = w.ports.files.read("staging");
      const err = await refusal(w.ferry.promote({ from: "dev", to: "staging", approve: yes }));
      expect(err.message).to.equal(
        `service "web" of "staging" runs on arm64, but its image ${"d".repeat(12)} has only amd64: build it for linux/arm64, or set the service's architecture`,
      );
      expect(w.ports.files.read("staging")).to.equal(before);
      expect(w.ports.stacks.log.filter((l) => !l.startsWith("outputs"))).to.deep.equal([]);
    });

    it("refuses when the image's architectures cannot be read (fails closed)", async () => {
      const w = world();
      w.ports.registry.arches.set(ref("d"), new Error("AccessDeniedException: ecr:BatchGetImage"));
      const err = await refusal(w.ferry.promote({ from: "dev", to: "staging", approve: yes }));
      expect(err.message).to.contain(`cannot read which architectures ${"d".repeat(12)} has (AccessDeniedException: ecr:BatchGetImage)`);
    });

    it("a locked stack: a clear refusal and the stack file unchanged", async () => {
      const w = world();
      w.ports.stacks.stacks.staging.locked = true;
      const before = w.ports.files.read("staging");
      const err = await refusal(w.ferry.promote({ from: "dev", to: "staging", approve: yes }));
      expect(err).to.be.instanceOf(StackLockedError);
      expect(err.message).to.contain(`stack "staging" is locked by another update; nothing was changed`);
      expect(w.ports.files.read("staging")).to.equal(before);
    });

    it("a failed update: the previous imageRef is restored and deployed again (exit 1)", async () => {
      const w = world();
      w.ports.stacks.stacks.staging.failUp = { message: "ferry-staging-web: deployment was rolled back: alarm ferry-staging-web-5xx went off", whenRef: ref("d") };
      const before = w.ports.files.read("staging");
      const result = await w.ferry.promote({ from: "dev", to: "staging", approve: yes });
      expect(result).to.deep.include({ outcome: "failed-restored", exitCode: 1, error: "ferry-staging-web: deployment was rolled back: alarm ferry-staging-web-5xx went off" });
      expect(w.ports.files.read("staging")).to.equal(before);
      expect(w.ports.stacks.log.filter((l) => l.startsWith("up"))).to.deep.equal([
        `up staging ferry: promote ${ref("d")} from dev as generation 3`,
        `up staging ferry: restore ${ref("b")} after failed promotion of generation 3`,
      ]);
      expect(w.ports.registry.tags).to.deep.equal([]);
    });

    it("restore failing too: exit 3 with both reasons", async () => {
      const w = world();
      w.ports.stacks.stacks.staging.failUp = { message: "boom" };
      const result = await w.ferry.promote({ from: "dev", to: "staging", approve: yes });
      expect(result).to.deep.include({ outcome: "restore-failed", exitCode: 3, error: "boom", restoreError: "boom" });
    });

    it("restore turned off: exit 3 (not brought back), the stack file still says the previous ref", async () => {
      const w = world();
      w.ports.stacks.stacks.staging.failUp = { message: "boom" };
      const result = await w.ferry.promote({ from: "dev", to: "staging", approve: yes, restore: false });
      expect(result).to.deep.include({ outcome: "failed", exitCode: 3 });
      expect(w.ports.files.imageRef("staging")).to.equal(ref("b"));
      expect(w.ports.stacks.log.filter((l) => l.startsWith("up"))).to.have.length(1);
    });

    it("an interrupt during the update cancels it and restores the previous image", async () => {
      const w = world();
      const controller = new AbortController();
      w.ports.stacks.stacks.staging.interruptUp = controller;
      const result = await w.ferry.promote({ from: "dev", to: "staging", approve: yes, signal: controller.signal });
      expect(result.outcome).to.equal("failed-restored");
      expect(result.error).to.equal("interrupted: update canceled");
      expect(w.ports.files.imageRef("staging")).to.equal(ref("b"));
      expect(w.ports.stacks.log.filter((l) => l.startsWith("up"))).to.have.length(2);
    });

    it("an interrupt while approval is pending: the update never starts, the file untouched", async () => {
      const w = world();
      const controller = new AbortController();
      const before = w.ports.files.read("staging");
      const err = await refusal(w.ferry.promote({ from: "dev", to: "staging", approve: async () => (controller.abort(), true), signal: controller.signal }));
      expect(err.message).to.equal("interrupted before the update started; nothing was changed");
      expect(w.ports.files.read("staging")).to.equal(before);
      expect(w.ports.stacks.log.some((l) => l.startsWith("up"))).to.equal(false);
    });

    it("an interrupt during the preview: refused, the update never starts, the file untouched", async () => {
      const w = world();
      const controller = new AbortController();
      const before = w.ports.files.read("staging");
      w.ports.stacks.preview = async (stack) => {
        controller.abort();
        throw new OperationFailedError(stack, "preview canceled", true);
      };
      const err = await refusal(w.ferry.promote({ from: "dev", to: "staging", approve: yes, signal: controller.signal }));
      expect(err.message).to.equal("interrupted before the update started; nothing was changed");
      expect(w.ports.files.read("staging")).to.equal(before);
      expect(w.ports.stacks.log.some((l) => l.startsWith("up"))).to.equal(false);
      expect(w.ports.stacks.stacks.staging.tags).to.deep.equal({}, "the lease is released");
    });

    it("failed bookkeeping never undoes the deploy: a warning naming the command to re-run", async () => {
      const w = world();
      w.ports.registry.tagError = new Error("AccessDenied");
      const result = await w.ferry.promote({ from: "dev", to: "staging", approve: yes, onEvent: w.onEvent });
      expect(result).to.deep.include({ outcome: "deployed", exitCode: 0 });
      expect(result.warnings).to.have.length(1);
      expect(result.warnings[0]).to.contain("staging is deployed, but tagging the image as release-staging-3 failed (AccessDenied)").and.contain("Re-run: ferry tag --stack staging");
      expect(w.events.some((e) => e.kind === "warning")).to.equal(true);
    });

    it("--commit commits exactly the stack file with a message naming the digest", async () => {
      const w = world();
      const result = await w.ferry.promote({ from: "dev", to: "staging", approve: yes, commit: true });
      expect(result.commit).to.equal("abc123def456");
      expect(result.uncommittedFile).to.equal(undefined);
      expect(w.ports.repo.commits).to.deep.equal([{ path: "Pulumi.staging.yaml", message: `ferry: staging runs ${ref("d")} (generation 3)` }]);
    });

    it("a stack file the Pulumi CLI rewrote at stack init does not block the promotion; a real edit does", async () => {
      const w = world();
      const committed = w.ports.files.read("staging");
      w.ports.repo.committed.set("Pulumi.staging.yaml", committed);
      w.ports.files.write("staging", `${committed.replace("ferry:logRetentionDays: 90", 'ferry:logRetentionDays: "90"')}encryptionsalt: v1:abc=\n`);
      w.ports.repo.dirty.add("Pulumi.staging.yaml");
      const result = await w.ferry.promote({ from: "dev", to: "staging", approve: yes, onEvent: w.onEvent });
      expect(result.outcome).to.equal("deployed");
      expect(w.events.map((e) => (e as { message?: string }).message)).to.include("Pulumi.staging.yaml differs from its commit only by the Pulumi CLI's own rewrite (stack init: encryptionsalt, values as text); it goes in with the new image");
      expect(w.ports.files.read("staging")).to.contain("encryptionsalt: v1:abc=").and.contain(`ferry:imageRef: ${ref("d")}`);

      const edited = world();
      edited.ports.repo.committed.set("Pulumi.staging.yaml", edited.ports.files.read("staging"));
      edited.ports.files.write("staging", `${edited.ports.files.read("staging")}encryptionsalt: v1:abc=\n`.replace("eu-west-1", "us-east-1"));
      edited.ports.repo.dirty.add("Pulumi.staging.yaml");
      expect((await refusal(edited.ferry.promote({ from: "dev", to: "staging", approve: yes }))).message).to.contain("Pulumi.staging.yaml has uncommitted changes");
    });

    it("--commit --push pushes the commit to the branch the checkout tracks, after committing", async () => {
      const w = world();
      const result = await w.ferry.promote({ from: "dev", to: "staging", approve: yes, commit: true, push: true, onEvent: w.onEvent });
      expect([result.commit, result.pushed, w.ports.repo.pushes]).to.deep.equal(["abc123def456", "origin/main", 1]);
      const steps = w.events.filter((e) => e.kind === "step").map((e) => (e as { step: string }).step);
      expect(steps.slice(-2)).to.deep.equal(["commit", "push"]);
    });

    const pushRefusals: [string, (w: ReturnType<typeof world>) => Promise<unknown>, string][] = [
      ["--push without --commit", (w) => w.ferry.promote({ from: "dev", to: "staging", approve: yes, push: true }), "--push needs --commit: it pushes the commit of the stack file"],
      [
        "--push on a branch that tracks no remote branch",
        (w) => ((w.ports.repo.tracking = undefined), w.ferry.promote({ from: "dev", to: "staging", approve: yes, commit: true, push: true })),
        "--push needs the current branch to track a remote branch (set it once: git push -u origin <branch>)",
      ],
    ];
    for (const [what, run, says] of pushRefusals) {
      it(`${what} is refused before anything changes`, async () => {
        const w = world();
        expect((await refusal(run(w))).message).to.equal(says);
        expect(w.ports.stacks.log.filter((l) => !l.startsWith("outputs"))).to.deep.equal([]);
        expect([w.ports.repo.commits, w.ports.repo.pushes]).to.deep.equal([[], 0]);
      });
    }

    it("a rejected push is a warning: the stack is deployed and the file committed, and it says how to push", async () => {
      const w = world();
      w.ports.repo.failPush = "! [rejected] HEAD -> main (fetch first)";
      const result = await w.ferry.promote({ from: "dev", to: "staging", approve: yes, commit: true, push: true });
      expect([result.outcome, result.exitCode, result.commit, result.pushed]).to.deep.equal(["deployed", 0, "abc123def456", undefined]);
      expect(result.warnings).to.deep.equal([
        "staging is deployed and Pulumi.staging.yaml committed (abc123def456), but pushing it failed (! [rejected] HEAD -> main (fetch first)); until it is pushed the branch does not say what staging runs. Push it: git pull --rebase && git push",
      ]);
    });

    it("--commit outside a git work tree is refused before anything changes", async () => {
      const w = world();
      w.ports.repo.inRepo = false;
      await refusal(w.ferry.promote({ from: "dev", to: "staging", approve: yes, commit: true }));
      expect(w.ports.stacks.log.filter((l) => !l.startsWith("outputs"))).to.deep.equal([]);
    });

    it("changes exactly the ferry:imageRef line of the stack file, after the update succeeded", async () => {
      const w = world();
      const before = w.ports.files.read("staging");
      let duringUp = "";
      w.ports.stacks.stacks.staging.duringUp = async () => void (duringUp = w.ports.files.read("staging"));
      await w.ferry.promote({ from: "dev", to: "staging", approve: yes });
      expect(duringUp, "the tracked file during the update").to.equal(before);
      const changed = w.ports.files.read("staging").split("\n").filter((line, i) => line !== before.split("\n")[i]);
      expect(changed).to.deep.equal([`  ferry:imageRef: ${ref("d")}`]);
    });

    describe("step by step, in words, whatever happens", () => {
      const said = (events: FerryEvent[]) => events.filter((e) => e.kind === "step" || e.kind === "warning").map((e) => (e.kind === "step" ? `${(e as { step: string }).step}: ${(e as { message: string }).message}` : `warning: ${(e as { message: string }).message}`));
      /** What every promotion of d to staging says up to the approval, and as its update starts. */
      const UNTIL_APPROVAL = [
        "read-source: reading the image dev runs",
        `scan-gate: reading ECR scan findings of ${"d".repeat(12)}`,
        "scan-gate: scan findings over 2 platform image(s): 1 HIGH",
        "verify: every service's architecture is in its image (amd64+arm64)",
        `set-config: ferry:imageRef of staging: ${ref("b")} → ${ref("d")}`,
        "preview: previewing staging",
        "preview: 2 to update, 30 unchanged",
        "approval: waiting for approval",
      ];
      const UPDATE = `update: updating staging: ferry: promote ${ref("d")} from dev as generation 3`;
      const scenarios: { name: string; run: (w: ReturnType<typeof world>) => Promise<unknown>; said: string[] }[] = [
        {
          name: "a promotion",
          run: (w) => w.ferry.promote({ from: "dev", to: "staging", approve: yes, onEvent: w.onEvent }),
          said: [
            ...UNTIL_APPROVAL,
            UPDATE,
            `update: staging now runs ${ref("d")} (generation 3)`,
            `tag: tagging ${"d".repeat(12)} as release-staging-3 and stack-staging`,
          ],
        },
        {
          name: "a failed update, restored",
          run: (w) => {
            w.ports.stacks.stacks.staging.failUp = { message: "boom", whenRef: ref("d") };
            return w.ferry.promote({ from: "dev", to: "staging", approve: yes, onEvent: w.onEvent });
          },
          said: [
            ...UNTIL_APPROVAL,
            UPDATE,
            "update: update of staging failed: boom",
            `restore: restoring staging to ${ref("b")}`,
            `restore: staging runs ${ref("b")} again`,
          ],
        },
        {
          name: "a failed update, restore turned off",
          run: (w) => {
            w.ports.stacks.stacks.staging.failUp = { message: "boom" };
            return w.ferry.promote({ from: "dev", to: "staging", approve: yes, restore: false, onEvent: w.onEvent });
          },
          said: [
            ...UNTIL_APPROVAL,
            UPDATE,
            "update: update of staging failed: boom",
            `restore: not restoring: restore was turned off; Pulumi.staging.yaml still says ${ref("b")}, the stack may run parts of ${ref("d")}`,
          ],
        },
        {
          name: "a failed update whose restore fails too",
          run: (w) => {
            w.ports.stacks.stacks.staging.failUp = { message: "boom" };
            return w.ferry.promote({ from: "dev", to: "staging", approve: yes, onEvent: w.onEvent });
          },
          said: [
            ...UNTIL_APPROVAL,
            UPDATE,
            "update: update of staging failed: boom",
            `restore: restoring staging to ${ref("b")}`,
          ],
        },
        {
          name: "not approved",
          run: (w) => w.ferry.promote({ from: "dev", to: "staging", approve: no, onEvent: w.onEvent }),
          said: [
            ...UNTIL_APPROVAL,
          ],
        },
        {
          name: "what the stack already runs",
          run: (w) => {
            w.ports.stacks.stacks.dev.outputs = { imageRef: ref("b") };
            return w.ferry.promote({ from: "dev", to: "staging", approve: yes, onEvent: w.onEvent });
          },
          said: [
            "read-source: reading the image dev runs",
            `set-config: staging already runs ${ref("b")}; nothing to do`,
          ],
        },
        {
          name: "a promotion committed",
          run: (w) => w.ferry.promote({ from: "dev", to: "staging", approve: yes, commit: true, onEvent: w.onEvent }),
          said: [
            ...UNTIL_APPROVAL,
            UPDATE,
            `update: staging now runs ${ref("d")} (generation 3)`,
            `tag: tagging ${"d".repeat(12)} as release-staging-3 and stack-staging`,
            "commit: committed Pulumi.staging.yaml as abc123def456",
          ],
        },
        {
          name: "a rollback",
          run: (w) => w.ferry.rollback({ stack: "staging", to: 1, approve: yes, onEvent: w.onEvent }),
          said: [
            `read-source: rolling back from generation 2 to generation 1 (${ref("a")})`,
            `scan-gate: reading ECR scan findings of ${"a".repeat(12)}`,
            "scan-gate: scan findings over 2 platform image(s): 1 HIGH",
            "verify: every service's architecture is in its image (amd64+arm64)",
            `set-config: ferry:imageRef of staging: ${ref("b")} → ${ref("a")}`,
            "preview: previewing staging",
            "preview: 2 to update, 30 unchanged",
            "approval: waiting for approval",
            `update: updating staging: ferry: rollback to generation 1: ${ref("a")}`,
            `update: staging now runs ${ref("a")} (generation 1)`,
            `tag: tagging ${"a".repeat(12)} as release-staging-1 and stack-staging`,
          ],
        },
        {
          name: "a set of images",
          run: (w) => {
            w.ports.stacks.stacks.dev.outputs = { imageRef: ref("d"), imageRefs: { default: ref("d"), worker: ref("e") } };
            const text = w.ports.files.read("staging").replace("    worker:\n", "    worker:\n      target: worker\n");
            w.ports.files.write("staging", setStackImages(text, { default: ref("b"), worker: ref("c") }));
            return w.ferry.promote({ from: "dev", to: "staging", approve: yes, onEvent: w.onEvent });
          },
          said: [
            "read-source: reading the image dev runs",
            `scan-gate: reading ECR scan findings of default ${"d".repeat(12)}, worker ${"e".repeat(12)}`,
            "scan-gate: scan findings over 4 platform image(s): 2 HIGH",
            "verify: every service's architecture is in its image (amd64+arm64, amd64+arm64)",
            `set-config: ferry:imageRefs of staging: default=${ref("b")} worker=${ref("c")} → default=${ref("d")} worker=${ref("e")}`,
            "preview: previewing staging",
            "preview: 2 to update, 30 unchanged",
            "approval: waiting for approval",
            `update: updating staging: ferry: promote default=${ref("d")} worker=${ref("e")} from dev as generation 3`,
            `update: staging now runs default=${ref("d")} worker=${ref("e")} (generation 3)`,
            `tag: tagging ${"d".repeat(12)} as release-staging-3 and stack-staging`,
            `tag: tagging ${"e".repeat(12)} as release-staging-3-worker and stack-staging-worker`,
          ],
        },
      ];
      for (const sc of scenarios) {
        it(sc.name, async () => {
          const w = world();
          await sc.run(w).catch(() => undefined);
          expect(said(w.events)).to.deep.equal(sc.said);
        });
      }
    });

    it("describes a preview's changes for the approver", () => {
      expect(describeChanges({ update: 2, same: 30 })).to.equal("2 to update, 30 unchanged");
      expect(describeChanges({ create: 1, delete: 0, update: 3 })).to.equal("1 to create, 3 to update");
      expect(describeChanges({ same: 12 })).to.equal("no changes");
      expect(describeChanges({})).to.equal("no changes");
    });

    it("bookkeeping on the stack that fails (lease, generation) is a warning, never a failure", async () => {
      const w = world();
      const stacks = w.ports.stacks;
      stacks.removeTag = async () => {
        throw new Error("backend unavailable");
      };
      const setTag = stacks.setTag.bind(stacks);
      stacks.setTag = async (stack, name, value) => {
        if (name === "ferry:generation") throw new Error("tag quota");
        return setTag(stack, name, value);
      };
      const result = await w.ferry.promote({ from: "dev", to: "staging", approve: yes, onEvent: w.onEvent });
      expect(result).to.deep.include({ outcome: "deployed", exitCode: 0 });
      expect(result.warnings).to.deep.include("staging is deployed, but remembering generation 3 on the stack failed (tag quota); the next promotion numbers from the stack's history");
      const warnings = w.events.filter((e) => e.kind === "warning").map((e) => (e as { message: string }).message);
      expect(warnings).to.deep.include("could not release the lease on staging (backend unavailable); the next run on this machine takes it over, elsewhere run: ferry unlock --stack staging");
    });

    it("one image of a set whose findings cannot be read fails the gate naming its target", async () => {
      const w = world({ dev: { outputs: { imageRef: ref("d"), imageRefs: { default: ref("d"), worker: ref("e") } }, history: [] } });
      const scan = w.ports.registry.scanFindings.bind(w.ports.registry);
      w.ports.registry.scanFindings = async (r: string) => {
        if (r === ref("e")) throw new Error("scan IN_PROGRESS");
        return scan(r);
      };
      const err = await refusal(w.ferry.promote({ from: "dev", to: "prod", approve: yes }));
      expect(err.message).to.contain(`fails closed: target "worker": scan IN_PROGRESS`);
      w.ports.registry.scanFindings = scan;
      const ok = world({ dev: { outputs: { imageRefs: { default: ref("d"), worker: ref("e") } }, history: [] } });
      ok.ports.registry.findings = { counts: { HIGH: 1, LOW: 2 }, images: 2 };
      await ok.ferry.promote({ from: "dev", to: "prod", approve: yes, onEvent: ok.onEvent });
      const note = ok.events.find((e) => e.kind === "step" && (e as { step: string }).step === "scan-gate" && (e as { message: string }).message.startsWith("scan findings"));
      expect((note as { message: string }).message).to.equal("scan findings over 4 platform image(s): 2 HIGH, 4 LOW");
    });

    it("refuses a target whose stack file is not valid, and an unknown stack for rollback, naming them", async () => {
      const w = world();
      w.ports.files.write("staging", w.ports.files.read("staging").replace("cpu: 512", "cpu: 300"));
      const err = await refusal(w.ferry.promote({ from: "dev", to: "staging", approve: yes }));
      expect(err.message).to.match(/^Pulumi\.staging\.yaml is not valid, so "staging" cannot be deployed: invalid Ferry config/);
      const r = await refusal(w.ferry.rollback({ stack: "qa", approve: yes }));
      expect(r.message).to.equal(`unknown stack "qa": this project has "dev", "prod", "staging"`);
    });

    describe("generation numbers never restart", () => {
      it("reads history page after page past 200 other updates to the last promotion", async () => {
        const others = Array.from({ length: 450 }, (_, i) => update(`manual change ${i}`, "succeeded", 9));
        const w = world();
        w.ports.stacks.stacks.staging.history = [...others, ...w.ports.stacks.stacks.staging.history];
        const result = await w.ferry.promote({ from: "dev", to: "staging", approve: yes });
        expect(result.generation).to.equal(3);
        expect(w.ports.registry.tags).to.include(`release-staging-3 ${ref("d")}`);
      });

      it("continues from the generation the stack remembers when its history no longer shows it", async () => {
        const w = world();
        w.ports.stacks.stacks.staging.history = [];
        w.ports.stacks.stacks.staging.tags = { "ferry:generation": "41" };
        expect((await w.ferry.promote({ from: "dev", to: "staging", approve: yes })).generation).to.equal(42);
        expect(w.ports.stacks.stacks.staging.tags).to.deep.equal({ "ferry:generation": "42" });
      });

      it("a rollback to an older generation does not lower what the stack remembers", async () => {
        const w = world();
        w.ports.stacks.stacks.staging.tags = { "ferry:generation": "2" };
        await w.ferry.rollback({ stack: "staging", to: 1, approve: yes });
        expect(w.ports.stacks.stacks.staging.tags).to.deep.equal({ "ferry:generation": "2" });
      });
    });

    describe("two deploys of one stack", () => {
      it("the second, started while the first waits for approval, is refused naming it (exit 2), and the first completes", async () => {
        const w = world();
        let second: unknown;
        const first = await w.ferry.promote({
          from: "dev",
          to: "staging",
          approve: async () => {
            second = await w.ferry.rollback({ stack: "staging", approve: yes }).catch((e: unknown) => e);
            return true;
          },
        });
        expect(second).to.be.instanceOf(PromotionRunningError);
        expect((second as PromotionRunningError).exitCode).to.equal(2);
        expect((second as Error).message).to.match(/^promotion of generation 3 of "staging" is running \(\S+@\S+, since \d{4}-\d\d-\d\dT[\d:.]+Z\); nothing was changed\. Wait for it to finish/);
        expect((second as Error).message).not.to.contain("uncommitted");
        expect(first.outcome).to.equal("deployed");
        expect(w.ports.files.imageRef("staging")).to.equal(ref("d"));
        expect(w.ports.stacks.stacks.staging.tags).to.deep.equal({ "ferry:generation": "3" }, "the lease is released, the generation remembered");
      });

      it("the second, started while the first updates, is refused the same way; the file equals what runs", async () => {
        const w = world();
        let second: unknown;
        w.ports.stacks.stacks.staging.duringUp = async () => {
          w.ports.stacks.stacks.staging.duringUp = undefined;
          second = await w.ferry.promote({ from: "dev", to: "staging", approve: yes }).catch((e: unknown) => e);
        };
        await w.ferry.promote({ from: "dev", to: "staging", approve: yes });
        expect(second).to.be.instanceOf(PromotionRunningError);
        expect(w.ports.files.imageRef("staging")).to.equal(w.ports.stacks.stacks.staging.outputs!.imageRef);
      });

      it("both read the lease free at once: the later writer holds it, the other backs off before any preview", async () => {
        const w = world();
        const stacks = w.ports.stacks;
        const [readTag, setTag] = [stacks.tag.bind(stacks), stacks.setTag.bind(stacks)];
        // Interleave: both runs read the lease free (twice each: the check, then taking it) before
        // either writes; then each reads back who holds it.
        let reads = 0;
        let release!: () => void;
        const bothRead = new Promise<void>((r) => (release = r));
        stacks.tag = async (stack, name) => {
          const value = await readTag(stack, name);
          if (name === "ferry:deploying" && ++reads === 4) release();
          return value;
        };
        stacks.setTag = async (stack, name, value) => {
          if (name === "ferry:deploying") await bothRead;
          await setTag(stack, name, value);
        };
        const [a, b] = await Promise.all([
          w.ferry.promote({ from: "dev", to: "staging", approve: yes }).catch((e: unknown) => e),
          w.ferry.rollback({ stack: "staging", to: 1, approve: yes }).catch((e: unknown) => e),
        ]);
        const refused = [a, b].filter((r) => r instanceof PromotionRunningError);
        expect(refused, "exactly one backs off").to.have.length(1);
        expect(stacks.log.filter((l) => l.startsWith("up"))).to.have.length(1);
        expect(w.ports.files.imageRef("staging")).to.equal(stacks.stacks.staging.outputs!.imageRef);
      });

      it("an update by someone who took no lease, between preview and update: refused, nothing deployed", async () => {
        const w = world();
        const foreign = { kind: "update", result: "succeeded", message: "manual hotfix", startTime: "2026-11-30T09:00:00.000Z", endTime: "2026-11-30T09:01:00.000Z" };
        const err = await refusal(w.ferry.promote({ from: "dev", to: "staging", approve: async () => (w.ports.stacks.stacks.staging.history.unshift(foreign), true) }));
        expect(err.message).to.contain(`stack "staging" was updated while this run waited ("manual hotfix", 2026-11-30T09:00:00.000Z); nothing was changed`);
        expect(w.ports.stacks.log.some((l) => l.startsWith("up"))).to.equal(false);
        expect(w.ports.files.imageRef("staging")).to.equal(ref("b"));
      });

      it("a lease left by a process of this host that no longer runs is taken over, with a warning", async () => {
        const w = world();
        const dead = 2 ** 22 + 12345; // above Linux's pid_max default
        w.ports.stacks.stacks.staging.tags = { "ferry:deploying": encodeLease({ id: "old", who: "ci@here", host: os.hostname(), pid: dead, since: "2026-11-30T08:00:00.000Z", what: "promotion of generation 9" }) };
        const result = await w.ferry.promote({ from: "dev", to: "staging", approve: yes, onEvent: w.onEvent });
        expect(result.outcome).to.equal("deployed");
        expect(w.events.filter((e) => e.kind === "warning").map((e) => (e as { message: string }).message)).to.deep.include(
          "took over the lease of promotion of generation 9 (ci@here, since 2026-11-30T08:00:00.000Z): that process no longer runs",
        );
      });

      it("a lease from another machine is kept, and ferry unlock releases it", async () => {
        const w = world();
        const lease = { id: "x1", who: "ana@ci-7", host: "ci-7", pid: 1, since: "2026-11-30T08:00:00.000Z", what: "rollback to generation 1" };
        w.ports.stacks.stacks.staging.tags = { "ferry:deploying": encodeLease(lease) };
        const err = await refusal(w.ferry.promote({ from: "dev", to: "staging", approve: yes }));
        expect(err.message).to.equal(
          `rollback to generation 1 of "staging" is running (ana@ci-7, since 2026-11-30T08:00:00.000Z); nothing was changed. Wait for it to finish (ferry status --stack staging), then run again. If that run is gone (its machine stopped mid-deploy), release its lease with: ferry unlock --stack staging`,
        );
        expect(await w.ferry.unlock({ stack: "staging" })).to.deep.equal(lease);
        expect((await w.ferry.promote({ from: "dev", to: "staging", approve: yes })).outcome).to.equal("deployed");
      });

      it("a run in progress is named even when the stack file already pins the image asked for (it may be replaced)", async () => {
        const w = world();
        const lease = { id: "x2", who: "ana@ci-7", host: "ci-7", pid: 1, since: "2026-11-30T08:00:00.000Z", what: "rollback to generation 1" };
        w.ports.stacks.stacks.staging.tags = { "ferry:deploying": encodeLease(lease) };
        // staging's file pins b (generation 2) while the other run rolls it back to a.
        const err = await refusal(w.ferry.rollback({ stack: "staging", to: 2, approve: yes }));
        expect(err).to.be.instanceOf(PromotionRunningError);
        expect(err.message).to.match(/^rollback to generation 1 of "staging" is running/);
      });
    });

    describe("failures of the Pulumi CLI or backend", () => {
      it("before any update (history unreadable): exit 4, one line with the fix, nothing changed, the lease released", async () => {
        const w = world();
        w.ports.stacks.stacks.staging.failHistory = "error: failed to load checkpoint: permission denied";
        const before = w.ports.files.read("staging");
        const err = await w.ferry.promote({ from: "dev", to: "staging", approve: yes }).catch((e: unknown) => e);
        expect(err).to.be.instanceOf(NotStartedError);
        expect((err as NotStartedError).exitCode).to.equal(4);
        expect((err as Error).message).to.equal(
          `reading the update history of "staging" failed: error: failed to load checkpoint: permission denied. Check it: pulumi stack history --stack staging`,
        );
        expect((err as Error).message).not.to.contain("\n");
        expect(w.ports.files.read("staging")).to.equal(before);
        expect(w.ports.stacks.log.some((l) => l.startsWith("up") || l.startsWith("preview"))).to.equal(false);
        expect(w.ports.stacks.stacks.staging.tags ?? {}, "no lease left behind").to.deep.equal({});
      });

      it("after a successful update (outputs unreadable): deployed with a warning, never restored", async () => {
        const w = world();
        w.ports.stacks.stacks.staging.failOutputsAfterUp = "stack output: connection reset";
        const result = await w.ferry.promote({ from: "dev", to: "staging", approve: yes });
        expect(result).to.deep.include({ outcome: "deployed", exitCode: 0 });
        expect(result.warnings[0]).to.contain("staging was updated, but reading its outputs afterwards failed (stack output: connection reset)");
        expect(w.ports.stacks.log.filter((l) => l.startsWith("up"))).to.have.length(1);
        expect(w.ports.files.imageRef("staging")).to.equal(ref("d"));
      });

      it("a commit that fails names the git command that commits the stack file", async () => {
        const w = world();
        w.ports.repo.commit = async () => {
          throw new Error("index.lock exists");
        };
        const result = await w.ferry.promote({ from: "dev", to: "staging", approve: yes, commit: true });
        expect(result.warnings[0]).to.contain(`Commit it: git commit -m "ferry: staging runs generation 3" -- Pulumi.staging.yaml`);
      });
    });

    describe("a stack of several Dockerfile targets", () => {
      /** dev builds web (default) and worker images; staging's worker runs the worker target. */
      function targets() {
        const w = world({ dev: { outputs: { imageRef: ref("d"), imageRefs: { default: ref("d"), worker: ref("e") } }, history: [] } });
        const text = w.ports.files.read("staging").replace("    worker:\n", "    worker:\n      target: worker\n");
        w.ports.files.write("staging", setStackImages(text, { default: ref("b"), worker: ref("c") }));
        return w;
      }

      it("promotes every image together as one generation: one config value, one message, tags per target", async () => {
        const w = targets();
        const result = await w.ferry.promote({ from: "dev", to: "staging", approve: yes });
        expect(result).to.deep.include({ outcome: "deployed", generation: 3, ref: `default=${ref("d")} worker=${ref("e")}` });
        expect(w.ports.files.images("staging")).to.deep.equal({ default: ref("d"), worker: ref("e") });
        expect(w.ports.stacks.log).to.include(`up staging ferry: promote default=${ref("d")} worker=${ref("e")} from dev as generation 3`);
        expect(w.ports.registry.tags).to.deep.equal([`release-staging-3 ${ref("d")}`, `stack-staging ${ref("d")}`, `release-staging-3-worker ${ref("e")}`, `stack-staging-worker ${ref("e")}`]);
        const [staging] = await w.ferry.status({ stacks: ["staging"] });
        expect(staging).to.deep.include({ generation: 3, images: { default: ref("d"), worker: ref("e") }, digest: `default=sha256:${"d".repeat(64)} worker=sha256:${"e".repeat(64)}` });
        expect(staging.releases[0]).to.deep.include({ generation: 3, images: { default: ref("d"), worker: ref("e") } });
      });

      it("rolls back to an earlier generation's whole set", async () => {
        const w = targets();
        await w.ferry.promote({ from: "dev", to: "staging", approve: yes });
        w.ports.stacks.stacks.dev.outputs = { imageRef: ref("f"), imageRefs: { default: ref("f"), worker: ref("a") } };
        await w.ferry.promote({ from: "dev", to: "staging", approve: yes });
        const back = await w.ferry.rollback({ stack: "staging", approve: yes });
        expect(back).to.deep.include({ outcome: "deployed", generation: 3 });
        expect(w.ports.files.images("staging")).to.deep.equal({ default: ref("d"), worker: ref("e") });
      });

      it("refuses a partial set before anything changes: a target the stack runs is missing", async () => {
        const w = targets();
        w.ports.stacks.stacks.dev.outputs = { imageRef: ref("d"), imageRefs: { default: ref("d") } };
        const before = w.ports.files.read("staging");
        const err = await refusal(w.ferry.promote({ from: "dev", to: "staging", approve: yes }));
        expect(err.message).to.equal(`"staging" runs the targets default, worker, but the images to deploy have no worker: every target is promoted together`);
        expect(w.ports.files.read("staging")).to.equal(before);
        expect(w.ports.stacks.log.filter((l) => !l.startsWith("outputs"))).to.deep.equal([]);
      });

      it("refuses a source whose set has an image not pinned by digest", async () => {
        const w = targets();
        w.ports.stacks.stacks.dev.outputs = { imageRefs: { default: ref("d"), worker: `${REPO}:latest` } };
        const err = await refusal(w.ferry.promote({ from: "dev", to: "staging", approve: yes }));
        expect(err.message).to.contain(`the image of target "worker" of "dev" is`).and.contain("not an image pinned by digest");
      });
    });

    it("promoting what the target already runs changes nothing", async () => {
      const w = world();
      w.ports.stacks.stacks.dev.outputs = { imageRef: ref("b") };
      expect((await w.ferry.promote({ from: "dev", to: "staging", approve: yes })).outcome).to.equal("unchanged");
      expect(w.ports.stacks.log).to.deep.equal(["outputs dev"]);
    });
  });

  describe("rollback", () => {
    it("goes back to the previous generation with the same reporting", async () => {
      const w = world();
      const result = await w.ferry.rollback({ stack: "staging", approve: yes });
      expect(result).to.deep.include({ outcome: "deployed", generation: 1, ref: ref("a"), previousRef: ref("b") });
      expect(w.ports.stacks.log.filter((l) => l.startsWith("up"))).to.deep.equal([`up staging ferry: rollback to generation 1: ${ref("a")}`]);
      expect(w.ports.registry.tags[0]).to.equal(`release-staging-1 ${ref("a")}`);
    });

    it("refuses an unknown generation, listing the ones there are", async () => {
      const w = world();
      expect((await refusal(w.ferry.rollback({ stack: "staging", to: 7, approve: yes }))).message).to.contain("has no generation 7 (generations: 2, 1)");
    });
  });

  describe("status", () => {
    it("reports each stack's digest, generation, last update and releases", async () => {
      const w = world();
      const all = await w.ferry.status();
      const staging = all.find((s) => s.stack === "staging")!;
      expect(staging).to.deep.include({ deployed: true, imageRef: ref("b"), digest: `sha256:${"b".repeat(64)}`, generation: 2 });
      expect(staging.lastUpdate).to.deep.include({ result: "succeeded", message: messages.promote(ref("b"), "dev", 2) });
      expect(staging.releases.map((r) => r.generation)).to.deep.equal([2, 1]);
      expect(all.find((s) => s.stack === "prod")).to.deep.equal({ stack: "prod", deployed: false, releases: [] });
    });
  });

  describe("approve / reject", () => {
    const paused = { service: "ferry-staging-web-x", deploymentArn: "arn:aws:ecs:eu-west-1:123456789012:service-deployment/c/w/abc", hookId: "hook-1", stage: "POST_TEST_TRAFFIC_SHIFT" };

    it("continues the one paused deployment in the stack's region", async () => {
      const w = world();
      w.ports.deployments.pausedList = [paused];
      await w.ferry.approve({ stack: "staging" });
      expect(w.ports.deployments.asked).to.deep.equal(["eu-west-1 ferry-staging-c ferry-staging-web-x,ferry-staging-worker-y"]);
      expect(w.ports.deployments.answers).to.deep.equal([`eu-west-1 ${paused.deploymentArn} hook-1 CONTINUE`]);
    });

    it("rejects (rolls back) a named service's paused deployment", async () => {
      const w = world();
      w.ports.deployments.pausedList = [paused];
      await w.ferry.reject({ stack: "staging", service: "web" });
      expect(w.ports.deployments.answers).to.deep.equal([`eu-west-1 ${paused.deploymentArn} hook-1 ROLLBACK`]);
    });

    it("refuses when nothing is paused, when several are, and for an unknown service", async () => {
      const w = world();
      expect((await refusal(w.ferry.approve({ stack: "staging" }))).message).to.contain("no deployment of stack \"staging\" is paused");
      w.ports.deployments.pausedList = [paused, { ...paused, service: "ferry-staging-worker-y", hookId: "hook-2" }];
      expect((await refusal(w.ferry.approve({ stack: "staging" }))).message).to.contain("several deployments are paused; name one with --service");
      expect((await refusal(w.ferry.approve({ stack: "staging", service: "api" }))).message).to.contain(`has no service "api"`);
      expect(w.ports.deployments.answers).to.deep.equal([]);
    });
  });
});
