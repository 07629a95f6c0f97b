/**
 * Cluster: an ECS cluster with the FARGATE and FARGATE_SPOT capacity providers and Container
 * Insights, so every service can choose its own on-demand/Spot mix; or an existing cluster, which
 * must already have both capacity providers.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface ClusterArgs {
  /** Use this cluster instead of creating one. @default create a cluster */
  existingArn?: string;
  /** Container Insights for a created cluster. @default true */
  containerInsights?: boolean;
}

export class Cluster extends pulumi.ComponentResource {
  readonly name: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: ClusterArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("ferry:ecs:Cluster", name, {}, opts);
    if (args.existingArn) {
      this.arn = pulumi.output(args.existingArn);
      this.name = pulumi.output(args.existingArn.slice(args.existingArn.lastIndexOf("/") + 1));
    } else {
      const cluster = new aws.ecs.Cluster(name, {
        settings: [{ name: "containerInsights", value: args.containerInsights === false ? "disabled" : "enabled" }],
      }, { parent: this });
      const providers = new aws.ecs.ClusterCapacityProviders(name, {
        clusterName: cluster.name,
        capacityProviders: ["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategies: [{ capacityProvider: "FARGATE", weight: 1, base: 0 }],
      }, { parent: this });
      // Services must not be created before the capacity providers are attached.
      this.name = pulumi.all([cluster.name, providers.id]).apply(([n]) => n);
      this.arn = pulumi.all([cluster.arn, providers.id]).apply(([a]) => a);
    }
    this.registerOutputs({ name: this.name, arn: this.arn });
  }
}
