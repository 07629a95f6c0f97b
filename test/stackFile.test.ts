/** Editing one value of a stack file: that value's text changes, every other byte stays. */
import { expect } from "chai";
import { decideLease, decodeLease, encodeLease } from "../automation/lease";
import { setStackValue } from "../lib/stackFile";

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

  it("quotes what YAML would read back as another type", () => {
    expect(setStackValue("config:\n  ferry:build: x\n", "ferry:build", "true")).to.equal(`config:\n  ferry:build: "true"\n`);
    expect(setStackValue("config:\n  a: x\n", "a", "has: colon")).to.equal(`config:\n  a: "has: colon"\n`);
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
