/**
 * Ferry: config → image → services → notifications → outputs.
 * `pulumi up -s <stack>` runs this file; so do the offline plan (`ferry plan`) and the tests, under
 * Pulumi's mock runtime, so what they describe is what `pulumi up` deploys.
 */
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "./components/cluster";
import { ImageRepository } from "./components/imageRepository";
import { LoadBalancer } from "./components/loadBalancer";
import { MultiArchImage } from "./components/multiArchImage";
import { Network } from "./components/network";
import { FargateService } from "./components/service";
import { loadAwsAccess, loadConfig } from "./config";
import { currentCommit } from "./lib/git";
import { ecrRepositoryArn } from "./lib/iam";
import { notificationsResourceName, serviceResourceName, STACK_TAG, stackResourceName } from "./lib/names";
import { digestsOf, targetKey } from "./lib/imageSet";
import { routePriorities } from "./lib/routing";
import { reviewStackExpiry } from "./components/reviewStackTtl";
import { Notifications } from "./components/notifications";

// 1. Config: validated before any resource is declared. Ferry's own AWS calls use the stack's AWS access.
const config = loadConfig();
const awsAccess = loadAwsAccess();
const name = stackResourceName(config.project, config.stack);

// 2. Image: a building stack builds one multi-arch image per Dockerfile target; the others run the
//    digest that promotion pinned in ferry:imageRef.
const imageOf = new Map<string, pulumi.Output<string>>();
let repositoryArn: pulumi.Output<string | undefined>;
if (config.build) {
  const { image: build } = config;
  const targets = [...new Set(config.services.map((s) => s.target ?? ""))];
  const repository = new ImageRepository(name, {
    lifecycle: { keepBuilds: build.keepBuilds, targets: targets.length, platforms: build.platforms, cacheDays: build.cacheDays },
    kmsKeyArn: build.kmsKeyArn,
    pullThroughCache: build.pullThroughCache,
  });
  const commit = currentCommit(__dirname);
  for (const target of targets) {
    const image = new MultiArchImage(target ? `${name}-${target}` : name, {
      repositoryUrl: repository.repositoryUrl,
      registryId: repository.registryId,
      // Relative to the project directory (Pulumi's working directory), so the build inputs are the
      // same on every machine that runs `pulumi up`.
      context: build.context,
      dockerfile: build.dockerfile,
      target: target || undefined,
      buildArgs: build.buildArgs,
      commit: commit.id,
      commitTime: commit.time,
      platforms: build.platforms,
      mode: build.mode,
      cache: build.cache,
      builders: build.builders,
    });
    imageOf.set(target, image.imageRef);
  }
  repositoryArn = repository.arn;
} else {
  // Each service runs the promoted image of its Dockerfile target (ferry:imageRefs, or ferry:imageRef).
  const images = config.images!;
  for (const s of config.services) imageOf.set(s.target ?? "", pulumi.output(images[targetKey(s.target)]));
  repositoryArn = pulumi.output(ecrRepositoryArn(images[targetKey(config.services[0].target)]));
}

// 3. Services: network, cluster, load balancer, then one Fargate service per configured service.
const network = new Network(name, { network: config.network });
const cluster = new Cluster(name, { existingArn: config.cluster.arn, containerInsights: config.cluster.containerInsights });
const routed = config.services.some((s) => s.port !== undefined);
const loadBalancer = routed
  ? new LoadBalancer(name, {
      vpcId: network.vpcId,
      subnetIds: network.publicSubnetIds,
      certificateArn: config.certificateArn,
      deletionProtection: config.loadBalancer.deletionProtection,
      idleTimeout: config.loadBalancer.idleTimeout,
      accessLogs: config.loadBalancer.accessLogs,
      logRetentionDays: config.logRetentionDays,
      tags: { [STACK_TAG]: config.stack },
    })
  : undefined;
const priorities = routePriorities(config.services);
const services = config.services.map(
  (service) =>
    new FargateService(serviceResourceName(config.project, config.stack, service.name), {
      service,
      family: serviceResourceName(config.project, config.stack, service.name),
      image: imageOf.get(service.target ?? "")!,
      repositoryArn,
      clusterArn: cluster.arn,
      clusterName: cluster.name,
      vpcId: network.vpcId,
      subnetIds: network.taskSubnetIds,
      assignPublicIp: network.tasksNeedPublicIp,
      logRetentionDays: config.logRetentionDays,
      awsAccess,
      routing:
        loadBalancer && service.port !== undefined
          ? {
              listenerArn: loadBalancer.listener.arn,
              loadBalancerSecurityGroupId: loadBalancer.securityGroupId,
              loadBalancerArnSuffix: loadBalancer.arnSuffix,
              priority: priorities.get(service.name)!,
            }
          : undefined,
    }),
);

// 4. Notifications: the stack's deployments, trouble, Spot interruptions, scan findings and alarms
//    told to Slack, Chatwork and e-mail; paused deployments approved from Slack.
const notifications = config.notifications
  ? new Notifications(notificationsResourceName(config.project, config.stack), {
      settings: config.notifications,
      stack: config.stack,
      stackLabel: `${config.project}/${config.stack}`,
      clusterArn: cluster.arn,
      clusterName: cluster.name,
      ownCluster: config.cluster.arn === undefined,
      services: services.map((s, i) => ({ name: config.services[i].name, arn: s.serviceArn, image: imageOf.get(config.services[i].target ?? "")!, alarmNames: s.alarmNames })),
      // Images outside ECR have no scan findings and no release tags to tell.
      repositoryArn: config.build || ecrRepositoryArn(config.images![targetKey(config.services[0].target)]) ? repositoryArn : undefined,
      imageDigests: config.images ? digestsOf(config.images) : undefined,
      logRetentionDays: config.logRetentionDays,
    })
  : undefined;

// 5. A review stack (a copy of the template's config, made by Pulumi Deployments for a pull request)
//    destroys itself when its time-to-live ends, should the pull request's close never come.
const expiresAt = config.reviewStack ? reviewStackExpiry(config.reviewStack.ttlHours) : undefined;

// 6. Outputs: promotion reads `imageRefs` (every target's image, promoted together; `imageRef` is the
//    first service's, for single-image stacks and people); people read the rest.
const defaultTarget = config.services[0].target ?? "";
export const imageRef = imageOf.get(defaultTarget)!;
export const imageRefs = Object.fromEntries([...imageOf].map(([target, ref]) => [targetKey(target || undefined), ref]));
export const serviceImageRefs = Object.fromEntries(config.services.map((s) => [s.name, imageOf.get(s.target ?? "")!]));
export const url = loadBalancer?.url;
export const clusterName = cluster.name;
export const serviceNames = Object.fromEntries(services.map((s, i) => [config.services[i].name, s.serviceName]));
export const logGroups = Object.fromEntries(services.map((s, i) => [config.services[i].name, s.logGroupName]));
/** Slack's Interactivity request URL for approving this stack's paused deployments, when that is on. */
export const approvalUrl = notifications?.approvalUrl;
/** The dead-letter queue of notifications that could not be delivered, when notifications are on. */
export const undeliveredNotificationsQueue = notifications?.deadLetterQueueUrl;
/** When a review stack is destroyed at the latest (ISO 8601); absent for other stacks. */
export const reviewStackExpiresAt = expiresAt;
