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
  });
});
