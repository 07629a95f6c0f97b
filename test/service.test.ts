/**
 * The Fargate service component under the mock runtime, one capability at a time, asserting on the
 * children it registers. What AWS accepts of all of it is checked in awsApi.test.ts.
 */
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { UNSCOPED_ACTIONS } from "../lib/iam";
import { runProgram } from "../plan/run";
import { Run, runStack, stackConfig } from "./harness";
import { fixtureProgram } from "./support/paths";

type Inputs = Record<string, unknown>;
const ROLE = "arn:aws:iam::210987654321:role/deployer";
const SERVICE = "aws:ecs/service:Service";
const TASK_DEF = "aws:ecs/taskDefinition:TaskDefinition";
const RULE = "aws:lb/listenerRule:ListenerRule";
const TG = "aws:lb/targetGroup:TargetGroup";

const containers = (run: Run, name: string) => JSON.parse(run.inputs(run.one(TASK_DEF, name)).containerDefinitions as string);
const serviceInputs = (run: Run, name: string) => run.inputs(run.one(SERVICE, name));

/** A staging stack whose web service uses the given deployment settings. */
const withDeployment = (deployment: Inputs, web: Inputs = {}) =>
  runStack("staging", {
    services: { web: { port: 8080, desiredCount: 2, minCount: 2, maxCount: 4, deployment, ...web } },
  });

describe("Fargate service component", function () {
  this.timeout(30000);
  const runs: Record<string, Run> = {};
  before(async () => {
    for (const stack of ["dev", "staging", "prod"]) runs[stack] = await runStack(stack);
  });

  describe("cluster", () => {
    it("has FARGATE and FARGATE_SPOT capacity providers and Container Insights", () => {
      const run = runs.prod;
      expect(run.inputs(run.one("aws:ecs/cluster:Cluster")).settings).to.deep.equal([{ name: "containerInsights", value: "enabled" }]);
      expect(run.inputs(run.one("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders")).capacityProviders).to.deep.equal(["FARGATE", "FARGATE_SPOT"]);
    });

    it("uses an existing cluster instead of creating one", async () => {
      const arn = "arn:aws:ecs:eu-west-1:123456789012:cluster/shared";
      const run = await runStack("staging", { cluster: { arn } });
      expect(run.ofType("aws:ecs/cluster:Cluster")).to.have.length(0);
      expect(serviceInputs(run, "ferry-staging-web").cluster).to.equal(arn);
    });
  });

  describe("task definition", () => {
    it("runs ARM64 by default and X86_64 where a service asks", async () => {
      expect(runs.prod.inputs(runs.prod.one(TASK_DEF, "ferry-prod-web")).runtimePlatform).to.deep.equal({ cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" });
      const run = await runStack("staging", { services: { web: { port: 8080, architecture: "x86_64" } } });
      expect(run.inputs(run.one(TASK_DEF)).runtimePlatform).to.deep.equal({ cpuArchitecture: "X86_64", operatingSystemFamily: "LINUX" });
    });

    it("runs as a non-root user on a read-only root filesystem with a writable /tmp", () => {
      const [c] = containers(runs.prod, "ferry-prod-web");
      expect(c).to.include({ user: "1000:1000", readonlyRootFilesystem: true });
      expect(c.mountPoints).to.deep.equal([{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }]);
      expect(runs.prod.inputs(runs.prod.one(TASK_DEF, "ferry-prod-web")).volumes).to.deep.equal([{ name: "tmp" }]);
    });

    it("gives Spot's 2-minute notice room: stopTimeout 120 s and an init process", () => {
      const [c] = containers(runs.dev, "ferry-dev-worker");
      expect(c.stopTimeout).to.equal(120);
      expect(c.linuxParameters).to.deep.equal({ initProcessEnabled: true });
    });

    it("has the container health check and awslogs into a log group with retention", () => {
      const [c] = containers(runs.prod, "ferry-prod-web");
      expect(c.healthCheck).to.deep.equal({ command: ["CMD", "node", "healthcheck.js"], interval: 10, timeout: 5, retries: 3, startPeriod: 10 });
      expect(c.logConfiguration.logDriver).to.equal("awslogs");
      expect(c.logConfiguration.options["awslogs-region"]).to.equal("eu-west-1");
      const group = runs.prod.one("aws:cloudwatch/logGroup:LogGroup", "ferry-prod-web");
      expect(c.logConfiguration.options["awslogs-group"]).to.contain("ferry-prod-web");
      expect(runs.prod.inputs(group).retentionInDays).to.equal(90);
    });

    it("passes secrets as valueFrom references, never as environment values", async () => {
      const secret = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-password-AbCdEf";
      const param = "arn:aws:ssm:eu-west-1:123456789012:parameter/app/api-key";
      const run = await runStack("staging", { services: { web: { port: 8080, environment: { MODE: "x" }, secrets: { DB_PASSWORD: secret, API_KEY: param } } } });
      const [c] = containers(run, "ferry-staging-web");
      expect(c.environment).to.deep.equal([{ name: "MODE", value: "x" }]);
      expect(c.secrets).to.deep.equal([{ name: "API_KEY", valueFrom: param }, { name: "DB_PASSWORD", valueFrom: secret }]);
      const policy = JSON.parse(run.inputs(run.one("aws:iam/rolePolicy:RolePolicy", "ferry-staging-web-execution")).policy as string);
      const byId = (sid: string) => policy.Statement.find((s: { Sid: string }) => s.Sid === sid);
      expect(byId("ReadParameters")).to.deep.include({ Action: ["ssm:GetParameters"], Resource: [param] });
      expect(byId("ReadSecrets")).to.deep.include({ Action: ["secretsmanager:GetSecretValue"], Resource: [secret] });
    });
  });

  describe("capacity", () => {
    const rows: { what: string; capacity: unknown; strategy: Inputs[] }[] = [
      { what: "all Spot", capacity: "spot", strategy: [{ capacityProvider: "FARGATE_SPOT", base: 0, weight: 1 }] },
      { what: "all on-demand", capacity: "onDemand", strategy: [{ capacityProvider: "FARGATE", base: 0, weight: 1 }] },
      {
        what: "on-demand base plus Spot",
        capacity: { base: 2, onDemandWeight: 1, spotWeight: 3 },
        strategy: [{ capacityProvider: "FARGATE", base: 2, weight: 1 }, { capacityProvider: "FARGATE_SPOT", base: 0, weight: 3 }],
      },
    ];
    for (const r of rows) {
      it(`${r.what}: strategy set, no launch type, a mix change forces a new deployment`, async () => {
        const run = await runStack("staging", { services: { web: { port: 8080, capacity: r.capacity } } });
        const svc = serviceInputs(run, "ferry-staging-web");
        expect(svc.capacityProviderStrategies).to.deep.equal(r.strategy);
        expect(svc).not.to.have.property("launchType");
        expect(svc.forceNewDeployment).to.equal(true);
      });
    }
  });

  describe("load balancer", () => {
    it("serves HTTPS with the certificate and redirects HTTP (prod), HTTP only without one (dev)", () => {
      const listeners = (run: Run) => run.ofType("aws:lb/listener:Listener").map((l) => run.inputs(l));
      const [http, https] = listeners(runs.prod);
      expect(http.defaultActions).to.deep.equal([{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]);
      expect(https).to.include({ port: 443, protocol: "HTTPS", certificateArn: runs.prod.result.config.certificateArn });
      expect(listeners(runs.dev).map((l) => [l.port, l.protocol])).to.deep.equal([[80, "HTTP"]]);
    });

    it("drops invalid headers; prod refuses deletion; access logs when configured", async () => {
      const alb = (run: Run) => run.inputs(run.one("aws:lb/loadBalancer:LoadBalancer"));
      expect(alb(runs.prod)).to.include({ dropInvalidHeaderFields: true, enableDeletionProtection: true });
      expect(alb(runs.dev)).to.include({ enableDeletionProtection: false });
      const run = await runStack("staging", { loadBalancer: { accessLogs: { bucket: "acme-alb-logs", prefix: "ferry" } } });
      expect(alb(run).accessLogs).to.deep.equal({ enabled: true, bucket: "acme-alb-logs", prefix: "ferry" });
    });

    it("access logs: true makes a private, SSE-S3, expiring bucket that only ELB log delivery may write to", async () => {
      const run = runs.prod;
      const bucket = run.one("aws:s3/bucket:Bucket", "ferry-prod-alb-logs");
      const of = (type: string) => run.inputs(run.one(type, "ferry-prod-alb-logs"));
      expect(of("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")).to.include({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
      expect(of("aws:s3/bucketOwnershipControls:BucketOwnershipControls").rule).to.deep.equal({ objectOwnership: "BucketOwnerEnforced" });
      expect(of("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").rules).to.deep.equal([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
      // Prod keeps logs 90 days (ferry:logRetentionDays).
      expect((of("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").rules as Inputs[])[0]).to.deep.include({ status: "Enabled", expiration: { days: 90 } });
      const policy = JSON.parse(of("aws:s3/bucketPolicy:BucketPolicy").policy as string);
      expect(policy.Statement[0]).to.deep.include({
        Sid: "ElbLogDelivery",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::156460612806:root" }, // Elastic Load Balancing in eu-west-1
        Action: ["s3:PutObject"],
      });
      // Only under this account's prefix of this bucket.
      expect(policy.Statement[0].Resource).to.match(new RegExp(`^arn:aws:s3:::${bucket.name}-[0-9a-f]{7}/AWSLogs/123456789012/\\*$`));
      expect(policy.Statement[1]).to.deep.include({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } });
      const alb = run.inputs(run.one("aws:lb/loadBalancer:LoadBalancer"));
      expect((alb.accessLogs as Inputs).bucket).to.match(new RegExp(`^${bucket.name}-[0-9a-f]{7}$`));
      // No retention: logs are kept, so no expiry rule.
      const forever = await runStack("staging", { loadBalancer: { accessLogs: true }, logRetentionDays: 0 });
      expect(forever.ofType("aws:s3/bucket:Bucket")).to.have.length(1);
      expect(forever.ofType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")).to.have.length(0);
    });

    it("checks target health fast and drains in 30 s", () => {
      const tg = runs.prod.inputs(runs.prod.one(TG, "web"));
      expect(tg).to.include({ targetType: "ip", port: 8080, deregistrationDelay: 30 });
      expect(tg.healthCheck).to.deep.include({ path: "/healthz", interval: 10, healthyThreshold: 2, unhealthyThreshold: 3 });
    });
  });

  describe("deployments", () => {
    it("rolling: circuit breaker with rollback, 100%..200%, alarms with rollback", () => {
      const svc = serviceInputs(runs.dev, "ferry-dev-web");
      expect(svc.deploymentCircuitBreaker).to.deep.equal({ enable: true, rollback: true });
      expect(svc).to.include({ deploymentMinimumHealthyPercent: 100, deploymentMaximumPercent: 200, waitForSteadyState: false });
      expect(svc.deploymentConfiguration).to.deep.equal({ strategy: "ROLLING" });
      expect(svc.alarms).to.deep.equal({ alarmNames: ["ferry-dev-web-5xx", "ferry-dev-web-unhealthy"], enable: true, rollback: true });
    });

    it("blue/green: alternate target group, production and test rules, traffic role, bake time, approval pause", () => {
      const run = runs.prod;
      const svc = serviceInputs(run, "ferry-prod-web");
      expect(svc.deploymentConfiguration).to.deep.equal({
        strategy: "BLUE_GREEN",
        bakeTimeInMinutes: "10",
        lifecycleHooks: [{ targetType: "PAUSE", lifecycleStages: ["POST_TEST_TRAFFIC_SHIFT"], timeoutConfiguration: { action: "ROLLBACK", timeoutInMinutes: "60" } }],
      });
      expect(svc.deploymentCircuitBreaker).to.deep.equal({ enable: false, rollback: false });
      const [lb] = svc.loadBalancers as Inputs[];
      const blue = run.one(TG, "web");
      const green = run.one(TG, "web-green");
      const prodRule = run.one(RULE, "ferry-prod-web");
      const testRule = run.one(RULE, "ferry-prod-web-test");
      const role = run.one("aws:iam/role:Role", "ferry-prod-web-traffic");
      expect(lb.targetGroupArn).to.contain(blue.name);
      const advanced = lb.advancedConfiguration as Record<string, string>;
      expect(advanced.alternateTargetGroupArn).to.contain(green.name);
      expect(advanced.productionListenerRule).to.contain(prodRule.name);
      expect(advanced.testListenerRule).to.contain(testRule.name);
      expect(advanced.roleArn).to.contain(role.name);
      expect(JSON.parse(run.inputs(role).assumeRolePolicy as string).Statement[0].Principal).to.deep.equal({ Service: "ecs.amazonaws.com" });
      const testConditions = run.inputs(testRule).conditions as Inputs[];
      expect(testConditions).to.deep.include({ httpHeader: { httpHeaderName: "x-ferry-test", values: ["1"] } });
      expect((run.inputs(testRule).priority as number) + 1).to.equal(run.inputs(prodRule).priority);
      const policy = JSON.parse(run.inputs(run.one("aws:iam/rolePolicy:RolePolicy", "ferry-prod-web-traffic")).policy as string);
      const shift = policy.Statement.find((s: { Sid: string }) => s.Sid === "ShiftTraffic");
      expect(shift.Resource).to.have.length(3);
      expect((svc.alarms as { alarmNames: string[] }).alarmNames).to.deep.equal(["ferry-prod-web-5xx", "ferry-prod-web-unhealthy", "ferry-prod-web-5xx-green", "ferry-prod-web-unhealthy-green"]);
    });

    const strategies: { strategy: Inputs; expected: Inputs }[] = [
      { strategy: { strategy: "linear", stepPercent: 20, stepBakeMinutes: 3, bakeMinutes: 2 }, expected: { strategy: "LINEAR", bakeTimeInMinutes: "2", linearConfiguration: { stepPercent: 20, stepBakeTimeInMinutes: "3" } } },
      { strategy: { strategy: "canary", canaryPercent: 2.5, canaryBakeMinutes: 15 }, expected: { strategy: "CANARY", bakeTimeInMinutes: "5", canaryConfiguration: { canaryPercent: 2.5, canaryBakeTimeInMinutes: "15" } } },
      { strategy: { strategy: "blueGreen", testTraffic: false }, expected: { strategy: "BLUE_GREEN", bakeTimeInMinutes: "5" } },
    ];
    for (const s of strategies) {
      it(`${s.strategy.strategy}${s.strategy.testTraffic === false ? " without test traffic" : ""}: ECS settings and the blue/green wiring`, async () => {
        const run = await withDeployment(s.strategy);
        const svc = serviceInputs(run, "ferry-staging-web");
        expect(svc.deploymentConfiguration).to.deep.equal(s.expected);
        expect(run.ofType(TG)).to.have.length(2);
        expect(run.ofType(RULE).map((r) => r.name)).to.deep.equal(s.strategy.testTraffic === false ? ["ferry-staging-web"] : ["ferry-staging-web", "ferry-staging-web-test"]);
        const advanced = (svc.loadBalancers as Inputs[])[0].advancedConfiguration as Inputs;
        expect(Object.keys(advanced).sort()).to.deep.equal(s.strategy.testTraffic === false ? ["alternateTargetGroupArn", "productionListenerRule", "roleArn"] : ["alternateTargetGroupArn", "productionListenerRule", "roleArn", "testListenerRule"]);
      });
    }

    it("attaches the user's alarms to every strategy, with rollback", async () => {
      for (const strategy of ["rolling", "canary"]) {
        const run = await withDeployment({ strategy, alarms: ["checkout-errors"] });
        expect((serviceInputs(run, "ferry-staging-web").alarms as { alarmNames: string[]; rollback: boolean }).alarmNames).to.include("checkout-errors");
      }
      const worker = serviceInputs(runs.prod, "ferry-prod-worker");
      expect(worker).not.to.have.property("alarms");
    });

    it("declares the 5xx-rate and unhealthy-host alarms on the service's target groups", () => {
      const run = runs.prod;
      const errors = run.inputs(run.one("aws:cloudwatch/metricAlarm:MetricAlarm", "ferry-prod-web-5xx-green"));
      const queries = errors.metricQueries as Inputs[];
      expect(queries.map((q) => q.id)).to.deep.equal(["errors", "requests", "rate"]);
      expect(((queries[0].metric as Inputs).dimensions as Inputs).TargetGroup).to.match(/^targetgroup\/web-green-/);
      const unhealthy = run.inputs(run.one("aws:cloudwatch/metricAlarm:MetricAlarm", "ferry-prod-web-unhealthy"));
      expect(unhealthy).to.include({ metricName: "UnHealthyHostCount", threshold: 0, comparisonOperator: "GreaterThanThreshold" });
    });

    it("declares a deployment check per service, keyed on its task definition, and the plan omits its code", () => {
      const run = runs.prod;
      const checks = run.ofType("pulumi-nodejs:dynamic/ferry:DeploymentCheck");
      expect(checks.map((c) => c.name).sort()).to.deep.equal(["ferry-prod-web-deployment-check", "ferry-prod-worker-deployment-check"]);
      const web = run.inputs(run.one("pulumi-nodejs:dynamic/ferry:DeploymentCheck", "ferry-prod-web-deployment-check"));
      expect(web.taskDefinition).to.match(/task-definition\/ferry-prod-web:\d+$/);
      expect(web).to.include({ timeoutMinutes: 100, region: "eu-west-1" });
      expect(web.__provider).to.be.a("string").and.contain("watchDeployment");
    });
  });

  describe("autoscaling", () => {
    it("tracks CPU and memory between min and max (prod web)", () => {
      const run = runs.prod;
      expect(run.inputs(run.one("aws:appautoscaling/target:Target", "ferry-prod-web-scaling"))).to.include({ minCapacity: 3, maxCapacity: 12, scalableDimension: "ecs:service:DesiredCount" });
      const policies = run.childrenOf("ferry:ecs:FargateService", "ferry-prod-web").filter((r) => r.type === "aws:appautoscaling/policy:Policy");
      const configs = policies.map((p) => (run.inputs(p).targetTrackingScalingPolicyConfiguration as Inputs));
      expect(configs.map((c) => [(c.predefinedMetricSpecification as Inputs).predefinedMetricType, c.targetValue])).to.deep.equal([
        ["ECSServiceAverageCPUUtilization", 60],
        ["ECSServiceAverageMemoryUtilization", 75],
      ]);
    });

    it("tracks ALB requests per task with the load balancer / target group label", async () => {
      const run = await runStack("staging", { services: { web: { port: 8080, minCount: 1, maxCount: 4, autoscaling: { requestsPerTarget: 500 } } } });
      const [policy] = run.ofType("aws:appautoscaling/policy:Policy");
      const spec = (run.inputs(policy).targetTrackingScalingPolicyConfiguration as Inputs).predefinedMetricSpecification as Inputs;
      expect(spec.predefinedMetricType).to.equal("ALBRequestCountPerTarget");
      expect(spec.resourceLabel).to.match(/^app\/.+\/[0-9a-f]+\/targetgroup\/.+\/[0-9a-f]+$/);
    });

    it("does not scale a service whose min equals its max", () => {
      expect(runs.dev.childrenOf("ferry:ecs:FargateService", "ferry-dev-worker").filter((r) => r.type.startsWith("aws:appautoscaling"))).to.deep.equal([]);
    });
  });

  describe("ECS Exec", () => {
    it("is on where asked (dev), with the Session Manager channels on the task role, and off in prod", () => {
      expect(serviceInputs(runs.dev, "ferry-dev-web").enableExecuteCommand).to.equal(true);
      const policy = JSON.parse(runs.dev.inputs(runs.dev.one("aws:iam/rolePolicy:RolePolicy", "ferry-dev-web-task")).policy as string);
      expect(policy.Statement[0].Action).to.include("ssmmessages:OpenDataChannel");
      expect(containers(runs.dev, "ferry-dev-web")[0].readonlyRootFilesystem, "the exec agent needs a writable root").to.equal(false);
      expect(serviceInputs(runs.prod, "ferry-prod-web").enableExecuteCommand).to.equal(false);
      expect(runs.prod.ofType("aws:iam/rolePolicy:RolePolicy").map((p) => p.name)).not.to.include("ferry-prod-web-task");
    });
  });

  it("grants '*' resources only for actions AWS does not scope, and never a '*' action", () => {
    for (const run of Object.values(runs)) {
      for (const p of run.ofType("aws:iam/rolePolicy:RolePolicy")) {
        for (const st of JSON.parse(run.inputs(p).policy as string).Statement) {
          for (const action of st.Action) expect(action, p.name).not.to.contain("*");
          if (st.Resource === "*" || (Array.isArray(st.Resource) && st.Resource.includes("*"))) {
            expect(UNSCOPED_ACTIONS, `${p.name} ${st.Sid}`).to.include.members(st.Action);
          }
        }
      }
    }
  });

  it("applies transforms to the task definition, service and target group", async () => {
    const run = new Run(await runProgram("test", stackConfig("staging"), { program: fixtureProgram("transformProgram") }));
    expect(run.inputs(run.one(TASK_DEF)).ephemeralStorage).to.deep.equal({ sizeInGib: 50 });
    expect(run.inputs(run.one(SERVICE)).availabilityZoneRebalancing).to.equal("ENABLED");
    expect(run.inputs(run.one(TG)).slowStart).to.equal(30);
  });

  describe("AWS access of the deployment check", () => {
    it("is handed to every deployment check, as a secret when it holds keys", async () => {
      const run = await runStack("prod", { "aws:profile": "prod-account", "aws:assumeRoles": [{ roleArn: ROLE }] });
      for (const check of run.ofType("pulumi-nodejs:dynamic/ferry:DeploymentCheck")) {
        expect(JSON.parse(run.inputs(check).access as string)).to.deep.include({ profile: "prod-account", assumeRoles: [{ roleArn: ROLE }] });
      }
      const withKeys = await runStack("staging", { "aws:accessKey": "AKIAEXAMPLE", "aws:secretKey": "wJalrXUtnFEMI" });
      const [check] = withKeys.ofType("pulumi-nodejs:dynamic/ferry:DeploymentCheck");
      expect(pulumi.runtime.isRpcSecret(check.inputs.access)).to.equal(true);
      expect(JSON.stringify(withKeys.resources.map((r) => withKeys.inputs(r)))).not.to.contain("wJalrXUtnFEMI");
    });
  });
});
