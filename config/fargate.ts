/**
 * Fargate task sizes: the table from the ECS developer guide ("Task CPU and memory").
 * One table drives both the type check at config time and the error message, which lists the
 * memory values allowed for the chosen CPU. Anything outside it is refused by ECS at deploy time,
 * so Ferry refuses it before anything is created.
 */

/** Task CPU units Fargate accepts, mapped to the memory sizes (MiB) allowed with each. */
export const FARGATE_TASK_SIZES: ReadonlyMap<number, readonly number[]> = new Map([
  [256, [512, 1024, 2048]],
  [512, range(1024, 4096, 1024)],
  [1024, range(2048, 8192, 1024)],
  [2048, range(4096, 16384, 1024)],
  [4096, range(8192, 30720, 1024)],
  // 8 and 16 vCPU need Linux platform version 1.4.0 or later (Ferry's default, LATEST).
  [8192, range(16384, 61440, 4096)],
  [16384, range(32768, 122880, 8192)],
]);

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/** Memory sizes allowed for a CPU value, or undefined when the CPU value itself is not a Fargate size. */
export function memoryChoices(cpu: number): readonly number[] | undefined {
  return FARGATE_TASK_SIZES.get(cpu);
}

/** Describes the allowed memory for a CPU compactly, e.g. "1024..4096 in steps of 1024". */
export function describeMemoryChoices(cpu: number): string {
  const choices = memoryChoices(cpu);
  if (!choices) return "";
  if (choices.length <= 3) return choices.join(", ");
  const step = choices[1] - choices[0];
  return `${choices[0]}..${choices[choices.length - 1]} in steps of ${step}`;
}
