/**
 * The ECR lifecycle policy of Ferry's image repository, as data, and a checker for ECR's documented
 * lifecycle policy grammar.
 *
 * How ECR evaluates rules (ECR user guide, "How lifecycle policies work"): rules apply in rulePriority
 * order; an image is expired by at most one rule; an image that matches a higher-priority rule's tag
 * selection cannot be expired by a lower-priority rule; several patterns in one tagPatternList must ALL
 * match (so Ferry writes one pattern per rule).
 *
 * What ECR does not do: when it keeps or expires a multi-arch index it does not follow the index to
 * its platform manifests (aws/containers-roadmap#1466). A platform image is only as safe as its own
 * tags. So:
 *   - promotion tags the index AND each platform image of a release (`release-<stack>-<gen>[-<arch>]`);
 *     rule 1 keeps every one of them, whatever build rule would otherwise expire them;
 *   - build indexes (`build-*`) keep the newest N; platform images (`amd64-*`, `arm64-*`) keep twice
 *     as many, so a kept index never loses a platform image to a build whose push half failed;
 *   - there is NO untagged rule. Platform manifests inside an index can be untagged (attestation
 *     manifests, single multi-platform builds), and an "expire untagged" rule would orphan a running
 *     index. Untagged leftovers (overwritten cache manifests, children of expired indexes) are for a
 *     reference-aware cleanup (`ferry gc`), not for lifecycle rules.
 */
import { BUILD_PREFIX, CACHE_PREFIX, POINTER_PREFIX, Platform, RELEASE_PREFIX, arch } from "./imageTags";

export interface LifecycleRule {
  rulePriority: number;
  description: string;
  selection: {
    tagStatus: "tagged" | "untagged" | "any";
    tagPatternList?: string[];
    tagPrefixList?: string[];
    countType: "imageCountMoreThan" | "sinceImagePushed" | "sinceImagePulled" | "sinceImageTransitioned";
    countUnit?: "days";
    countNumber: number;
  };
  action: { type: "expire" | "transition"; targetStorageClass?: "archive" };
}

export interface LifecyclePolicy {
  rules: LifecycleRule[];
}

export interface LifecycleOptions {
  /** Newest build indexes kept per target. */
  keepBuilds: number;
  /** Dockerfile targets built (each target pushes its own index per build). */
  targets: number;
  /** Platforms built per target. */
  platforms: readonly Platform[];
  /** Days after which a cache tag nobody pushed again is stale. */
  cacheDays: number;
}

/** "Keep" in ECR terms: a count rule whose count is never reached. */
export const KEEP_ALL = 10000;

export function lifecyclePolicy(o: LifecycleOptions): LifecyclePolicy {
  const keep = (pattern: string, description: string, count: number) => ({
    description,
    selection: { tagStatus: "tagged" as const, tagPatternList: [pattern], countType: "imageCountMoreThan" as const, countNumber: count },
    action: { type: "expire" as const },
  });
  const rules = [
    keep(`${RELEASE_PREFIX}*`, "Keep every release (release-<stack>-<generation>, index and platform images): rollbacks need them", KEEP_ALL),
    keep(`${POINTER_PREFIX}*`, "Keep what each stack runs now (stack-<stack>)", KEEP_ALL),
    keep(`${BUILD_PREFIX}*`, `Keep the newest ${o.keepBuilds} builds per target (multi-arch indexes)`, o.keepBuilds * o.targets),
    ...o.platforms.map((p) =>
      keep(`${arch(p)}-*`, `Keep the newest ${2 * o.keepBuilds} ${arch(p)} images per target (twice the builds kept)`, 2 * o.keepBuilds * o.targets),
    ),
    {
      description: `Expire cache tags not pushed for ${o.cacheDays} days (targets or platforms no longer built)`,
      selection: { tagStatus: "tagged" as const, tagPatternList: [`${CACHE_PREFIX}*`], countType: "sinceImagePushed" as const, countUnit: "days" as const, countNumber: o.cacheDays },
      action: { type: "expire" as const },
    },
  ];
  return { rules: rules.map((r, i) => ({ rulePriority: i + 1, ...r })) };
}

/**
 * Problems with a policy under ECR's documented grammar (lifecycle policy properties): unique positive
 * integer priorities; tagged rules name a tag pattern or prefix list (not both); untagged rules name
 * neither; at most one untagged rule; an `any` rule has the highest priority; imageCountMoreThan takes no
 * countUnit, the since* counts take countUnit "days"; countNumber a positive integer; at most four
 * wildcards per pattern; transition only to the archive storage class.
 */
export function lifecyclePolicyProblems(policy: LifecyclePolicy): string[] {
  const problems: string[] = [];
  const rules = policy.rules ?? [];
  if (rules.length === 0) problems.push("a policy needs at least one rule");
  const priorities = rules.map((r) => r.rulePriority);
  if (new Set(priorities).size !== priorities.length) problems.push(`rule priorities must be unique: ${priorities.join(", ")}`);
  const maxPriority = Math.max(...priorities);
  let untagged = 0;
  for (const r of rules) {
    const at = `rule ${r.rulePriority}`;
    const s = r.selection;
    if (!Number.isInteger(r.rulePriority) || r.rulePriority < 1) problems.push(`${at}: rulePriority must be a positive integer`);
    if (!["tagged", "untagged", "any"].includes(s.tagStatus)) problems.push(`${at}: tagStatus must be tagged, untagged or any`);
    const lists = [s.tagPatternList, s.tagPrefixList].filter((l) => l !== undefined);
    if (s.tagStatus === "tagged") {
      if (lists.length !== 1) problems.push(`${at}: a tagged rule needs exactly one of tagPatternList and tagPrefixList`);
      else if (lists[0]!.length === 0) problems.push(`${at}: the tag list must not be empty`);
    } else if (lists.length > 0) {
      problems.push(`${at}: a rule with tagStatus ${s.tagStatus} takes no tag list`);
    }
    if (s.tagStatus === "untagged") untagged++;
    if (s.tagStatus === "any" && r.rulePriority !== maxPriority) problems.push(`${at}: a rule with tagStatus any must have the highest rulePriority`);
    for (const p of s.tagPatternList ?? []) {
      if ((p.match(/\*/g) ?? []).length > 4) problems.push(`${at}: pattern "${p}" has more than four wildcards`);
    }
    if (s.countType === "imageCountMoreThan") {
      if (s.countUnit !== undefined) problems.push(`${at}: imageCountMoreThan takes no countUnit`);
    } else if (["sinceImagePushed", "sinceImagePulled", "sinceImageTransitioned"].includes(s.countType)) {
      if (s.countUnit !== "days") problems.push(`${at}: ${s.countType} needs countUnit "days"`);
    } else {
      problems.push(`${at}: unknown countType ${String(s.countType)}`);
    }
    if (!Number.isInteger(s.countNumber) || s.countNumber < 1) problems.push(`${at}: countNumber must be a positive integer`);
    if (r.action.type === "transition" ? r.action.targetStorageClass !== "archive" : r.action.type !== "expire") {
      problems.push(`${at}: action must be expire, or transition to archive`);
    }
  }
  if (untagged > 1) problems.push("only one rule may select untagged images");
  return problems;
}

/**
 * The rule that decides an image with these tags: the first by priority whose selection matches
 * (ECR's "cannot be expired by a rule with a lower priority"). Undefined: no rule touches it.
 */
export function ruleFor(policy: LifecyclePolicy, tags: string[]): LifecycleRule | undefined {
  const matches = (pattern: string, tag: string) => new RegExp(`^${pattern.split("*").map(escape).join(".*")}$`).test(tag);
  return [...policy.rules]
    .sort((a, b) => a.rulePriority - b.rulePriority)
    .find((r) => {
      const s = r.selection;
      if (s.tagStatus === "any") return true;
      if (s.tagStatus === "untagged") return tags.length === 0;
      if (tags.length === 0) return false;
      if (s.tagPatternList) return s.tagPatternList.every((p) => tags.some((t) => matches(p, t)));
      return (s.tagPrefixList ?? []).every((p) => tags.some((t) => t.startsWith(p)));
    });
}

function escape(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}
