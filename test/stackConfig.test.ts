/** A stack's config as the Pulumi CLI hands it to the program, read from the project's files. */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { knownStacks, readStackConfig, SECRET_PLACEHOLDER, stackConfigFromText, StackNotFoundError } from "../config/stackConfig";

const PROJECT = [
  "name: shop",
  "runtime: nodejs",
  "config:",
  "  build:",
  "    type: boolean",
  "    default: false",
  "  logRetentionDays:",
  "    value: 30",
  "  aws:region: eu-west-1",
  "  note:",
  "    type: string",
].join("\n");

describe("stack config from the project's files", () => {
  it("overlays the stack file on Pulumi.yaml's defaults, qualifying keys with the project's name", () => {
    const c = stackConfigFromText(PROJECT, "config:\n  shop:logRetentionDays: 90\n  aws:region: us-east-1\n  shop:services: { web: { port: 8080 } }\n  shop:flags: [a, b]\n");
    expect(c.values).to.deep.equal({
      "shop:build": "false",
      "shop:logRetentionDays": "90",
      "aws:region": "us-east-1",
      "shop:services": '{"web":{"port":8080}}',
      "shop:flags": '["a","b"]',
    });
    expect(c.secretKeys).to.deep.equal([]);
  });

  it("keeps encrypted values out: the key is secret and its value a placeholder; nested secrets mark the whole key", () => {
    const c = stackConfigFromText(PROJECT, "config:\n  shop:token:\n    secure: v1:abc\n  shop:services:\n    web:\n      env:\n        KEY:\n          secure: v1:def\n");
    expect(c.values["shop:token"]).to.equal(SECRET_PLACEHOLDER);
    expect(c.secretKeys.sort()).to.deep.equal(["shop:services", "shop:token"]);
    expect(c.values["shop:services"]).to.contain("v1:def").and.not.to.equal(SECRET_PLACEHOLDER);
  });

  it("tells an encrypted value from values that merely contain the word", () => {
    const secret = (yaml: string) => stackConfigFromText(PROJECT, `config:\n  shop:x: ${yaml}\n`).secretKeys;
    const cases: [string, string[]][] = [
      ["{ secure: v1:abc }", ["shop:x"]],
      ["[{ secure: v1:abc }]", ["shop:x"]],
      ["{ a: { b: { secure: v1:abc } } }", ["shop:x"]],
      ["{ secure: v1:abc, other: 1 }", []],
      ["{ securely: yes }", []],
      ["secure", []],
      ["[secure]", []],
      ["~", []],
      ["{ a: ~ }", []],
    ];
    expect(cases.map(([yaml]) => [yaml, secret(yaml)])).to.deep.equal(cases);
    expect(stackConfigFromText(PROJECT, "config:\n  shop:x: { secure: v1:abc, other: 1 }\n").values["shop:x"]).to.equal('{"secure":"v1:abc","other":1}');
    expect(stackConfigFromText(PROJECT, "config:\n  shop:x:\n    secure: v1:abc\n").values["shop:x"]).to.equal("[secret]");
  });

  it("reads project-level values, defaults and bare values; leaves declarations without a value out", () => {
    const project = "name: shop\nconfig:\n  a: 1\n  b:\n    value: [x]\n  c:\n    default: { k: v }\n  d:\n    type: string\n  e: null\n  ns:f: t\n";
    expect(stackConfigFromText(project, "").values).to.deep.equal({ "shop:a": "1", "shop:b": '["x"]', "shop:c": '{"k":"v"}', "shop:e": "null", "ns:f": "t" });
    expect(() => stackConfigFromText(PROJECT, "config: {a: 1\n")).to.throw(/^cannot read stack config the stack file: /);
  });

  it("an empty stack file gives the project's defaults; a broken one says which file", () => {
    expect(stackConfigFromText(PROJECT, "").values).to.deep.equal({ "shop:build": "false", "shop:logRetentionDays": "30", "aws:region": "eu-west-1" });
    expect(() => stackConfigFromText(PROJECT, "config: {a: 1\n", "Pulumi.qa.yaml")).to.throw(/^cannot read stack config Pulumi\.qa\.yaml: /);
  });

  describe("in a project directory", () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-stacks-"));
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), PROJECT);
      fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), "config:\n  shop:build: true\n");
      fs.writeFileSync(path.join(dir, "Pulumi.dev.yml"), "config: {}\n");
      fs.writeFileSync(path.join(dir, "Pulumi.yaml.bak"), "");
      fs.writeFileSync(path.join(dir, "old-Pulumi.qa.yaml"), "");
      fs.writeFileSync(path.join(dir, "Pulumi.staging.yaml.orig"), "");
    });

    it("lists the stacks that have a file (.yaml or .yml), sorted", () => {
      expect(knownStacks(dir)).to.deep.equal(["dev", "prod"]);
    });

    it("reads a stack's own file, or the file given", () => {
      expect(readStackConfig(dir, "prod").values["shop:build"]).to.equal("true");
      expect(readStackConfig(dir, "dev").values["shop:build"]).to.equal("false");
      const other = path.join(dir, "other.yaml");
      fs.writeFileSync(other, "config:\n  shop:note: hi\n");
      expect(readStackConfig(dir, "prod", other).values["shop:note"]).to.equal("hi");
      expect(() => readStackConfig(dir, "prod", path.join(dir, "missing.yaml"))).to.throw(/^cannot read stack config .*missing\.yaml: /);
    });

    it("refuses an unknown stack naming the ones there are", () => {
      let err: unknown;
      try {
        readStackConfig(dir, "qa");
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(StackNotFoundError);
      expect((err as Error).message).to.equal(`no stack named "qa": this project has "dev", "prod" (Pulumi.<stack>.yaml)`);
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), "ferry-nostacks-"));
      fs.writeFileSync(path.join(empty, "Pulumi.yaml"), PROJECT);
      expect(() => readStackConfig(empty, "qa")).to.throw(`no stack named "qa": this project has no stack files (Pulumi.<stack>.yaml)`);
    });
  });
});
