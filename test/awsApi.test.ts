/**
 * AWS accepts everything Ferry declares: every shipped stack and a set of richer configs are planned,
 * each resource is turned into the API requests the provider sends, and each request is checked
 * against AWS's published API models (botocore, pinned; test/fixtures/aws-models) and the rules AWS
 * states in prose (test/support/awsRules.ts). Mutated plans prove the checker itself finds what
 * AWS would refuse.
 */
import { expect } from "chai";
import { readStackConfig } from "../config/stackConfig";
import { NETWORK_DIR, PIPELINE_DIR, PlannedResource, ProgramRun, runNetwork, runPipeline } from "../plan/run";
import { runStack } from "./harness";
import { checkPlan } from "./support/awsCheck";
import { javaPattern } from "./support/awsModels";

const SSM = "arn:aws:ssm:eu-west-1:123456789012:parameter/shop/db-url";
const SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/api-key-AbCdEf";

/** Configs beyond the shipped stacks, each exercising features the shipped ones leave out. */
const RICHER: { name: string; stack: string; overrides: Record<string, unknown> }[] = [
  {
    name: "linear with approval before production traffic, HTTPS, access logs to Ferry's bucket, secrets",
    stack: "prod",
    overrides: {
      loadBalancer: { deletionProtection: true, accessLogs: true },
      services: {
        web: {
          port: 8080,
          paths: ["/api/*", "/v1/*", "/v2/*", "/static/*"],
          desiredCount: 2,
          deployment: { strategy: "linear", stepPercent: 12.5, stepBakeMinutes: 3, approval: { stage: "PRE_PRODUCTION_TRAFFIC_SHIFT", timeoutMinutes: 30 } },
          secrets: { DB_URL: SSM, API_KEY: SECRET },
        },
        site: { port: 3000, capacity: "spot", deployment: { strategy: "canary", canaryPercent: 0.1, canaryBakeMinutes: 1 } },
      },
    },
  },
  {
    name: "blue/green without test traffic, access logs to a bucket of the team's own, request-count scaling on a rolling service",
    stack: "staging",
    overrides: {
      loadBalancer: { accessLogs: { bucket: "acme-alb-logs", prefix: "staging" } },
      services: {
        web: { port: 8080, deployment: { strategy: "blueGreen", testTraffic: false, approval: true } },
        api: { port: 9000, paths: ["/api/*"], desiredCount: 2, maxCount: 8, autoscaling: { requestsPerTarget: 500 }, architecture: "x86_64" },
      },
    },
  },
  {
    name: "a building stack with pull-through caches, a KMS key, health checks and the longest names the rules allow",
    stack: "dev",
    overrides: {
      image: {
        pullThroughCache: {
          "ecr-public": {},
          "docker-hub": { credentialArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf" },
        },
        kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555",
      },
      services: {
        // ferry-dev-<service>-green must fit a target group name with Pulumi's suffix: 24 characters.
        checkout: {
          port: 8080,
          deployment: { strategy: "blueGreen" },
          healthCheck: { command: ["CMD-SHELL", "exit 0"], interval: 300, timeout: 60, retries: 10, startPeriod: 300 },
          healthCheckPath: `/${"h".repeat(1023)}`,
        },
        "worker-with-a-long-name1": { capacity: { base: 1, onDemandWeight: 0, spotWeight: 1000 } },
      },
    },
  },
];

describe("AWS accepts everything Ferry declares (API models and AWS's stated rules)", function () {
  this.timeout(60000);
  const runs: Record<string, ProgramRun> = {};
  before(async () => {
    for (const stack of ["dev", "staging", "prod"]) runs[stack] = (await runStack(stack)).result;
    for (const c of RICHER) runs[c.name] = (await runStack(c.stack, c.overrides)).result;
  });

  for (const name of ["dev", "staging", "prod", ...RICHER.map((c) => c.name)]) {
    it(`${name}: every request is valid`, () => {
      const check = checkPlan(runs[name]);
      expect(check.calls.length, "API calls translated").to.be.greaterThan(10);
      expect(check.problems).to.deep.equal([]);
    });
  }

  describe("the network and pipeline projects", () => {
    const projects: Record<string, Pick<ProgramRun, "resources" | "region">> = {};
    before(async () => {
      for (const stack of ["staging", "prod"]) projects[`network ${stack}`] = await runNetwork(stack, readStackConfig(NETWORK_DIR, stack));
      projects["pipeline main"] = { ...(await runPipeline("main", readStackConfig(PIPELINE_DIR, "main"))), region: "eu-west-1" };
    });
    const want: Record<string, string[]> = {
      "network staging": [],
      "network prod": ["ec2:CreateSecurityGroup", "ec2:AuthorizeSecurityGroupIngress", "ec2:CreateVpcEndpoint"],
      "pipeline main": ["iam:CreateOpenIDConnectProvider", "iam:CreateRole", "iam:AttachRolePolicy"],
    };
    for (const [name, operations] of Object.entries(want)) {
      it(`${name}: every request is valid${operations.length ? `, and it makes ${operations.join(", ")}` : " (awsx's VPC is opaque here)"}`, () => {
        const check = checkPlan(projects[name]);
        expect(check.problems).to.deep.equal([]);
        expect([...new Set(check.calls.map((c) => `${c.service}:${c.operation}`))]).to.include.members(operations);
      });
    }
  });

  it("translates every AWS resource type of the plans, and each shipped stack makes the calls its resources need", () => {
    const operations = (run: ProgramRun) => new Set(checkPlan(run).calls.map((c) => `${c.service}:${c.operation}`));
    expect([...operations(runs.dev)]).to.include.members(["ec2:CreateVpc", "ec2:CreateNatGateway", "ecr:CreateRepository", "ecr:PutLifecyclePolicy", "ecs:CreateService"]);
    expect([...operations(runs.prod)]).to.include.members(["elbv2:CreateListener", "elbv2:CreateRule", "application-autoscaling:PutScalingPolicy", "cloudwatch:PutMetricAlarm", "iam:PutRolePolicy"]);
    expect([...operations(runs[RICHER[0].name])]).to.include.members(["s3:CreateBucket", "s3:PutBucketPolicy", "s3:PutBucketEncryption", "s3:PutPublicAccessBlock"]);
  });

  describe("the checker finds what AWS would refuse (mutated plans)", () => {
    type Mutation = { name: string; stack: string; type: string; mutate: (inputs: Record<string, unknown>) => void; expect: RegExp };
    const MUTATIONS: Mutation[] = [
      {
        name: "a function runtime Lambda does not have",
        stack: "prod",
        type: "aws:lambda/function:Function",
        mutate: (i) => (i.runtime = "nodejs23.x"),
        expect: /Runtime: "nodejs23.x" is not one of/,
      },
      {
        name: "a 65-character function name",
        stack: "prod",
        type: "aws:lambda/function:Function",
        mutate: (i) => (i.name = "f".repeat(65)),
        expect: /FunctionName f{65}/,
      },
      {
        name: "an event pattern over EventBridge's 2,048 characters",
        stack: "prod",
        type: "aws:cloudwatch/eventRule:EventRule",
        mutate: (i) => (i.eventPattern = JSON.stringify({ source: ["aws.ecs"], resources: Array.from({ length: 30 }, (_, n) => `arn:aws:ecs:eu-west-1:123456789012:service/ferry-prod-6108927/ferry-prod-svc${n}-0a1b2c3`) })),
        expect: /Rule ferry-prod-notifications-\S+: \d{4} characters/,
      },
      {
        name: "a 15-day dead-letter retention",
        stack: "prod",
        type: "aws:sqs/queue:Queue",
        mutate: (i) => (i.messageRetentionSeconds = 1_296_000),
        expect: /MessageRetentionPeriod 1296000/,
      },
      {
        name: "a topic policy with an action SNS does not have",
        stack: "prod",
        type: "aws:sns/topicPolicy:TopicPolicy",
        mutate: (i) => {
          const doc = JSON.parse(i.policy as string);
          doc.Statement[0].Action = "sns:Post";
          i.policy = JSON.stringify(doc);
        },
        expect: /sns:Post is not an IAM action/,
      },
      {
        name: "an apostrophe in a security group rule description",
        stack: "dev",
        type: "aws:ec2/securityGroup:SecurityGroup",
        mutate: (i) => ((i.egress as Record<string, unknown>[])[0].description = "to the targets' ports"),
        expect: /Description: "to the targets' ports" has characters outside/,
      },
      {
        name: "an unknown container definition member",
        stack: "prod",
        type: "aws:ecs/taskDefinition:TaskDefinition",
        mutate: (i) => {
          const defs = JSON.parse(i.containerDefinitions as string);
          defs[0].restartPolicyX = { enabled: true };
          i.containerDefinitions = JSON.stringify(defs);
        },
        expect: /containerDefinitions\[0\]\.restartPolicyX: not a member/,
      },
      {
        name: "a 400 s target group health-check interval",
        stack: "prod",
        type: "aws:lb/targetGroup:TargetGroup",
        mutate: (i) => ((i.healthCheck as Record<string, unknown>).interval = 400),
        expect: /HealthCheckIntervalSeconds: 400, above the maximum 300/,
      },
      {
        name: "an IAM action that does not exist",
        stack: "prod",
        type: "aws:iam/rolePolicy:RolePolicy",
        mutate: (i) => {
          const doc = JSON.parse(i.policy as string);
          doc.Statement[0].Action = ["ecr:GetAuthorisationToken"];
          i.policy = JSON.stringify(doc);
        },
        expect: /ecr:GetAuthorisationToken is not an IAM action/,
      },
      {
        name: "Resource * on an action AWS can scope",
        stack: "prod",
        type: "aws:iam/rolePolicy:RolePolicy",
        mutate: (i) => {
          const doc = JSON.parse(i.policy as string);
          doc.Statement.push({ Sid: "Wide", Effect: "Allow", Action: ["ecr:BatchGetImage"], Resource: "*" });
          i.policy = JSON.stringify(doc);
        },
        expect: /ecr:BatchGetImage on Resource "\*", but it can be scoped to repository/,
      },
      {
        name: "a sixth condition value on a listener rule",
        stack: "prod",
        type: "aws:lb/listenerRule:ListenerRule",
        mutate: (i) => (((i.conditions as Record<string, unknown>[])[0].pathPattern as { values: string[] }).values = ["/a", "/b", "/c", "/d", "/e", "/f"]),
        expect: /6 condition values, more than 5/,
      },
      {
        name: "an alarm period of 45 s",
        stack: "prod",
        type: "aws:cloudwatch/metricAlarm:MetricAlarm",
        mutate: (i) => (i.period = 45),
        expect: /Period: 45 is not 10, 20, 30 or a multiple of 60/,
      },
      {
        name: "a weight of 1000 in a weighted forward",
        stack: "prod",
        type: "aws:lb/listenerRule:ListenerRule",
        mutate: (i) => {
          const forward = (i.actions as Record<string, unknown>[])[0].forward as { targetGroups: { weight: number }[] };
          forward.targetGroups[0].weight = 1000;
        },
        expect: /Weight: 1000 outside 0-999/,
      },
      {
        name: "a base on two capacity providers",
        stack: "prod",
        type: "aws:ecs/service:Service",
        mutate: (i) => ((i.capacityProviderStrategies as Record<string, unknown>[])[1].base = 1),
        expect: /a base on 2 providers/,
      },
      {
        name: "a target group name longer than 32 characters",
        stack: "prod",
        type: "aws:lb/targetGroup:TargetGroup",
        mutate: (i) => (i.name = "ferry-production-checkout-service-green"),
        expect: /is not 1-32 alphanumerics or inner hyphens/,
      },
      {
        name: "an input the checker cannot translate",
        stack: "prod",
        type: "aws:ecs/service:Service",
        mutate: (i) => (i.orderedPlacementStrategies = [{ type: "spread", field: "attribute:ecs.availability-zone" }]),
        expect: /untranslated aws:ecs\/service:Service input orderedPlacementStrategies/,
      },
    ];

    for (const m of MUTATIONS) {
      it(`fails: ${m.name}`, () => {
        const run = runs[m.stack];
        let mutated = false;
        const resources: PlannedResource[] = run.resources.map((r) => {
          if (mutated || r.type !== m.type || !r.custom) return r;
          const copy = structuredClone(r);
          try {
            m.mutate(copy.inputs);
          } catch {
            return r; // this resource lacks what the mutation changes; try the next one of the type
          }
          mutated = true;
          return copy;
        });
        expect(mutated, `a ${m.type} to mutate in ${m.stack}`).to.equal(true);
        const problems = checkPlan({ ...run, resources }).problems;
        expect(problems.join("\n")).to.match(m.expect);
      });
    }
  });

  it("translates the models' Java patterns faithfully", () => {
    const cases: [string, string, boolean][] = [
      ["\\p{Print}+", "ferry-dev web", true],
      ["\\p{Print}+", "tab\there", false],
      ["\\p{Print}+", "", false],
      ["[\\w+=,.@-]+", "ferry-dev-web-execution-0a1b2c3", true],
      ["[\\w+=,.@-]+", "has space", false],
      ["^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$", "Ünïcode 42", true],
      ["^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$", "semi;colon", false],
      ["[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\r\\n\\t]*", "service/c/s 🚀", true],
      ["[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\r\\n\\t]*", "bell\u0007", false],
      ["[a-z0-9]+", "abc", true],
      ["[a-z0-9]+", "abc-", false], // whole-value match, as Java's matches()
      ["secret:ecr\\-pullthroughcache\\/[a-z]+", "secret:ecr-pullthroughcache/hub", true], // Java's escaped punctuation
      ["[a-zA-Z0-9-:]+", "eu-west-1:123", true],
    ];
    for (const [pattern, value, ok] of cases) expect(javaPattern(pattern).test(value), `${pattern} on ${JSON.stringify(value)}`).to.equal(ok);
  });
});
