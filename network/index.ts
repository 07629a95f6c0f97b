/**
 * The network stack Ferry's staging and prod read (`ferry:network.stackReference`): a VPC with public
 * and private subnets across Availability Zones, NAT per stack, the free S3 gateway endpoint, and
 * optional interface endpoints for ECR, CloudWatch Logs and Secrets Manager. Built on awsx's
 * `ec2.Vpc`, the ecosystem's standard VPC; the endpoints' security group is Ferry's own.
 * config → VPC → endpoints → outputs (exactly what Ferry reads: vpcId, publicSubnetIds, privateSubnetIds).
 */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { INTERFACE_ENDPOINTS, parseNetworkConfig } from "./config";

const settings = parseNetworkConfig(pulumi.getStack(), pulumi.runtime.allConfig());
const name = `${pulumi.getProject()}-${settings.stack}`;
const tags = { "ferry:network": name };

const vpc = new awsx.ec2.Vpc(name, {
  cidrBlock: settings.cidr,
  numberOfAvailabilityZones: settings.availabilityZones,
  enableDnsHostnames: true,
  enableDnsSupport: true,
  subnetStrategy: "Auto",
  subnetSpecs: [
    { type: "Public", name: "public" },
    { type: "Private", name: "private" },
  ],
  natGateways: { strategy: settings.natGateways === "onePerAz" ? "OnePerAz" : "Single" },
  // S3 through the gateway endpoint is free and spares the NAT gateway image-layer traffic.
  vpcEndpointStrategy: "Auto",
  vpcEndpointSpecs: [{ serviceName: `com.amazonaws.${settings.region}.s3`, vpcEndpointType: "Gateway" }],
  tags,
});

if (settings.interfaceEndpoints.length) {
  // Interface endpoints answer HTTPS from inside the VPC only.
  const sg = new aws.ec2.SecurityGroup(`${name}-endpoints`, {
    vpcId: vpc.vpcId,
    description: "HTTPS from the VPC to AWS service endpoints",
    ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [settings.cidr], description: "HTTPS from the VPC" }],
    tags,
  });
  for (const endpoint of settings.interfaceEndpoints) {
    for (const service of INTERFACE_ENDPOINTS[endpoint]) {
      new aws.ec2.VpcEndpoint(`${name}-${service.replace(".", "-")}`, {
        vpcId: vpc.vpcId,
        serviceName: `com.amazonaws.${settings.region}.${service}`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: vpc.privateSubnetIds,
        securityGroupIds: [sg.id],
        tags,
      });
    }
  }
}

export const vpcId = vpc.vpcId;
export const publicSubnetIds = vpc.publicSubnetIds;
export const privateSubnetIds = vpc.privateSubnetIds;
