/**
 * The functions' AWS and HTTPS adapters (functions/aws.ts) with the AWS SDK mocked
 * (aws-sdk-client-mock) and a local HTTPS stand-in for Slack's response_url: secrets read once and
 * never cached when the read fails, a paused deployment found through ECS, the generation from a
 * release tag, the dead-letter message, the approval's ECS call and its answer in the thread.
 */
import { DescribeImagesCommand, ECRClient } from "@aws-sdk/client-ecr";
import { ContinueServiceDeploymentCommand, DescribeServiceDeploymentsCommand, ECSClient, ListServiceDeploymentsCommand } from "@aws-sdk/client-ecs";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import * as http from "http";
import { AddressInfo } from "net";
import { approvalPorts, generationOf, notifierPorts, readSecret, serviceOf } from "../functions/aws";

const SERVICE = "arn:aws:ecs:eu-west-1:123456789012:service/ferry-prod-6108927/ferry-prod-web-3bd19e4";
const DEPLOYMENT = "arn:aws:ecs:eu-west-1:123456789012:service-deployment/ferry-prod-6108927/ferry-prod-web-3bd19e4/AbCdEf0123";
const DIGEST = `sha256:${"ab".repeat(32)}`;

describe("the functions' AWS adapters (SDK mocked)", () => {
  const mocks = () => ({ secrets: mockClient(SecretsManagerClient), ecs: mockClient(ECSClient), ecr: mockClient(ECRClient), sqs: mockClient(SQSClient) });
  let m: ReturnType<typeof mocks>;
  before(() => (m = mocks()));
  afterEach(() => Object.values(m).forEach((x) => x.reset()));
  after(() => Object.values(m).forEach((x) => x.restore()));

  it("reads a secret once per container, and reads again after a failed read", async () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ferry/once-AbCdEf";
    m.secrets.on(GetSecretValueCommand).resolves({ SecretString: "https://hooks.slack.com/services/T/B/x" });
    expect([await readSecret(arn), await readSecret(arn)]).to.deep.equal(["https://hooks.slack.com/services/T/B/x", "https://hooks.slack.com/services/T/B/x"]);
    expect(m.secrets.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.SecretId)).to.deep.equal([arn]);

    const flaky = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ferry/flaky-AbCdEf";
    m.secrets.on(GetSecretValueCommand, { SecretId: flaky }).rejectsOnce(Object.assign(new Error("throttled"), { name: "ThrottlingException" })).resolves({ SecretString: "token" });
    const first = await readSecret(flaky).catch((e: Error) => e.name);
    expect([first, await readSecret(flaky)]).to.deep.equal(["ThrottlingException", "token"]);
  });

  it("a secret without a string value: an error naming the ARN, never a value", async () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ferry/binary-AbCdEf";
    m.secrets.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2]) });
    const err = await readSecret(arn).catch((e: Error) => e);
    expect([(err as Error).name, (err as Error).message]).to.deep.equal(["EmptySecret", `secret ${arn} holds no string`]);
  });

  it("service ARNs and release tags", () => {
    expect(serviceOf(SERVICE)).to.deep.equal({ cluster: "ferry-prod-6108927", service: "ferry-prod-web-3bd19e4" });
    const cases: [string[], number | undefined][] = [
      [["release-prod-7", "release-prod-7-arm64", "release-staging-9"], 7],
      [["release-prod-3", "release-prod-12"], 12],
      [["release-prod-eu-3", "release-staging-4", "build-abc"], undefined],
      [[], undefined],
    ];
    for (const [tags, generation] of cases) expect(generationOf(tags, "prod"), tags.join(" ")).to.equal(generation);
  });

  it("the notifier's ports: the paused hook of a service's deployment, an image's generation, the dead-letter message", async () => {
    m.ecs.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [{ serviceDeploymentArn: DEPLOYMENT }] });
    m.ecs.on(DescribeServiceDeploymentsCommand).resolves({
      serviceDeployments: [{ serviceDeploymentArn: DEPLOYMENT, serviceArn: SERVICE, status: "IN_PROGRESS", lifecycleHookDetails: [{ hookId: "hook-1", targetType: "PAUSE", status: "AWAITING_ACTION", expiresAt: new Date("2026-12-02T12:00:00Z") }] }],
    } as never);
    m.ecr.on(DescribeImagesCommand).resolves({ imageDetails: [{ imageTags: ["release-prod-4", "release-prod-4-amd64", "release-staging-6"] }] });
    m.sqs.on(SendMessageCommand).resolves({});
    const ports = notifierPorts({ FERRY_REPOSITORY: "ferry-dev", FERRY_STACK_NAME: "prod", FERRY_DEAD_LETTER_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/dlq" });

    expect(await ports.pausedDeployment(SERVICE)).to.deep.equal({ serviceDeploymentArn: DEPLOYMENT, hookId: "hook-1", expiresAt: "2026-12-02T12:00:00.000Z" });
    expect(m.ecs.commandCalls(ListServiceDeploymentsCommand)[0].args[0].input).to.deep.include({ cluster: "ferry-prod-6108927", service: "ferry-prod-web-3bd19e4", status: ["IN_PROGRESS"] });
    expect(await ports.generation(DIGEST)).to.equal(4);
    expect(m.ecr.commandCalls(DescribeImagesCommand)[0].args[0].input).to.deep.equal({ repositoryName: "ferry-dev", imageIds: [{ imageDigest: DIGEST }] });
    expect(await notifierPorts({}).generation(DIGEST)).to.equal(undefined);

    const message = { eventId: "e-1", destination: "slack", why: "HTTP 404", event: { id: "e-1" } };
    await ports.deadLetter(message);
    expect(m.sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input)).to.deep.equal([{ QueueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/dlq", MessageBody: JSON.stringify(message) }]);
  });

  it("no paused hook: none", async () => {
    m.ecs.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [] });
    expect(await notifierPorts({}).pausedDeployment(SERVICE)).to.equal(undefined);
  });

  it("the approval's ports: replays, the deployment now, ECS's continue, the answer in the thread", async () => {
    const ports = approvalPorts();
    expect([ports.firstTime("v0=aaa"), ports.firstTime("v0=aaa"), ports.firstTime("v0=bbb")]).to.deep.equal([true, false, true]);

    m.ecs.on(DescribeServiceDeploymentsCommand).resolves({
      serviceDeployments: [{ serviceDeploymentArn: DEPLOYMENT, serviceArn: SERVICE, status: "IN_PROGRESS", lifecycleHookDetails: [{ hookId: "hook-1", status: "AWAITING_ACTION" }, { status: "SUCCEEDED" }] }],
    } as never);
    expect(await ports.describeDeployment(DEPLOYMENT)).to.deep.equal({ serviceArn: SERVICE, status: "IN_PROGRESS", hooks: [{ hookId: "hook-1", status: "AWAITING_ACTION" }] });
    m.ecs.on(DescribeServiceDeploymentsCommand).resolves({ serviceDeployments: [] });
    expect(await ports.describeDeployment(DEPLOYMENT)).to.equal(undefined);

    m.ecs.on(ContinueServiceDeploymentCommand).resolves({});
    await ports.continueDeployment(DEPLOYMENT, "hook-1", "ROLLBACK");
    expect(m.ecs.commandCalls(ContinueServiceDeploymentCommand).map((c) => c.args[0].input)).to.deep.equal([{ serviceDeploymentArn: DEPLOYMENT, hookId: "hook-1", action: "ROLLBACK" }]);

    const received: { body: string; type?: string }[] = [];
    let status = 200;
    const server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c)).on("end", () => {
        received.push({ body, type: req.headers["content-type"] });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/actions/T/1/x`;
    try {
      await ports.answer(url, "Approved by <@U04PRODLEAD>", "1733140000.000100");
      expect(received.map((r) => [r.type, JSON.parse(r.body)])).to.deep.equal([
        ["application/json", { response_type: "in_channel", replace_original: false, text: "Approved by <@U04PRODLEAD>", thread_ts: "1733140000.000100" }],
      ]);
      status = 404;
      const err = await ports.answer(url, "x").catch((e: Error) => e.name);
      expect(err).to.equal("HTTP404");
    } finally {
      server.close();
    }
  });
});
