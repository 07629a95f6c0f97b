/**
 * The README's promises with the exact values it states, each asserted where it is made: resource
 * options that decide what `pulumi up` and `destroy` may do, alarm thresholds and windows, rollout
 * percentages, the approval timeout, and where tasks run in the network.
 */
import { expect } from "chai";
import { checkNeeded } from "../components/deploymentCheck";
import { FAKE_NETWORK_OUTPUTS } from "../plan/mocks";
import { Run, runStack } from "./harness";

type Inputs = Record<string, unknown>;
const SERVICE = "aws:ecs/service:Service";
const RULE = "aws:lb/listenerRule:ListenerRule";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

/** IPv4 CIDR → [first, last] address as numbers. */
function range(cidr: string): [number, number] {
  const [base, bits] = cidr.split("/");
  const start = base.split(".").reduce((a, o) => a * 256 + Number(o), 0);
  return [start, start + 2 ** (32 - Number(bits)) - 1];
}

describe("the README's promises, exactly", function () {
  this.timeout(60000);
  const runs: Record<string, Run> = {};
  before(async () => {
    for (const stack of ["dev", "staging", "prod"]) runs[stack] = await runStack(stack);
  });

  describe("resource options", () => {
    it("prod's load balancer is protected in Pulumi; dev's is not", () => {
      expect(runs.prod.one("aws:lb/loadBalancer:LoadBalancer").options).to.include({ protect: true });
      expect(runs.dev.one("aws:lb/loadBalancer:LoadBalancer").options.protect).to.equal(undefined);
    });

    it("the ECR repository and the access-log bucket are kept when a stack is destroyed", () => {
      expect(runs.dev.one("aws:ecr/repository:Repository").options).to.include({ retainOnDelete: true });
      expect(runs.prod.one("aws:s3/bucket:Bucket").options).to.include({ retainOnDelete: true });
    });

    it("weighted listener rules leave their actions to ECS; a rolling service's rule does not", () => {
      for (const name of ["ferry-prod-web", "ferry-prod-web-test"]) expect(runs.prod.one(RULE, name).options.ignoreChanges).to.deep.equal(["actions"]);
      expect(runs.dev.one(RULE, "ferry-dev-web").options.ignoreChanges).to.equal(undefined);
    });

    it("autoscaling owns the task count of a scaled service, and only of one", () => {
      expect(runs.prod.one(SERVICE, "ferry-prod-web").options.ignoreChanges).to.deep.equal(["desiredCount"]);
      expect(runs.dev.one(SERVICE, "ferry-dev-web").options.ignoreChanges).to.deep.equal(["desiredCount"]);
      expect(runs.dev.one(SERVICE, "ferry-dev-worker").options.ignoreChanges).to.equal(undefined);
    });

    it("a service waits for its listener rules and the capacity providers; its check waits for it; the ALB for its log bucket's policy", () => {
      const deps = (r: { options: { dependencies?: string[] } }) => r.options.dependencies ?? [];
      const web = runs.prod.one(SERVICE, "ferry-prod-web");
      expect(deps(web)).to.include.members([`${RULE}::ferry-prod-web`, `${RULE}::ferry-prod-web-test`, "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders::ferry-prod"]);
      expect(deps(runs.prod.one("pulumi-nodejs:dynamic/ferry:DeploymentCheck", "ferry-prod-web-deployment-check"))).to.include(`${SERVICE}::ferry-prod-web`);
      expect(deps(runs.prod.one("aws:lb/loadBalancer:LoadBalancer"))).to.include("aws:s3/bucketPolicy:BucketPolicy::ferry-prod-alb-logs");
    });

    it("the deployment check runs again for a new task definition, a new capacity mix or another service, not for anything else", () => {
      const base = { taskDefinition: "td:1", capacity: "[FARGATE]", service: "web" };
      expect(checkNeeded(base, { ...base })).to.equal(false);
      expect(checkNeeded(base, { ...base, taskDefinition: "td:2" })).to.equal(true);
      expect(checkNeeded(base, { ...base, capacity: "[FARGATE_SPOT]" })).to.equal(true);
      expect(checkNeeded(base, { ...base, service: "api" })).to.equal(true);
    });
  });

  describe("numbers", () => {
    it("5xx alarm: above 5% of requests in 2 of 3 one-minute periods; unhealthy alarm: any unhealthy target, 2 of 3", () => {
      const errors = runs.prod.inputs(runs.prod.one(ALARM, "ferry-prod-web-5xx"));
      expect(errors).to.include({ threshold: 5, comparisonOperator: "GreaterThanThreshold", evaluationPeriods: 3, datapointsToAlarm: 2, treatMissingData: "notBreaching" });
      const queries = errors.metricQueries as Inputs[];
      expect(queries.map((q) => (q.metric as Inputs | undefined)?.period)).to.deep.equal([60, 60, undefined]);
      expect(queries[2]).to.include({ expression: "IF(requests > 0, 100 * errors / requests, 0)", returnData: true });
      expect(runs.prod.inputs(runs.prod.one(ALARM, "ferry-prod-web-unhealthy"))).to.include({ threshold: 0, evaluationPeriods: 3, datapointsToAlarm: 2, period: 60, statistic: "Maximum" });
    });

    it("rolling deployments keep 100% and surge to 200%, to 150% from 10 tasks", async () => {
      const pct = (run: Run, name: string) => run.inputs(run.one(SERVICE, name));
      expect(pct(runs.dev, "ferry-dev-web")).to.include({ deploymentMinimumHealthyPercent: 100, deploymentMaximumPercent: 200 });
      const nine = await runStack("staging", { services: { web: { port: 8080, desiredCount: 9 } } });
      const ten = await runStack("staging", { services: { web: { port: 8080, desiredCount: 10 } } });
      expect(pct(nine, "ferry-staging-web").deploymentMaximumPercent).to.equal(200);
      expect(pct(ten, "ferry-staging-web").deploymentMaximumPercent).to.equal(150);
    });

    it("an approval nobody answers rolls back after its timeout (prod: 60 minutes)", async () => {
      const hooks = ((runs.prod.inputs(runs.prod.one(SERVICE, "ferry-prod-web")).deploymentConfiguration as Inputs).lifecycleHooks as Inputs[])[0];
      expect(hooks).to.deep.include({ targetType: "PAUSE", lifecycleStages: ["POST_TEST_TRAFFIC_SHIFT"], timeoutConfiguration: { action: "ROLLBACK", timeoutInMinutes: "60" } });
      const byDefault = await runStack("staging", { services: { web: { port: 8080, deployment: { strategy: "blueGreen", approval: true } } } });
      const hook = ((byDefault.inputs(byDefault.one(SERVICE)).deploymentConfiguration as Inputs).lifecycleHooks as Inputs[])[0];
      expect(hook.timeoutConfiguration).to.deep.equal({ action: "ROLLBACK", timeoutInMinutes: "60" });
    });
  });

  describe("where tasks run", () => {
    it("in the network's private subnets, without public IPs (network stack)", () => {
      for (const svc of runs.prod.ofType(SERVICE)) {
        expect(runs.prod.inputs(svc).networkConfiguration).to.deep.equal({
          subnets: FAKE_NETWORK_OUTPUTS.privateSubnetIds,
          securityGroups: (runs.prod.inputs(svc).networkConfiguration as Inputs).securityGroups,
          assignPublicIp: false,
        });
      }
    });

    it("in dev's own private subnets, which do not overlap and route out through the NAT gateway", () => {
      const run = runs.dev;
      const subnets = run.ofType("aws:ec2/subnet:Subnet").map((s) => ({ ...run.inputs(s), name: s.name }) as Inputs & { name: string });
      const privateIds = subnets.filter((s) => s.name.includes("-private-")).map((s) => `${s.name}-`);
      for (const svc of run.ofType(SERVICE)) {
        const ids = (run.inputs(svc).networkConfiguration as { subnets: string[] }).subnets;
        expect(ids).to.have.length(2);
        for (const id of ids) expect(privateIds.some((p) => id.startsWith(p)), id).to.equal(true);
      }
      const vpc = range(run.inputs(run.one("aws:ec2/vpc:Vpc")).cidrBlock as string);
      const ranges = subnets.map((s) => range(s.cidrBlock as string)).sort((a, b) => a[0] - b[0]);
      ranges.forEach((r, i) => {
        expect(r[0] >= vpc[0] && r[1] <= vpc[1], "inside the VPC").to.equal(true);
        if (i > 0) expect(r[0] > ranges[i - 1][1], "no overlap").to.equal(true);
      });
      for (const s of subnets) expect(s.mapPublicIpOnLaunch).to.equal(false);
      const routes = (name: string) => run.inputs(run.one("aws:ec2/routeTable:RouteTable", name)).routes as Inputs[];
      expect(routes("ferry-dev-private")).to.have.length(1);
      const [privateRoute] = routes("ferry-dev-private");
      expect(privateRoute).to.include({ cidrBlock: "0.0.0.0/0" });
      expect(privateRoute.natGatewayId, "the private default route goes through the NAT gateway").to.match(/^ferry-dev-nat-/);
      expect(privateRoute.gatewayId, "never through the internet gateway").to.equal(undefined);
      expect(routes("ferry-dev-public")[0].gatewayId).to.match(/^ferry-dev-igw-/);
    });
  });
});
