/**
 * Escape hatches for a component's main children: a partial args object merged over Ferry's, or a
 * function that edits the args and options in place before the child is declared.
 */
import * as pulumi from "@pulumi/pulumi";

export type Transform<Args> = Partial<Args> | ((args: Args, opts: pulumi.CustomResourceOptions, name: string) => void);

export function applyTransform<Args extends object>(
  transform: Transform<Args> | undefined,
  name: string,
  args: Args,
  opts: pulumi.CustomResourceOptions,
): [Args, pulumi.CustomResourceOptions] {
  if (transform === undefined) return [args, opts];
  if (typeof transform === "function") {
    transform(args, opts, name);
    return [args, opts];
  }
  return [{ ...args, ...transform }, opts];
}
