/**
 * Validates a value against a shape of the official ECS API model (the service model the AWS SDK for
 * JavaScript v2 ships: member names, member types, required members). Used to check the container
 * definitions Ferry writes against what ECS actually accepts, instead of against hand-written
 * expectations.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const model = require("aws-sdk/apis/ecs-2014-11-13.min.json") as { operations: Record<string, { input: Shape }>; shapes: Record<string, Shape> };

interface Shape {
  shape?: string;
  type?: string;
  members?: Record<string, Shape>;
  required?: string[];
  member?: Shape;
  key?: Shape;
  value?: Shape;
}

function resolve(s: Shape): Shape {
  return s.shape ? resolve(model.shapes[s.shape]) : s;
}

/** The input shape of an operation's member, e.g. ("RegisterTaskDefinition", "containerDefinitions"). */
export function operationMember(operation: string, member: string): Shape {
  const input = resolve(model.operations[operation].input);
  const m = input.members?.[member];
  if (!m) throw new Error(`${operation} has no input member ${member}`);
  return m;
}

/** Problems of `value` against `shape` ("path: what is wrong"); empty when ECS's model accepts it. */
export function shapeProblems(value: unknown, shape: Shape, path = "$"): string[] {
  const s = resolve(shape);
  switch (s.type) {
    case "structure": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return [`${path}: expected an object`];
      const v = value as Record<string, unknown>;
      const out: string[] = [];
      for (const r of s.required ?? []) if (v[r] === undefined) out.push(`${path}.${r}: required`);
      for (const [k, item] of Object.entries(v)) {
        const m = s.members?.[k];
        if (!m) out.push(`${path}.${k}: not a member of the ECS model`);
        else if (item !== undefined) out.push(...shapeProblems(item, m, `${path}.${k}`));
      }
      return out;
    }
    case "list":
      return Array.isArray(value) ? value.flatMap((item, i) => shapeProblems(item, s.member!, `${path}[${i}]`)) : [`${path}: expected a list`];
    case "map":
      if (typeof value !== "object" || value === null) return [`${path}: expected a map`];
      return Object.entries(value).flatMap(([k, item]) => shapeProblems(item, s.value!, `${path}.${k}`));
    case "integer":
    case "long":
      return Number.isInteger(value) ? [] : [`${path}: expected an integer`];
    case "float":
    case "double":
      return typeof value === "number" ? [] : [`${path}: expected a number`];
    case "boolean":
      return typeof value === "boolean" ? [] : [`${path}: expected a boolean`];
    case "timestamp":
    case "string":
    case undefined:
      return typeof value === "string" ? [] : [`${path}: expected a string`];
    default:
      return [`${path}: unsupported model type ${s.type}`];
  }
}
