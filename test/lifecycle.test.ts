/**
 * The ECR lifecycle policy: which rule decides each kind of image (ECR applies the first rule by
 * priority whose tag selection matches), and conformance to ECR's documented policy grammar.
 */
import { expect } from "chai";
import { buildTag, cacheTag, platformTag, pointerTag, releaseTag } from "../lib/imageTags";
import { KEEP_ALL, LifecyclePolicy, lifecyclePolicy, lifecyclePolicyProblems, ruleFor } from "../lib/lifecycle";

const policy = lifecyclePolicy({ keepBuilds: 30, targets: 2, platforms: ["linux/amd64", "linux/arm64"], cacheDays: 14 });

describe("lifecycle policy", () => {
  it("conforms to ECR's lifecycle policy grammar", () => {
    expect(lifecyclePolicyProblems(policy)).to.deep.equal([]);
  });

  it("is exactly these rules, in this order (descriptions say what each keeps, in the options' numbers)", () => {
    const keep = (rulePriority: number, pattern: string, countNumber: number, description: string) => ({
      rulePriority, description, selection: { tagStatus: "tagged", tagPatternList: [pattern], countType: "imageCountMoreThan", countNumber }, action: { type: "expire" },
    });
    expect(lifecyclePolicy({ keepBuilds: 3, targets: 2, platforms: ["linux/amd64", "linux/arm64"], cacheDays: 7 })).to.deep.equal({
      rules: [
        keep(1, "release-*", KEEP_ALL, "Keep every release (release-<stack>-<generation>, index and platform images): rollbacks need them"),
        keep(2, "stack-*", KEEP_ALL, "Keep what each stack runs now (stack-<stack>)"),
        keep(3, "build-*", 3 * 2, "Keep the newest 3 builds per target (multi-arch indexes)"),
        keep(4, "amd64-*", 2 * 3 * 2, "Keep the newest 6 amd64 images per target (twice the builds kept)"),
        keep(5, "arm64-*", 2 * 3 * 2, "Keep the newest 6 arm64 images per target (twice the builds kept)"),
        {
          rulePriority: 6,
          description: "Expire cache tags not pushed for 7 days (targets or platforms no longer built)",
          selection: { tagStatus: "tagged", tagPatternList: ["cache-*"], countType: "sinceImagePushed", countUnit: "days", countNumber: 7 },
          action: { type: "expire" },
        },
      ],
    });
    // One platform, one target: no rule for the platform not built.
    expect(lifecyclePolicy({ keepBuilds: 5, targets: 1, platforms: ["linux/arm64"], cacheDays: 14 }).rules.map((r) => [r.selection.tagPatternList![0], r.selection.countNumber])).to.deep.equal([
      ["release-*", KEEP_ALL], ["stack-*", KEEP_ALL], ["build-*", 5], ["arm64-*", 10], ["cache-*", 14],
    ]);
  });

  it("has no untagged and no 'any' rule (either could orphan the platform manifests of a kept index)", () => {
    expect(policy.rules.map((r) => r.selection.tagStatus)).to.deep.equal(policy.rules.map(() => "tagged"));
  });

  const cases: { image: string; tags: string[]; decision: "kept" | { count: number } | { days: number } | "untouched" }[] = [
    { image: "a released index (also a build)", tags: [buildTag("abc123"), releaseTag("prod", 7)], decision: "kept" },
    { image: "a released platform image (also a build)", tags: [platformTag("abc123", undefined, "linux/arm64"), releaseTag("prod", 7, "linux/arm64")], decision: "kept" },
    { image: "what a stack runs now", tags: [buildTag("abc123"), pointerTag("staging")], decision: "kept" },
    { image: "an unreleased build index", tags: [buildTag("abc123", "worker")], decision: { count: 60 } },
    { image: "an unreleased amd64 image", tags: [platformTag("abc123", undefined, "linux/amd64")], decision: { count: 120 } },
    { image: "an unreleased arm64 image", tags: [platformTag("abc123", "worker", "linux/arm64")], decision: { count: 120 } },
    { image: "a cache image", tags: [cacheTag(undefined, "linux/amd64")], decision: { days: 14 } },
    { image: "an untagged manifest (platform image inside an index, old cache)", tags: [], decision: "untouched" },
  ];
  for (const c of cases) {
    it(`${c.image}: ${typeof c.decision === "string" ? c.decision : JSON.stringify(c.decision)}`, () => {
      const rule = ruleFor(policy, c.tags);
      if (c.decision === "untouched") {
        expect(rule).to.equal(undefined);
        return;
      }
      expect(rule, `a rule for ${c.tags.join(", ")}`).not.to.equal(undefined);
      const s = rule!.selection;
      if (c.decision === "kept") expect({ type: s.countType, n: s.countNumber }).to.deep.equal({ type: "imageCountMoreThan", n: KEEP_ALL });
      else if ("count" in c.decision) expect({ type: s.countType, n: s.countNumber }).to.deep.equal({ type: "imageCountMoreThan", n: c.decision.count });
      else expect({ type: s.countType, n: s.countNumber, unit: s.countUnit }).to.deep.equal({ type: "sinceImagePushed", n: c.decision.days, unit: "days" });
    });
  }

  it("keeps platform images longer than the indexes that reference them", () => {
    const count = (tag: string) => ruleFor(policy, [tag])!.selection.countNumber;
    expect(count(platformTag("x", undefined, "linux/amd64"))).to.be.greaterThan(count(buildTag("x")));
  });

  it("decides like ECR for the rule shapes it does not use itself: prefixes, untagged, any, several patterns, priority order", () => {
    const rule = (rulePriority: number, selection: Partial<LifecyclePolicy["rules"][number]["selection"]>) => ({
      rulePriority, description: String(rulePriority), selection: { tagStatus: "tagged" as const, countType: "imageCountMoreThan" as const, countNumber: 1, ...selection }, action: { type: "expire" as const },
    });
    // Listed out of order: priority decides, not position.
    const p: LifecyclePolicy = {
      rules: [
        rule(9, { tagStatus: "any", tagPatternList: undefined }),
        rule(2, { tagPrefixList: ["v", "prod"] }),
        rule(1, { tagPatternList: ["a*", "*z"] }),
        rule(3, { tagStatus: "untagged" }),
        rule(4, { tagPatternList: ["x.y+"] }),
      ],
    };
    const decided = (tags: string[]) => ruleFor(p, tags)?.rulePriority;
    const cases: [string[], number][] = [
      [["ab", "yz"], 1], // every pattern matches some tag
      [["az"], 1],
      [["ab"], 9], // one pattern alone is not enough
      [["v1", "prod-eu"], 2], // every prefix matches some tag
      [["v1"], 9],
      [["1v", "eu-prod"], 9], // prefixes match at the start only
      [[], 3], // untagged before any
      [["x.y+"], 4], // pattern characters other than * are literal
      [["xzyy"], 9],
    ];
    expect(cases.map(([tags]) => [tags, decided(tags)])).to.deep.equal(cases);
    expect(ruleFor({ rules: p.rules.filter((r) => r.rulePriority !== 3 && r.rulePriority !== 9) }, [])).to.equal(undefined);
  });

  describe("grammar checker refuses", () => {
    const base = () => JSON.parse(JSON.stringify(policy)) as LifecyclePolicy;
    const broken: { what: string; edit: (p: LifecyclePolicy) => void; says: string }[] = [
      { what: "duplicate priorities", edit: (p) => (p.rules[1].rulePriority = 1), says: "rule priorities must be unique" },
      { what: "a tagged rule without a tag list", edit: (p) => delete p.rules[0].selection.tagPatternList, says: "needs exactly one of tagPatternList and tagPrefixList" },
      { what: "both tag lists", edit: (p) => (p.rules[0].selection.tagPrefixList = ["x"]), says: "needs exactly one of tagPatternList and tagPrefixList" },
      { what: "an untagged rule with a tag list", edit: (p) => (p.rules[0].selection.tagStatus = "untagged"), says: "a rule with tagStatus untagged takes no tag list" },
      { what: "two untagged rules", edit: (p) => p.rules.slice(0, 2).forEach((r) => { r.selection.tagStatus = "untagged"; delete r.selection.tagPatternList; }), says: "only one rule may select untagged images" },
      { what: "an 'any' rule not last", edit: (p) => { p.rules[0].selection.tagStatus = "any"; delete p.rules[0].selection.tagPatternList; }, says: "must have the highest rulePriority" },
      { what: "countUnit on a count rule", edit: (p) => (p.rules[2].selection.countUnit = "days"), says: "imageCountMoreThan takes no countUnit" },
      { what: "an age rule without days", edit: (p) => delete p.rules[p.rules.length - 1].selection.countUnit, says: `needs countUnit "days"` },
      { what: "countNumber 0", edit: (p) => (p.rules[2].selection.countNumber = 0), says: "countNumber must be a positive integer" },
      { what: "five wildcards", edit: (p) => (p.rules[0].selection.tagPatternList = ["*a*b*c*d*"]), says: "more than four wildcards" },
      { what: "transition without archive", edit: (p) => (p.rules[0].action = { type: "transition" }), says: "transition to archive" },
    ];
    for (const b of broken) {
      it(b.what, () => {
        const p = base();
        b.edit(p);
        expect(lifecyclePolicyProblems(p).join("\n")).to.contain(b.says);
      });
    }

    it("each problem, word for word, and nothing for what ECR accepts", () => {
      const one = (selection: Record<string, unknown>, action: Record<string, unknown> = { type: "expire" }, rulePriority: unknown = 1) =>
        lifecyclePolicyProblems({ rules: [{ rulePriority, description: "", selection, action }] } as unknown as LifecyclePolicy);
      const tagged = { tagStatus: "tagged", tagPatternList: ["a*"], countType: "imageCountMoreThan", countNumber: 1 };
      const cases: [string[], string[]][] = [
        [one(tagged), []],
        [one({ ...tagged, tagPatternList: ["*a*b*c*d"] }), []],
        [one({ ...tagged, countType: "sinceImagePulled", countUnit: "days" }, { type: "transition", targetStorageClass: "archive" }), []],
        [one({ tagStatus: "untagged", countType: "sinceImageTransitioned", countUnit: "days", countNumber: 1 }), []],
        [one({ tagStatus: "any", countType: "imageCountMoreThan", countNumber: 1 }), []],
        [one(tagged, { type: "expire" }, 0), ["rule 0: rulePriority must be a positive integer"]],
        [one(tagged, { type: "expire" }, 1.5), ["rule 1.5: rulePriority must be a positive integer"]],
        [one({ ...tagged, tagStatus: "some" }), ["rule 1: tagStatus must be tagged, untagged or any", "rule 1: a rule with tagStatus some takes no tag list"]],
        [one({ ...tagged, tagPatternList: [] }), ["rule 1: the tag list must not be empty"]],
        [one({ ...tagged, countType: "sinceForever" }), ["rule 1: unknown countType sinceForever"]],
        [one({ ...tagged, countNumber: 2.5 }), ["rule 1: countNumber must be a positive integer"]],
        [one(tagged, { type: "archive" }), ["rule 1: action must be expire, or transition to archive"]],
        [lifecyclePolicyProblems({ rules: [] }), ["a policy needs at least one rule"]],
      ];
      expect(cases.map(([got]) => got)).to.deep.equal(cases.map(([, want]) => want));
    });
  });
});
