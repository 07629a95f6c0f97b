/**
 * Ferry's policy pack: `pulumi preview --policy-pack policy` (or `pulumi up --policy-pack policy`)
 * runs the policies of policy/policies.ts on every resource the engine plans, the same ones
 * `ferry plan` runs offline. Mandatory violations stop the update.
 *
 * Config (`--policy-pack-config <file>`): `{ "elb-deletion-protection": { "productionStacks": ["prod"] } }`
 * names the stacks (by the load balancer's `ferry:stack` tag) whose load balancers must refuse
 * deletion. Enforcement levels can be changed per policy the same way (Pulumi's own config keys).
 */
import { PolicyPack, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { DEFAULT_SETTINGS, Policy, POLICIES, PolicySettings } from "./policies";

const describe = (p: Policy) => `${p.control ? `[${p.control}] ` : ""}${p.description}`;
const settingsOf = (config: { productionStacks?: string[] } | undefined): PolicySettings => ({ productionStacks: config?.productionStacks ?? DEFAULT_SETTINGS.productionStacks });
const configSchema = {
  properties: { productionStacks: { type: "array" as const, items: { type: "string" as const }, default: DEFAULT_SETTINGS.productionStacks } },
};

function packPolicy(p: Policy): ResourceValidationPolicy | StackValidationPolicy {
  const common = { name: p.name, description: describe(p), enforcementLevel: p.enforcementLevel, configSchema };
  if (p.checkStack) {
    const checkStack = p.checkStack;
    return {
      ...common,
      validateStack: (args, reportViolation) => {
        const resources = args.resources.map((r) => ({ type: r.type, name: r.name, props: r.props, dependencies: r.dependencies.map((d) => `${d.type}::${d.name}`) }));
        const urnOf = new Map(args.resources.map((r) => [`${r.type}::${r.name}`, r.urn]));
        for (const v of checkStack(resources, settingsOf(args.getConfig()))) reportViolation(`${v.resource}: ${v.message}`, urnOf.get(v.resource));
      },
    };
  }
  const check = p.check!;
  return {
    ...common,
    validateResource: (args, reportViolation) => {
      if (args.type !== p.resourceType) return;
      for (const message of check(args.props, settingsOf(args.getConfig()))) reportViolation(message);
    },
  };
}

new PolicyPack("ferry", { policies: POLICIES.map(packPolicy) });
