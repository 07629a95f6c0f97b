/**
 * `ferry gc`'s decision, over a repository seeded as the issue of reference-aware cleanup describes:
 * indexes with untagged children (platform images, attestations), old build tags, generation tags,
 * cache tags, and an image only a task definition still uses. Nothing a rollback, a stack or a task
 * can reach goes; every kept image says why, every removed one says why not.
 */
import { expect } from "chai";
import { GcInputs, planGc } from "../lib/gc";

const d = (c: string) => `sha256:${c.repeat(64)}`;
const at = (day: number) => `2026-11-${String(day).padStart(2, "0")}T10:00:00.000Z`;

/** An index pushed on `day` with an amd64 image, an arm64 image and an attestation, all untagged. */
const index = (c: string, day: number, tags: string[], children: string[]) => [
  { digest: d(c), tags, pushedAt: at(day), children },
  ...children.map((child) => ({ digest: child, tags: [], pushedAt: at(day) })),
];

function seeded(): GcInputs {
  return {
    images: [
      // Generation 1 and 2 of prod, 3 of staging; prod runs 2; staging runs 3.
      ...index("1", 1, ["build-aaaaaaaaaaaa", "release-prod-1"], [d("a"), d("b")]),
      ...index("2", 2, ["build-bbbbbbbbbbbb", "release-prod-2", "stack-prod"], [d("c"), d("e")]),
      ...index("3", 3, ["build-cccccccccccc", "release-staging-3", "stack-staging"], [d("f"), d("0")]),
      // An old build nobody promoted, and its platform image tagged on its own.
      ...index("4", 4, ["build-dddddddddddd"], [d("5")]),
      { digest: d("6"), tags: ["arm64-dddddddddddd"], pushedAt: at(4) },
      // The build cache, and an untagged manifest a cache push overwrote.
      { digest: d("7"), tags: ["cache-web-arm64"], pushedAt: at(5) },
      { digest: d("8"), tags: [], pushedAt: at(5) },
      // An image only an ACTIVE task definition still uses (a service outside the stacks' outputs).
      { digest: d("9"), tags: ["build-eeeeeeeeeeee"], pushedAt: at(6) },
    ],
    running: { prod: [d("2")], staging: [d("3")] },
    releases: {
      prod: [{ generation: 2, digests: [d("2")] }, { generation: 1, digests: [d("1")] }],
      staging: [{ generation: 3, digests: [d("3")] }],
    },
    keepGenerations: 2,
    inUse: [{ what: "ACTIVE task definition ferry-prod-batch:4", digests: [d("9")] }],
  };
}

describe("ferry gc decides", () => {
  it("keeps whatever a stack, a kept generation, a task or a kept index reaches, and the cache; removes the rest, saying why", () => {
    const plan = planGc(seeded());
    const said = (list: typeof plan.keep) => Object.fromEntries(list.map((x) => [x.digest.slice(7, 8), x.reasons]));
    expect(said(plan.keep)).to.deep.equal({
      "1": ["generation 1 of prod (the newest 2 are kept)"],
      a: ["part of kept index 111111111111"],
      b: ["part of kept index 111111111111"],
      "2": ["prod runs it", "generation 2 of prod (the newest 2 are kept)"],
      c: ["part of kept index 222222222222"],
      e: ["part of kept index 222222222222"],
      "3": ["staging runs it", "generation 3 of staging (the newest 2 are kept)"],
      f: ["part of kept index 333333333333"],
      "0": ["part of kept index 333333333333"],
      "7": ["a build cache (expired by age, by the lifecycle policy)"],
      "9": ["ACTIVE task definition ferry-prod-batch:4"],
    });
    expect(said(plan.remove)).to.deep.equal({
      "4": ["no stack runs it, no kept generation is it, no task uses it"],
      "5": ["untagged, and no kept index references it"],
      "6": ["no stack runs it, no kept generation is it, no task uses it"],
      "8": ["untagged, and no kept index references it"],
    });
  });

  it("lets a generation go once newer ones fill the kept count, with its platform images, unless something else holds them", () => {
    const one = { ...seeded(), keepGenerations: 1 };
    const plan = planGc(one);
    const removed = plan.remove.map((x) => x.digest.slice(7, 8));
    expect(removed).to.include.members(["1", "a", "b"]);
    expect(plan.remove.find((x) => x.digest === d("1"))!.reasons).to.deep.equal(["generation 1 of prod: older than the generations kept, and nothing runs it"]);
    // A platform image shared with a kept index stays.
    const shared = seeded();
    shared.keepGenerations = 1;
    shared.images.find((x) => x.digest === d("2"))!.children = [d("c"), d("e"), d("a")];
    const kept = planGc(shared).keep.find((x) => x.digest === d("a"));
    expect(kept?.reasons).to.deep.equal(["part of kept index 222222222222"]);
    // A task still running an old generation keeps it.
    const running = seeded();
    running.keepGenerations = 0;
    running.inUse.push({ what: "running task 0a1b2c of ferry-prod", digests: [d("1")] });
    expect(planGc(running).keep.find((x) => x.digest === d("1"))?.reasons).to.deep.equal(["running task 0a1b2c of ferry-prod"]);
  });

  it("follows nested indexes, and never removes what a stack runs whatever the kept count", () => {
    const nested = seeded();
    nested.images.push({ digest: d("d"), tags: [], pushedAt: at(7), children: [d("5")] });
    nested.images.find((x) => x.digest === d("3"))!.children!.push(d("d"));
    const plan = planGc({ ...nested, keepGenerations: 0 });
    expect(plan.keep.find((x) => x.digest === d("5"))?.reasons).to.deep.equal(["part of kept index dddddddddddd"]);
    expect(plan.keep.map((x) => x.digest)).to.include.members([d("2"), d("3")]);
  });

  it("refuses inputs it cannot reason about", () => {
    const bad = seeded();
    bad.keepGenerations = -1;
    bad.images.push({ digest: "latest", tags: [], pushedAt: at(1) }, { ...bad.images[0] });
    expect(() => planGc(bad)).to.throw(`cannot plan a cleanup: keepGenerations must be a whole number of at least 0, not -1; "latest" is not an image digest (sha256:<64 hex>); ${d("1")} is listed twice`);
  });
});
