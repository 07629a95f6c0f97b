/**
 * The pipeline project (pipeline/): its config contract, what Pulumi Deployments does for each stack
 * (which pushes deploy which stack, with the path filters read as globs), its resources under the mock
 * runtime, and `ferry plan --project pipeline`.
 */
import { expect } from "chai";
import { ferry, tempStackFile } from "./support/cli";
import { readStackConfig } from "../config/stackConfig";
import { parsePipelineConfig } from "../pipeline/config";
import { StackDeployment, stackDeployments } from "../pipeline/deployments";
import { deployerPolicies } from "../pipeline/permissions";
import { readShapes } from "../pipeline/repository";
import { deploymentSubject, ISSUER, trustPolicy } from "../pipeline/trust";
import { PIPELINE_DIR, runPipeline } from "../plan/run";

const policy = (n: string) => `arn:aws:iam::123456789012:policy/deploy-${n}`;
const stacks = { "network/staging": { policyArns: [policy("ns")] }, "network/prod": { policyArns: [policy("np")] }, "ferry/dev": { policyArns: [policy("fd")] }, "ferry/staging": { policyArns: [policy("fs")] }, "ferry/prod": { policyArns: [policy("fp"), "arn:aws:iam::aws:policy/ReadOnlyAccess"] } };
const valid: Record<string, string> = { "pipeline:organization": "acme", "pipeline:repository": "acme/ferry", "pipeline:stacks": JSON.stringify(stacks) };

/** A path filter as a glob: `**` any path, `*` any name within one folder. */
function matches(glob: string, file: string): boolean {
  const re = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*\*/g, "\u0000").replace(/\*/g, "[^/]*").replace(/\u0000/g, ".*");
  return new RegExp(`^${re}$`).test(file);
}
const deployedBy = (ds: StackDeployment[], file: string) => ds.filter((d) => d.deployCommits && d.paths.some((p) => matches(p, file))).map((d) => `${d.project}/${d.stack}`);

/** The role ARN the offline plan's model gives a role of this name. */
const roleArn = (name: string) => `arn:aws:iam::123456789012:role/${name}`;

describe("pipeline project", function () {
  this.timeout(60000);

  describe("config (pipeline:*)", () => {
    it("reads the shipped stack file, with the defaults", () => {
      const s = parsePipelineConfig(readStackConfig(PIPELINE_DIR, "main").values);
      expect([s.organization, s.repository, s.branch, s.driftSchedule]).to.deep.equal(["acme", "acme/ferry", "main", "0 */6 * * *"]);
      expect(Object.keys(s.stacks)).to.deep.equal(["network/staging", "network/prod", "ferry/dev", "ferry/staging", "ferry/prod"]);
    });

    const refused: [Record<string, string>, string[]][] = [
      [{}, [
        "pipeline:organization: got (missing); your Pulumi organization's name",
        "pipeline:repository: got (missing); the GitHub repository as owner/name",
      ]],
      [{ ...valid, "pipeline:repository": "ferry" }, [`pipeline:repository: got "ferry"; the GitHub repository as owner/name`]],
      [{ ...valid, "pipeline:repository": "-acme/ferry" }, [`pipeline:repository: got "-acme/ferry"; the GitHub repository as owner/name`]],
      [{ ...valid, "pipeline:repository": "acme/ferry/x" }, [`pipeline:repository: got "acme/ferry/x"; the GitHub repository as owner/name`]],
      [{ ...valid, "pipeline:branch": "release..1" }, [`pipeline:branch: got "release..1"; a git branch name, e.g. main`]],
      [{ ...valid, "pipeline:branch": "main.lock" }, [`pipeline:branch: got "main.lock"; a git branch name, e.g. main`]],
      [{ ...valid, "pipeline:driftSchedule": "hourly" }, [`pipeline:driftSchedule: got "hourly"; a cron expression of five fields, e.g. 0 */6 * * *`]],
      [{ ...valid, "pipeline:branches": "main" }, [`pipeline:branches: got "main"; unknown key (did you mean "branch"?); known keys: organization, repository, branch, stacks, driftSchedule`]],
      [{ ...valid, "pipeline:stacks": JSON.stringify({ ...stacks, "ferry/qa": { policyArns: [policy("q")] } }) }, [`pipeline:stacks.ferry/qa: got {"policyArns":["arn:aws:iam::123456789012:policy/deploy-q"]}; unknown key; known keys: network/staging, network/prod, ferry/dev, ferry/staging, ferry/prod`]],
      [{ ...valid, "pipeline:stacks": JSON.stringify({ ...stacks, "ferry/prod": undefined }) }, ["pipeline:stacks.ferry/prod: got (missing); {} or { policyArns: [<more managed policies for this stack's deployments>] } (every stack is listed)"]],
      [{ ...valid, "pipeline:stacks": JSON.stringify({ ...stacks, "ferry/dev": { policyArns: ["deploy-dev"] } }) }, [`pipeline:stacks.ferry/dev.policyArns[0]: got "deploy-dev"; an IAM managed policy ARN (arn:aws:iam::<account or aws>:policy/<name>)`]],
      [{ ...valid, "pipeline:stacks": JSON.stringify({ ...stacks, "ferry/dev": { policyArns: "arn:aws:iam::aws:policy/ReadOnlyAccess" } }) }, [`pipeline:stacks.ferry/dev.policyArns: got "arn:aws:iam::aws:policy/ReadOnlyAccess"; a list`]],
      [{ ...valid, "pipeline:stacks": JSON.stringify({ ...stacks, "ferry/dev": { roleArn: "x" } }) }, [`pipeline:stacks.ferry/dev.roleArn: got "x"; unknown key; known keys: policyArns`]],
      [{ ...valid, "pipeline:stacks": JSON.stringify({ ...stacks, "ferry/dev": "all" }) }, [`pipeline:stacks.ferry/dev: got "all"; an object (a YAML mapping)`]],
    ];
    for (const [raw, problems] of refused) {
      it(`refuses ${JSON.stringify(raw).slice(0, 90)}`, () => {
        let err: Error | undefined;
        try {
          parsePipelineConfig(raw);
        } catch (e) {
          err = e as Error;
        }
        expect(err?.message).to.equal(`invalid pipeline config (${problems.length} problem${problems.length > 1 ? "s" : ""}):\n${problems.map((p) => `  ${p}`).join("\n")}`);
      });
    }
  });

  describe("every pattern matched whole, both sides of each rule", () => {
    const owner39 = "a".repeat(39);
    const withPolicy = (arn: string) => JSON.stringify({ ...stacks, "ferry/dev": { policyArns: [arn] } });
    const cases: [string, string, boolean][] = [
      ["organization", "acme", true],
      ["organization", "Acme_Co.2", true],
      ["organization", "-acme", false],
      ["organization", "acme corp", false],
      ["repository", "a/b", true],
      ["repository", "my-org/my.repo_1", true],
      ["repository", `${owner39}/x`, true],
      ["repository", `${owner39}a/x`, false],
      ["repository", `x/${"r".repeat(100)}`, true],
      ["repository", `x/${"r".repeat(101)}`, false],
      ["repository", "my--org/x", false],
      ["repository", "org-/x", false],
      ["repository", "org/x y", false],
      ["branch", "release/1.2", true],
      ["branch", "feature//x", false],
      ["branch", "/main", false],
      ["branch", "main/", false],
      ["branch", "x@{y}", false],
      ["branch", "x.lock", false],
      ["branch", "x.locked", true],
      ["branch", "x.", false],
      ["branch", "a b", false],
      ["driftSchedule", "0 6 * * 1-5", true],
      ["driftSchedule", "0  6 * * 1-5", true],
      ["driftSchedule", "0 */6 * *", false],
      ["driftSchedule", "0 */6 * * * *", false],
      ["stacks", withPolicy("arn:aws:iam::123456789012:policy/team/deploy"), true],
      ["stacks", withPolicy("arn:aws-cn:iam::123456789012:policy/deploy"), true],
      ["stacks", withPolicy("arn:aws:iam::aws:policy/ReadOnlyAccess"), true],
      ["stacks", withPolicy("xarn:aws:iam::123456789012:policy/deploy"), false],
      ["stacks", withPolicy("arn:aws:iam::123456789012:policy/"), false],
      ["stacks", withPolicy("arn:aws:iam::12345678901:policy/deploy"), false],
      ["stacks", withPolicy("arn:aws:iam::123456789012:policy/deploy me"), false],
      ["stacks", withPolicy("arn:aws1:iam::123456789012:policy/deploy"), false],
      ["stacks", withPolicy("arn:aws:iam::123456789012:role/deploy"), false],
    ];
    for (const [key, value, ok] of cases) {
      it(`pipeline:${key} ${JSON.stringify(value).slice(0, 60)} is ${ok ? "accepted" : "refused"}`, () => {
        const run = () => parsePipelineConfig({ ...valid, [`pipeline:${key}`]: value });
        if (ok) expect(run).not.to.throw();
        else expect(run).to.throw(`pipeline:${key}`);
      });
    }

    it("keys of other namespaces are not its business; values are what was given", () => {
      const s = parsePipelineConfig({ ...valid, "aws:region": "eu-west-1", "ferry:build": "true", "pipeline:driftSchedule": "15 3 * * *" });
      expect([s.driftSchedule, s.stacks["ferry/prod"].policyArns]).to.deep.equal(["15 3 * * *", [policy("fp"), "arn:aws:iam::aws:policy/ReadOnlyAccess"]]);
    });
  });

  describe("the deployment role's trust (pipeline/trust.ts)", () => {
    it("lets only this organization's deployments of this project and stack assume the role, through the OIDC provider", () => {
      expect(JSON.parse(trustPolicy("arn:aws:iam::123456789012:oidc-provider/api.pulumi.com/oidc", "acme", "ferry", "prod"))).to.deep.equal({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/api.pulumi.com/oidc" },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: { "api.pulumi.com/oidc:aud": "acme" },
              StringLike: { "api.pulumi.com/oidc:sub": "pulumi:deploy:org:acme:project:ferry:stack:prod:operation:*:scope:write" },
            },
          },
        ],
      });
      expect([ISSUER, deploymentSubject("o", "p", "s")]).to.deep.equal(["https://api.pulumi.com/oidc", "pulumi:deploy:org:o:project:p:stack:s:operation:*:scope:write"]);
    });
  });

  describe("what Deployments does for each stack", () => {
    const ds = stackDeployments(parsePipelineConfig({ ...valid, "pipeline:branch": "trunk" }), readShapes(["ferry/dev", "ferry/staging", "ferry/prod", "network/staging", "network/prod"]));
    const pushes: [string, string[]][] = [
      ["components/service.ts", ["ferry/dev"]],
      ["app/server.js", ["ferry/dev"]],
      ["package-lock.json", ["network/staging", "network/prod", "ferry/dev"]],
      ["Pulumi.dev.yaml", ["ferry/dev"]],
      ["Pulumi.staging.yaml", ["ferry/staging"]],
      ["Pulumi.prod.yaml", ["ferry/prod"]],
      ["network/index.ts", ["network/staging", "network/prod"]],
      ["network/Pulumi.prod.yaml", ["network/prod"]],
      ["config/network.ts", ["network/staging", "network/prod", "ferry/dev"]],
      ["README.md", []],
      ["test/gc.test.ts", []],
      ["pipeline/index.ts", []],
      ["index.ts", ["ferry/dev"]],
      ["lib/gc.ts", ["ferry/dev"]],
      ["aws/ecs.ts", ["ferry/dev"]],
      ["config/validate.ts", ["network/staging", "network/prod", "ferry/dev"]],
      ["config/reader.ts", ["network/staging", "network/prod", "ferry/dev"]],
      ["package.json", ["network/staging", "network/prod", "ferry/dev"]],
      ["Pulumi.yaml", ["ferry/dev"]],
      ["network/config.ts", ["network/staging", "network/prod"]],
      ["network/Pulumi.yaml", ["network/staging", "network/prod"]],
      ["network/Pulumi.staging.yaml", ["network/staging"]],
    ];
    for (const [file, stacksDeployed] of pushes) {
      it(`a push changing ${file} deploys ${stacksDeployed.join(", ") || "nothing"}`, () => expect(deployedBy(ds, file)).to.deep.equal(stacksDeployed));
    }

    it("every stack: pushes to the configured branch, previews pull requests, npm ci at the repository root, its own role through OIDC", () => {
      expect(ds.map((d) => [`${d.project}/${d.stack}`, d.branch, d.repoDir, d.previewPullRequests, d.preRunCommands, d.roleName, d.policyArns, d.sessionName])).to.deep.equal([
        ["network/staging", "trunk", "network", true, ["npm ci --prefix .."], "pulumi-deployments-network-staging", [policy("ns")], "pulumi-deployments-network-staging"],
        ["network/prod", "trunk", "network", true, ["npm ci --prefix .."], "pulumi-deployments-network-prod", [policy("np")], "pulumi-deployments-network-prod"],
        ["ferry/dev", "trunk", ".", true, ["npm ci"], "pulumi-deployments-ferry-dev", [policy("fd")], "pulumi-deployments-ferry-dev"],
        ["ferry/staging", "trunk", ".", true, ["npm ci"], "pulumi-deployments-ferry-staging", [policy("fs")], "pulumi-deployments-ferry-staging"],
        ["ferry/prod", "trunk", ".", true, ["npm ci"], "pulumi-deployments-ferry-prod", [policy("fp"), "arn:aws:iam::aws:policy/ReadOnlyAccess"], "pulumi-deployments-ferry-prod"],
      ]);
    });

    it("dev alone is the review stacks' template; prod stacks alone run drift detection", () => {
      expect(ds.filter((d) => d.pullRequestTemplate).map((d) => `${d.project}/${d.stack}`)).to.deep.equal(["ferry/dev"]);
      expect(ds.filter((d) => d.driftSchedule).map((d) => [`${d.project}/${d.stack}`, d.driftSchedule])).to.deep.equal([["network/prod", "0 */6 * * *"], ["ferry/prod", "0 */6 * * *"]]);
    });
  });

  describe("program under the mock runtime", () => {
    let run: Awaited<ReturnType<typeof runPipeline>>;
    before(async () => (run = await runPipeline("main", readStackConfig(PIPELINE_DIR, "main"))));

    it("one DeploymentSettings per stack, carrying the decisions exactly; no stored credentials", () => {
      const settings = run.resources.filter((r) => r.type === "pulumiservice:index:DeploymentSettings");
      expect(settings.map((r) => r.name).sort()).to.deep.equal(["ferry-dev", "ferry-prod", "ferry-staging", "network-prod", "network-staging"]);
      for (const d of run.deployments) {
        const r = settings.find((x) => x.name === `${d.project}-${d.stack}`)!;
        expect(r.inputs).to.deep.equal({
          organization: "acme",
          project: d.project,
          stack: d.stack,
          sourceContext: { git: { branch: "main", repoDir: d.repoDir } },
          github: { repository: "acme/ferry", deployCommits: true, previewPullRequests: true, pullRequestTemplate: d.pullRequestTemplate, paths: d.paths },
          operationContext: { preRunCommands: d.preRunCommands, options: { skipInstallDependencies: true }, oidc: { aws: { roleARN: roleArn(d.roleName), sessionName: d.sessionName } } },
        });
      }
    });

    it("trusts Pulumi Cloud's OIDC issuer for the organization only, as the audience", () => {
      const provider = run.resources.filter((r) => r.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
      expect(provider.map((r) => r.inputs)).to.deep.equal([{ url: "https://api.pulumi.com/oidc", clientIdLists: ["acme"] }]);
    });

    it("one role per stack, assumable only by that organization's deployments of that project and stack (dev's also by its review stacks)", () => {
      const roles = run.resources.filter((r) => r.type === "aws:iam/role:Role");
      expect(roles.map((r) => r.inputs.name).sort()).to.deep.equal(run.deployments.map((d) => d.roleName).sort());
      for (const d of run.deployments) {
        const r = roles.find((x) => x.inputs.name === d.roleName)!;
        const trust = JSON.parse(r.inputs.assumeRolePolicy as string);
        const subject = (stack: string) => `pulumi:deploy:org:acme:project:${d.project}:stack:${stack}:operation:*:scope:write`;
        const review = d.project === "ferry" && d.stack === "dev";
        expect(trust.Statement).to.deep.equal([
          {
            Effect: "Allow",
            Principal: { Federated: trust.Statement[0].Principal.Federated },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: { "api.pulumi.com/oidc:aud": "acme" },
              StringLike: { "api.pulumi.com/oidc:sub": subject(review ? "*" : d.stack) },
              ...(review ? { StringNotLike: { "api.pulumi.com/oidc:sub": [subject("staging"), subject("prod")] } } : {}),
            },
          },
        ]);
        expect(trust.Statement[0].Principal.Federated).to.match(/^arn:aws:iam::123456789012:openidconnectprovider\//);
      }
    });

    it("each role gets the generated least-privilege policies, then the stack's own policyArns", async () => {
      const custom = await runPipeline("main", { ...readStackConfig(PIPELINE_DIR, "main"), values: { ...readStackConfig(PIPELINE_DIR, "main").values, "pipeline:stacks": JSON.stringify(stacks) } });
      for (const d of custom.deployments) {
        const name = `${d.project}-${d.stack}`;
        const policies = custom.resources.filter((x) => x.type === "aws:iam/policy:Policy" && x.name.startsWith(`${name}-deploy-`));
        const docs = deployerPolicies(d.features, { account: "123456789012", partition: "aws", namePrefix: d.namePrefix, deniedPrefixes: d.deniedPrefixes, readSecretArns: d.readSecretArns });
        expect(policies.map((p) => [p.name, p.inputs.name, JSON.parse(p.inputs.policy as string)])).to.deep.equal(docs.map((doc, i) => [`${name}-deploy-${i}`, `${d.roleName}-${i}`, doc]));
        const attached = custom.resources.filter((x) => x.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && x.name.startsWith(`${name}-`));
        const generated = docs.map((_, i) => `arn:aws:iam::123456789012:policy/${d.roleName}-${i}`);
        expect(attached.sort((a, b) => Number(a.name.split("-").pop()) - Number(b.name.split("-").pop())).map((x) => x.inputs.policyArn)).to.deep.equal([...generated, ...d.policyArns]);
        expect(attached.every((x) => x.inputs.role === d.roleName)).to.equal(true);
      }
    });

    it("more policies than IAM attaches to one role is refused before anything is declared", async () => {
      const many = Array.from({ length: 9 }, (_, i) => policy(`extra-${i}`));
      const values = { ...readStackConfig(PIPELINE_DIR, "main").values, "pipeline:stacks": JSON.stringify({ ...stacks, "ferry/dev": { policyArns: many } }) };
      let err: Error | undefined;
      try {
        await runPipeline("main", { values, secretKeys: [] });
      } catch (e) {
        err = e as Error;
      }
      expect(err?.message).to.equal("invalid pipeline config (1 problem):\n  pipeline:stacks.ferry/dev.policyArns: got 9 policies; at most 7: the generated least-privilege policies take 3 of IAM's 10 managed policies per role");
    });

    it("no credential anywhere in the inputs: no keys, tokens or environment variables", () => {
      const text = JSON.stringify(run.resources.map((r) => r.inputs));
      expect(text).to.not.match(/AKIA[0-9A-Z]{16}|secretAccessKey|accessKeyId|AWS_SECRET|environmentVariables|"[^"]*token[^"]*":/i);
    });

    it("a DriftSchedule for each prod stack, after its settings, never remediating on its own", () => {
      const drift = run.resources.filter((r) => r.type === "pulumiservice:index:DriftSchedule");
      expect(drift.map((r) => [r.name, r.inputs])).to.have.deep.members([
        ["network-prod", { organization: "acme", project: "network", stack: "prod", scheduleCron: "0 */6 * * *", autoRemediate: false }],
        ["ferry-prod", { organization: "acme", project: "ferry", stack: "prod", scheduleCron: "0 */6 * * *", autoRemediate: false }],
      ]);
      for (const r of drift) expect(r.options.dependencies).to.include(`pulumiservice:index:DeploymentSettings::${r.name}`);
    });
  });

  describe("ferry plan --project pipeline", () => {
    it("--json prints one document: project, stack, resources, outputs and each stack's deployments", async () => {
      const r = await ferry("plan", "--project", "pipeline", "--stack", "main", "--json");
      expect(r.code, r.stderr).to.equal(0);
      const doc = JSON.parse(r.stdout);
      expect(Object.keys(doc)).to.deep.equal(["project", "stack", "resources", "outputs", "deployments"]);
      expect(Object.keys(doc.outputs.deploymentRoles)).to.deep.equal(["acme/network/staging", "acme/network/prod", "acme/ferry/dev", "acme/ferry/staging", "acme/ferry/prod"]);
    });

    it("the text plan says which push deploys which stack", async () => {
      const r = await ferry("plan", "--project", "pipeline", "--stack", "main");
      expect(r.stdout).to.contain("  acme/ferry/staging (from acme/ferry main, folder .):\n    pulumi up on a push that changes: Pulumi.staging.yaml\n");
    });

    it("invalid config: exit 2, every problem on stderr, nothing on stdout", async () => {
      const file = tempStackFile("config:\n  pipeline:organization: acme\n  pipeline:repository: ferry\n");
      const r = await ferry("plan", "--project", "pipeline", "--stack", "broken", "--config-file", file);
      expect([r.code, r.stdout]).to.deep.equal([2, ""]);
      expect(r.stderr).to.contain("invalid pipeline config (1 problem)").and.contain(`pipeline:repository: got "ferry"`);
    });
  });
});
