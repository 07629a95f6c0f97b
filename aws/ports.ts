/**
 * Ferry's one way to AWS: the registry (ECR) and deployments (ECS) ports over the AWS SDK v3, with
 * one client per service and region. Credentials, region and endpoints come from the SDK's standard
 * settings (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_ECR, AWS_ENDPOINT_URL_ECS…),
 * so an emulator can stand in.
 */
import { ECRClient } from "@aws-sdk/client-ecr";
import { ECSClient } from "@aws-sdk/client-ecs";
import { DeploymentsPort, RegistryPort } from "../automation/ports";
import { EcrRegistry } from "./ecr";
import { EcsDeploymentsByRegion } from "./ecs";
import { EcrImageStore, ImageStorePort } from "./imageStore";
import { EcsImageUsage, ImageUsagePort } from "./imageUsage";

export function awsPorts(): { registry: RegistryPort; deployments: DeploymentsPort; images: ImageStorePort; usage: ImageUsagePort } {
  return {
    registry: new EcrRegistry((region) => new ECRClient({ region })),
    deployments: new EcsDeploymentsByRegion((region) => new ECSClient({ region })),
    images: new EcrImageStore((region) => new ECRClient({ region })),
    usage: new EcsImageUsage((region) => new ECSClient({ region })),
  };
}
