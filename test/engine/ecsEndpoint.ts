/**
 * A local ECS endpoint for the engine tests (AWS_ENDPOINT_URL_ECS): the deployment check that runs
 * inside the real engine asks it about the deployment an update started, and `ferry approve` /
 * `ferry reject` answer paused ones through it. No emulator implements ECS service deployments, so it
 * serves the recorded responses in test/fixtures/ecs, rewritten to the live service: its cluster,
 * name and region, the task definition the update moved it to (from the stand-in provider's journal)
 * and the one it ran before.
 *
 * A test picks what ECS does for a service's next deployment with `next(service, outcome)`; every
 * other deployment completes. Outcomes: a recorded fixture's final answer (`rolled-back-by-alarm`,
 * `stopped`, …), `paused` (waits at the approval hook until ContinueServiceDeployment, then completes
 * or, on ROLLBACK, ends rolled back) and `hanging` (in progress for ever).
 */
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { readJournal } from "./standInProvider";

export type Outcome = "completed" | "rolled-back-by-alarm" | "rolled-back-by-circuit-breaker" | "stopped" | "paused" | "hanging";

interface Fixture {
  taskDefinition: string;
  polls: Record<string, unknown>[];
}

interface Deployment {
  outcome: Outcome;
  answer?: "CONTINUE" | "ROLLBACK";
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** The JSON protocol sends timestamps as epoch seconds. */
function wireDates(value: unknown): unknown {
  if (typeof value === "string" && ISO.test(value)) return Date.parse(value) / 1000;
  if (Array.isArray(value)) return value.map(wireDates);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wireDates(v)]));
  return value;
}

export interface LiveService {
  cluster: string;
  service: string;
  region: string;
  taskDefinition: string;
  previous?: string;
}

/**
 * A recorded poll rewritten to a live service: the fixture's target task definition becomes the
 * live one, its other revisions the previous one, and its cluster, service and region the live ones.
 */
export function rewrite(fixture: Fixture, poll: Record<string, unknown>, live: LiveService): Record<string, unknown> {
  const target = fixture.taskDefinition;
  const m = /^arn:aws:ecs:([^:]+):(\d+):task-definition\/([^:]+):\d+$/.exec(target);
  if (!m) throw new Error(`fixture task definition ${target} is not a task definition ARN`);
  const [, region, account, family] = m;
  const text = JSON.stringify(poll);
  const svc = /service\/([^/"]+)\/([^/"]+)"/.exec(text);
  if (!svc) throw new Error("fixture names no service ARN");
  const [, cluster, service] = svc;
  // One pass, so a live name equal to the fixture's is not rewritten twice.
  const out = text
    .replace(new RegExp(`arn:aws:ecs:${region}:${account}:task-definition/${family}:\\d+`, "g"), (arn) => (arn === target ? live.taskDefinition : (live.previous ?? live.taskDefinition)))
    .split(`/${cluster}/${service}`).join(`/${live.cluster}/${live.service}`)
    .split(`cluster/${cluster}"`).join(`cluster/${live.cluster}"`)
    .split(`"${service}"`).join(`"${live.service}"`)
    .split(`arn:aws:ecs:${region}:`).join(`arn:aws:ecs:${live.region}:`);
  return JSON.parse(out);
}

export class EcsEndpoint {
  private server?: http.Server;
  url = "";
  /** Outcomes waiting for a service's next deployment (by service name prefix, e.g. `ferry-prod-web`). */
  private queued: { prefix: string; outcome: Outcome }[] = [];
  /** Outcome of each deployment seen, by `<service> <task definition>`. */
  private deployments = new Map<string, Deployment>();
  readonly requests: { action: string; body: Record<string, unknown> }[] = [];

  constructor(readonly journal: string, readonly fixtures: string) {}

  /** What ECS does with the next deployment of the service whose name starts with `prefix`. */
  next(prefix: string, outcome: Outcome): void {
    this.queued.push({ prefix, outcome });
  }

  reset(): void {
    this.queued = [];
    this.requests.length = 0;
  }

  private fixture(name: string): Fixture {
    return JSON.parse(fs.readFileSync(path.join(this.fixtures, `${name}.json`), "utf8")) as Fixture;
  }

  private live(service: string): LiveService {
    const events = readJournal(this.journal).filter((e) => e.kind === "service" && e.service === service);
    const last = events[events.length - 1];
    if (!last) throw Object.assign(new Error(`Service not found: ${service}`), { type: "ServiceNotFoundException" });
    const previous = [...events].reverse().find((e) => e.taskDefinition !== last.taskDefinition)?.taskDefinition;
    return { cluster: String(last.cluster).split("/").pop()!, service, region: String(last.region), taskDefinition: String(last.taskDefinition), previous };
  }

  private deployment(live: LiveService): Deployment {
    const key = `${live.service} ${live.taskDefinition}`;
    let d = this.deployments.get(key);
    if (!d) {
      const i = this.queued.findIndex((q) => live.service.startsWith(q.prefix));
      d = { outcome: i >= 0 ? this.queued.splice(i, 1)[0].outcome : "completed" };
      this.deployments.set(key, d);
    }
    return d;
  }

  /** The recorded poll that answers for a deployment now. */
  private poll(d: Deployment): { fixture: Fixture; poll: Record<string, unknown> } {
    const last = (f: Fixture) => ({ fixture: f, poll: f.polls[f.polls.length - 1] });
    switch (d.outcome) {
      case "paused": {
        if (d.answer === "CONTINUE") return last(this.fixture("paused-then-approved"));
        if (d.answer === "ROLLBACK") return last(this.fixture("rejected-at-approval"));
        const f = this.fixture("paused-then-approved");
        return { fixture: f, poll: f.polls[0] };
      }
      case "hanging": {
        const f = this.fixture("in-progress-at-timeout");
        return { fixture: f, poll: f.polls[0] };
      }
      default:
        return last(this.fixture(d.outcome));
    }
  }

  private answer(action: string, body: Record<string, unknown>): unknown {
    const serviceOfArn = (arn: string) => arn.split("/")[2];
    const respond = (service: string, key: string) => {
      const live = this.live(service);
      const { fixture, poll } = this.poll(this.deployment(live));
      return rewrite(fixture, poll, live)[key];
    };
    switch (action) {
      case "ListServiceDeployments":
        return respond(String(body.service), "listServiceDeployments");
      case "DescribeServices":
        return respond(String((body.services as string[])[0]), "describeServices");
      case "DescribeServiceDeployments":
        return respond(serviceOfArn((body.serviceDeploymentArns as string[])[0]), "describeServiceDeployments");
      case "DescribeServiceRevisions":
        return respond(serviceOfArn((body.serviceRevisionArns as string[])[0]), "describeServiceRevisions");
      case "ContinueServiceDeployment": {
        const arn = String(body.serviceDeploymentArn);
        const live = this.live(serviceOfArn(arn));
        const d = this.deployment(live);
        if (d.outcome !== "paused" || d.answer) throw Object.assign(new Error("The service deployment is not waiting at a lifecycle hook."), { type: "InvalidParameterException" });
        d.answer = body.action as Deployment["answer"];
        return { serviceDeploymentArn: arn };
      }
      default:
        throw Object.assign(new Error(`${action} is not served by the test ECS endpoint`), { type: "UnknownOperationException" });
    }
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let raw = "";
      req.on("data", (d) => (raw += d));
      req.on("end", () => {
        const action = String(req.headers["x-amz-target"] ?? "").split(".").pop() ?? "";
        const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
        this.requests.push({ action, body });
        try {
          const out = wireDates(this.answer(action, body));
          res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
          res.end(JSON.stringify(out));
        } catch (err) {
          res.writeHead(400, { "content-type": "application/x-amz-json-1.1" });
          res.end(JSON.stringify({ __type: (err as { type?: string }).type ?? "ServerException", message: (err as Error).message }));
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  stop(): void {
    this.server?.close();
  }
}
