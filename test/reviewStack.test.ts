/**
 * Review stacks' time-to-live: `ferry:reviewStacks` in the template's file makes every stack made from
 * it (Pulumi Deployments copies the config) declare a TTL schedule on itself, fixed at creation; the
 * template itself and the other stacks declare none.
 */
import { expect } from "chai";
import { parseConfig } from "../config";
import { expiryAfter } from "../components/reviewStackTtl";
import { MAX_REVIEW_TTL_HOURS } from "../config/validate";
import { runProgram } from "../plan/run";
import { stackConfig } from "./harness";
import { flat, problemsFor, REF } from "./support/configData";

const web = { imageRef: REF, services: { web: { port: 8080 } } };

describe("review stacks' time-to-live", function () {
  this.timeout(60000);

  describe("ferry:reviewStacks", () => {
    const cases: { given: unknown; stack?: string; problems?: string[]; ttl?: number }[] = [
      { given: { template: "dev", ttlHours: 72 }, ttl: 72 },
      { given: { template: "dev", ttlHours: 1 }, ttl: 1 },
      { given: { template: "dev", ttlHours: MAX_REVIEW_TTL_HOURS }, ttl: MAX_REVIEW_TTL_HOURS },
      { given: { template: "dev", ttlHours: 72 }, stack: "dev", ttl: undefined },
      { given: { template: "dev", ttlHours: 0 }, problems: ["ferry:reviewStacks.ttlHours: got 0; an integer from 1 to 720"] },
      { given: { template: "dev", ttlHours: 721 }, problems: ["ferry:reviewStacks.ttlHours: got 721; an integer from 1 to 720"] },
      { given: { template: "dev", ttlHours: 1.5 }, problems: ["ferry:reviewStacks.ttlHours: got 1.5; an integer from 1 to 720"] },
      { given: { ttlHours: 72 }, problems: ["ferry:reviewStacks.template: got (missing); the name of the stack review stacks are made from, e.g. dev"] },
      { given: { template: "dev" }, problems: ["ferry:reviewStacks.ttlHours: got (missing); hours a review stack lives at most, 1 to 720"] },
      { given: { template: "dev/x", ttlHours: 72 }, problems: [`ferry:reviewStacks.template: got "dev/x"; a stack name, e.g. dev`] },
      { given: { template: "dev", ttlHours: 72, ttl: 3 }, problems: [`ferry:reviewStacks.ttl: got 3; unknown key; known keys: template, ttlHours`] },
      { given: "72h", problems: [`ferry:reviewStacks: got "72h"; an object (a YAML mapping)`] },
    ];
    for (const c of cases) {
      const stack = c.stack ?? "pr-7";
      it(`${JSON.stringify(c.given)} in stack ${stack}: ${c.problems ? "refused" : c.ttl === undefined ? "no time-to-live" : `${c.ttl} h`}`, () => {
        const data = { ...web, reviewStacks: c.given };
        expect(problemsFor(data, [], stack)).to.deep.equal(c.problems ?? []);
        if (!c.problems) expect(parseConfig(stack, flat(data)).reviewStack).to.deep.equal(c.ttl === undefined ? undefined : { ttlHours: c.ttl });
      });
    }
  });

  it("the expiry is an ISO 8601 instant, whole seconds, in UTC", () => {
    expect(expiryAfter(72, new Date("2026-12-02T18:00:00.123Z"))).to.equal("2026-12-05T18:00:00Z");
    expect(expiryAfter(1, new Date("2026-12-31T23:30:00Z"))).to.equal("2027-01-01T00:30:00Z");
  });

  it("a stack made from dev's config declares a TTL schedule on itself, fixed at creation, deleting the stack after", async () => {
    const before = Date.now();
    const run = await runProgram("pr-7", stackConfig("dev"));
    const ttl = run.resources.filter((r) => r.type === "pulumiservice:index:TtlSchedule");
    expect(ttl.map((r) => [r.name, { ...r.inputs, timestamp: undefined }, r.options])).to.deep.equal([
      ["review-stack-ttl", { organization: "acme", project: "ferry", stack: "pr-7", timestamp: undefined, deleteAfterDestroy: true }, { ignoreChanges: ["timestamp"], replaceOnChanges: ["organization", "project", "stack", "timestamp"] }],
    ]);
    const at = Date.parse(ttl[0].inputs.timestamp as string);
    expect(at).to.be.within(before + 72 * 3_600_000 - 1000, Date.now() + 72 * 3_600_000);
    expect(run.outputs.reviewStackExpiresAt.value).to.equal(ttl[0].inputs.timestamp);
  });

  for (const stack of ["dev", "staging", "prod"]) {
    it(`${stack} itself declares none`, async () => {
      const run = await runProgram(stack, stackConfig(stack));
      expect(run.resources.filter((r) => r.type === "pulumiservice:index:TtlSchedule")).to.deep.equal([]);
      expect(run.outputs.reviewStackExpiresAt?.value).to.equal(undefined);
    });
  }
});
