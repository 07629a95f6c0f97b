/**
 * Ferry's policy pack served as Pulumi serves a Node.js pack (test/support/policyPack.ts): the
 * engine's side of the analyzer protocol, with the same passing and failing resources as the
 * policies' own tests.
 */
import { expect } from "chai";
import { ServedPolicyPack } from "./support/policyPack";
import { ALB, alb, CASES, REPOSITORY, STACK_CASES } from "./support/policyCases";

describe("the policy pack, served as the Pulumi CLI serves it", function () {
  this.timeout(60000);
  let pack: ServedPolicyPack;
  before(async () => (pack = await ServedPolicyPack.start()));
  after(() => pack?.stop());

  it("reports each policy's failing resources (and only those) to the engine, at its enforcement level", async () => {
    for (const [policy, c] of Object.entries(CASES)) {
      for (const props of c.pass) expect(await pack.analyze(c.type, "r", props), `${policy} ${JSON.stringify(props)}`).to.deep.equal([]);
      for (const [props, says] of c.fail) {
        const found = await pack.analyze(c.type, "r", props);
        expect(found.map((d) => d.policyName), `${policy} ${JSON.stringify(props)}`).to.deep.equal([policy]);
        expect(found[0].message).to.contain(says);
        expect(found[0].enforcementLevel).to.equal(policy === "elb-access-logs" ? "advisory" : "mandatory");
      }
    }
  });

  it("checks the whole stack for repositories without a lifecycle policy, naming the repository", async () => {
    for (const stack of STACK_CASES.pass) expect(await pack.analyzeStack(stack), JSON.stringify(stack)).to.deep.equal([]);
    const found = await pack.analyzeStack(STACK_CASES.fail[0]);
    // The engine prints the policy's description, then the violation.
    expect(found.map((d) => [d.policyName, d.message, d.urn])).to.deep.equal([
      ["ecr-lifecycle-policy", `[ECR.3] ECR repositories should have at least one lifecycle policy configured.\n${REPOSITORY}::ferry-dev: no lifecycle policy: the repository grows forever`, `urn:pulumi:test::ferry::${REPOSITORY}::ferry-dev`],
    ]);
  });

  it("takes the production stacks from --policy-pack-config", async () => {
    const live = alb({ enableDeletionProtection: false, tags: { "ferry:stack": "live" } });
    expect(await pack.analyze(ALB, "lb", live)).to.deep.equal([]);
    await pack.configure({ "elb-deletion-protection": { productionStacks: ["live"] } });
    expect((await pack.analyze(ALB, "lb", live)).map((d) => d.message.split("\n").pop())).to.deep.equal(["deletion protection is off in production stack live (ferry:loadBalancer.deletionProtection)"]);
  });
});
