/** Editing one value of a stack file: that value's text changes, every other byte stays. */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { decideLease, decodeLease, encodeLease } from "../automation/lease";
import { cliRewriteOnly, removeStackValue, setStackImages, setStackValue } from "../lib/stackFile";
import { FIXTURES } from "./support/paths";

const OLD = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ferry-dev@sha256:${"a".repeat(64)}`;
const NEW = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ferry-dev@sha256:${"c".repeat(64)}`;

describe("stack file edits", () => {
  const cases: { name: string; before: string; after: string }[] = [
    {
      name: "replaces a plain value, keeping comments, order and the CLI's stringified scalars and salt",
      before: `# staging\nconfig:\n  aws:region: eu-west-1\n  ferry:imageRef: ${OLD} # pinned by promotion\n  ferry:logRetentionDays: "90"\nencryptionsalt: v1:abc=\n`,
      after: `# staging\nconfig:\n  aws:region: eu-west-1\n  ferry:imageRef: ${NEW} # pinned by promotion\n  ferry:logRetentionDays: "90"\nencryptionsalt: v1:abc=\n`,
    },
    { name: "keeps double quotes", before: `config:\n  "ferry:imageRef": "${OLD}"\n`, after: `config:\n  "ferry:imageRef": "${NEW}"\n` },
    { name: "keeps single quotes", before: `config:\n  ferry:imageRef: '${OLD}'\n`, after: `config:\n  ferry:imageRef: '${NEW}'\n` },
    { name: "adds a missing key first, with the file's indentation", before: `config:\n    aws:region: eu-west-1\n`, after: `config:\n    ferry:imageRef: ${NEW}\n    aws:region: eu-west-1\n` },
    { name: "adds config: to a file without it", before: `encryptionsalt: v1:abc=\n`, after: `encryptionsalt: v1:abc=\nconfig:\n  ferry:imageRef: ${NEW}\n` },
  ];
  for (const c of cases) {
    it(c.name, () => expect(setStackValue(c.before, "ferry:imageRef", NEW)).to.equal(c.after));
  }

  it("writes a value plain only where YAML reads it back as that same string", () => {
    const written = (v: string) => setStackValue("config:\n  a: x\n", "a", v).slice("config:\n  a: ".length, -1);
    const plain = ["abc", "12abc", "x.5", "a:b", "e5", "ferry-dev@sha256:ab", "./app", "_x", OLD];
    // Booleans, nulls and numbers in any case; a leading indicator (- : @ ~); spaces, "#", ": ", empty.
    const quoted = ["true", "Yes", "NULL", "on", "off", "no", "false", "~", "~x", "1.5", ".5", "5.", "3.1.4", "-3", "+3", "1e5", "1E-5", "-", "-x", "@x", ":x", "a b", "x#y", "a: b", ""];
    expect(plain.map(written)).to.deep.equal(plain);
    expect(quoted.map(written)).to.deep.equal(quoted.map((v) => JSON.stringify(v)));
  });

  it("turns an empty config into a block mapping, keeping what follows", () => {
    const cases: [string, string][] = [
      ["config:\n", "config:\n  a: v\n"],
      ["config:", "config:\n  a: v\n"],
      ["config: {}\n", "config:\n  a: v\n"],
      ["config: {}", "config:\n  a: v\n"],
      ["config:\nencryptionsalt: x\n", "config:\n  a: v\nencryptionsalt: x\n"],
      ["# c\nconfig:   \nsalt: 1\n", "# c\nconfig:\n  a: v\nsalt: 1\n"],
      ["encryptionsalt: x", "encryptionsalt: x\nconfig:\n  a: v\n"],
      ["", "config:\n  a: v\n"],
    ];
    expect(cases.map(([before]) => [before, setStackValue(before, "a", "v")])).to.deep.equal(cases);
  });

  it("writes a map of images on its key's line, whatever form the old value had", () => {
    const images = { default: "r1", worker: "r2" };
    const cases: [string, string][] = [
      ["config:\n  a: x\n  b: y\n", `config:\n  a: {"default": "r1", "worker": "r2"}\n  b: y\n`],
      ["config:\n  a:\n    default: r0\n  b: y\n", `config:\n  a: {"default": "r1", "worker": "r2"}\n  b: y\n`],
      ["config:\n  a:\n    default: r0", `config:\n  a: {"default": "r1", "worker": "r2"}`],
      ["config:\n  a: {default: r0} # c\n  b: y\n", `config:\n  a: {"default": "r1", "worker": "r2"} # c\n  b: y\n`],
      [`config:\n  "a" :   x\n`, `config:\n  "a" : {"default": "r1", "worker": "r2"}\n`],
    ];
    expect(cases.map(([before]) => [before, setStackValue(before, "a", images)])).to.deep.equal(cases);
  });

  it("removes one entry's lines, every other byte stays", () => {
    const cases: [string, string, string][] = [
      ["config:\n  a: x\n  b: y\n  c: z\n", "b", "config:\n  a: x\n  c: z\n"],
      ["config:\n  a: x\n  b: y", "b", "config:\n  a: x\n"],
      ["config:\n  a:\n    d: 1\n    e: 2\n  b: y\n", "a", "config:\n  b: y\n"],
      ["config:\n  a: x # kept\n  b: y # gone\n", "b", "config:\n  a: x # kept\n"],
      ["config:\n  a: x\n", "q", "config:\n  a: x\n"],
      ["salt: 1\n", "q", "salt: 1\n"],
    ];
    expect(cases.map(([before, key]) => [before, key, removeStackValue(before, key)])).to.deep.equal(cases);
    expect(() => removeStackValue("config: [\n", "q")).to.throw("the stack file is not valid YAML");
  });

  it("switches between one image and several in the old entry's place", () => {
    const cases: [string, Record<string, string>, string][] = [
      ["config:\n  x: 1\n  ferry:imageRef: r0 # pinned\n  y: 2\n", { default: "r1", worker: "r2" }, `config:\n  x: 1\n  ferry:imageRefs: {"default": "r1", "worker": "r2"} # pinned\n  y: 2\n`],
      ["config:\n  x: 1\n  ferry:imageRefs:\n    default: r1\n    worker: r2\n  y: 2\n", { default: "r3" }, "config:\n  x: 1\n  ferry:imageRef: r3\n  y: 2\n"],
      ["config:\n  x: 1\n  ferry:imageRefs: {default: r1}\n", { default: "r3" }, "config:\n  x: 1\n  ferry:imageRef: r3\n"],
      ["config:\n  x: 1\n", { default: "r3" }, "config:\n  ferry:imageRef: r3\n  x: 1\n"],
      ["config:\n  ferry:imageRefs: {default: r1, worker: r2}\n", { default: "r3", worker: "r4" }, `config:\n  ferry:imageRefs: {"default": "r3", "worker": "r4"}\n`],
    ];
    expect(cases.map(([before, set]) => [before, set, setStackImages(before, set)])).to.deep.equal(cases);
  });

  it("tells the Pulumi CLI's own rewrite of a stack file (stack init, first save) from a real change", () => {
    const committed = `# staging\nconfig:\n  aws:region: eu-west-1\n  ferry:build: false\n  ferry:logRetentionDays: 90\n  ferry:services:\n    web: { port: 8080 }\n`;
    const cases: [string, boolean][] = [
      // What `pulumi stack init` writes with passphrase secrets: values as text, a salt.
      [`# staging\nconfig:\n  aws:region: eu-west-1\n  ferry:build: "false"\n  ferry:logRetentionDays: "90"\n  ferry:services:\n    web: { port: 8080 }\nencryptionsalt: v1:abc=\n`, true],
      [`${committed}encryptionsalt: v1:abc=\n`, true],
      [`${committed}secretsprovider: awskms://alias/x\nencryptedkey: abc\n`, true],
      [committed.replace("90", '"90"'), true],
      // Anything that says something else is a change.
      [committed.replace("90", "30"), false],
      [committed.replace("port: 8080", 'port: "8080"'), false],
      [`${committed}  ferry:architecture: x86_64\n`, false],
      [committed.replace("  ferry:build: false\n", ""), false],
      [`${committed}backend: x\n`, false],
      [`${committed}# edited\n`, false],
      [committed.replace("# staging", "# prod"), false],
      ["config: {a: 1\n", false],
      ["[1, 2]\n", false],
    ];
    expect(cases.map(([working]) => [working, cliRewriteOnly(committed, working)])).to.deep.equal(cases);
    // A salt line inside config: is a config entry, not the CLI's key.
    expect(cliRewriteOnly(committed, `${committed}  encryptionsalt: v1:abc=\n`)).to.equal(false);
    // Value by value: the same text is the same value; null and structures are not text.
    const scalars = "config:\n  a:b: 1\n  a:c: ~\n  a:d: [1]\n  a:e:  x\n   a:f: 2\n";
    const variants: [string, boolean][] = [
      [scalars.replace("a:b: 1", 'a:b: "1"'), true],
      [scalars.replace("a:b: 1", 'a:b:    "1"'), true],
      [scalars.replace("a:e:  x", 'a:e: "x"'), true],
      [scalars.replace("a:c: ~", 'a:c: "~"'), false],
      [scalars.replace("a:d: [1]", 'a:d: "[1]"'), false],
      [scalars.replace("a:b: 1", "a:g: 1"), false],
      [scalars.replace("   a:f: 2", '   a:f: "2"'), false],
    ];
    expect(variants.map(([working]) => [working, cliRewriteOnly(scalars, working)])).to.deep.equal(variants);
    // What the real CLI (v3.274.1) wrote at stack init, recorded in test/fixtures/stack-init.
    const recorded = (f: string) => fs.readFileSync(path.join(FIXTURES, "stack-init", f), "utf8");
    expect(cliRewriteOnly(recorded("Pulumi.prod.before.yaml"), recorded("Pulumi.prod.after.yaml"))).to.equal(true);
    // A salt that changed is not the CLI's first save.
    expect(cliRewriteOnly(`${committed}encryptionsalt: v1:abc=\n`, `${committed}encryptionsalt: v1:xyz=\n`)).to.equal(false);
  });

  it("refuses what it cannot edit as one value", () => {
    expect(() => setStackValue("config:\n  ferry:imageRef:\n    nested: 1\n", "ferry:imageRef", NEW)).to.throw("config.ferry:imageRef is not a single value");
    expect(() => setStackValue("config: [1, 2]\n", "ferry:imageRef", NEW)).to.throw("config: is not a mapping");
    expect(() => setStackValue("config: {a: 1\n", "ferry:imageRef", NEW)).to.throw("not valid YAML");
  });
});

describe("the promotion lease", () => {
  const lease = { id: "ab12", who: "ana@ci-7", host: "ci-7", pid: 311, since: "2026-12-01T10:00:00.000Z", what: "promotion of generation 7" };

  it("round-trips through a stack tag value of at most 256 characters", () => {
    expect(decodeLease(encodeLease(lease))).to.deep.equal(lease);
    expect(encodeLease({ ...lease, what: "x".repeat(400) }).length).to.equal(256);
    expect(decodeLease(undefined)).to.equal(undefined);
    expect(decodeLease("garbage")).to.equal(undefined);
  });

  it("is taken when free or stale on this host, refused otherwise (with the unlock hint only across machines)", () => {
    const dead = () => false;
    const living = () => true;
    expect(decideLease(undefined, { host: "ci-7", pid: 1 }, living, "prod")).to.deep.equal({ take: true });
    expect(decideLease(lease, { host: "ci-7", pid: 1 }, dead, "prod")).to.deep.equal({ take: true, replaces: lease });
    expect(decideLease(lease, { host: "ci-7", pid: 1 }, living, "prod")).to.deep.equal({ take: false, holder: lease, hint: "" });
    expect(decideLease(lease, { host: "laptop", pid: 1 }, dead, "prod")).to.deep.equal({
      take: false,
      holder: lease,
      hint: "If that run is gone (its machine stopped mid-deploy), release its lease with: ferry unlock --stack prod",
    });
  });
});
