/** Ferry's deploy-time AWS calls reach the account the stack deploys to, with its provider's settings. */
import { expect } from "chai";
import { clientConfig, credentialChain } from "../aws/access";
import { readAwsAccess } from "../config/awsAccess";

const ROLE = "arn:aws:iam::210987654321:role/deployer";

describe("the stack's AWS access", () => {
  it("reads pulumi-aws v7 provider config: region, profile, files, role chain, ECS endpoint, static keys", () => {
    const access = readAwsAccess({
      "aws:region": "eu-west-1",
      "aws:profile": "shared-services",
      "aws:sharedConfigFiles": JSON.stringify(["/etc/aws/config"]),
      "aws:assumeRoles": JSON.stringify([{ roleArn: ROLE, sessionName: "ci", externalId: "x-1", duration: "1h30m" }, { sessionName: "no role" }]),
      "aws:endpoints": JSON.stringify([{ sts: "http://127.0.0.1:1" }, { ecs: "http://127.0.0.1:4566" }]),
      "ferry:build": "true",
    });
    expect(access).to.deep.equal({
      region: "eu-west-1",
      profile: "shared-services",
      sharedConfigFiles: ["/etc/aws/config"],
      assumeRoles: [{ roleArn: ROLE, sessionName: "ci", externalId: "x-1", durationSeconds: 5400 }],
      ecsEndpoint: "http://127.0.0.1:4566",
    });
    expect(readAwsAccess({ "aws:accessKey": "AKIA", "aws:secretKey": "s3cr3t" }).staticKeys).to.deep.equal({ accessKeyId: "AKIA", secretAccessKey: "s3cr3t", sessionToken: undefined });
    expect(readAwsAccess({})).to.deep.equal({ assumeRoles: [] });
  });

  it("chains credentials as the provider does: static keys or a profile or the default chain, then each role in order", () => {
    expect(credentialChain({ assumeRoles: [] })).to.deep.equal([{ kind: "default" }]);
    expect(credentialChain({ profile: "p", sharedCredentialsFiles: ["/c"], assumeRoles: [{ roleArn: ROLE }] })).to.deep.equal([
      { kind: "profile", profile: "p", configFile: undefined, credentialsFile: "/c" },
      { kind: "role", roleArn: ROLE, sessionName: "ferry-deployment-check", externalId: undefined, durationSeconds: undefined },
    ]);
    expect(credentialChain({ profile: "ignored", staticKeys: { accessKeyId: "A", secretAccessKey: "S" }, assumeRoles: [] })).to.deep.equal([{ kind: "static" }]);
  });

  it("builds clients for the stack's region and endpoint, with its credentials", async () => {
    const config = clientConfig({ region: "ap-northeast-1", staticKeys: { accessKeyId: "A", secretAccessKey: "S" }, assumeRoles: [] }, "http://127.0.0.1:4566");
    expect(config).to.include({ region: "ap-northeast-1", endpoint: "http://127.0.0.1:4566" });
    expect(await config.credentials!()).to.deep.include({ accessKeyId: "A", secretAccessKey: "S" });
    expect(clientConfig({ assumeRoles: [] })).to.deep.equal({});
  });
});
