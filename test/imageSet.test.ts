/** Sets of images (one per Dockerfile target) as text, and their stack-file forms. */
import { expect } from "chai";
import { digestText, imageSetText, isSingle, parseImageSet, targetKey } from "../lib/imageSet";
import { removeStackValue, setStackImages } from "../lib/stackFile";

const R = (c: string) => `123456789012.dkr.ecr.eu-west-1.amazonaws.com/ferry-dev@sha256:${c.repeat(64)}`;

describe("image sets", () => {
  it("write one default image as the plain reference and several as sorted target=ref pairs, and read both back", () => {
    expect(imageSetText({ default: R("a") })).to.equal(R("a"));
    expect(imageSetText({ worker: R("b"), default: R("a") })).to.equal(`default=${R("a")} worker=${R("b")}`);
    expect(imageSetText({ worker: R("b") })).to.equal(`worker=${R("b")}`);
    for (const set of [{ default: R("a") }, { default: R("a"), worker: R("b") }, { worker: R("b") }] as Record<string, string>[]) expect(parseImageSet(imageSetText(set))).to.deep.equal(set);
    expect(parseImageSet(`  default=${R("a")}   worker=${R("b")} `)).to.deep.equal({ default: R("a"), worker: R("b") });
  });

  const refused: [string, string][] = [
    ["repo:latest", `"repo:latest" is not an image pinned by digest`],
    [`x${R("a")}tail`, "is not an image pinned by digest"],
    [`=${R("a")}`, `"=${R("a")}" is not <target>=<image pinned by digest>`],
    [`-bad=${R("a")}`, "is not <target>=<image pinned by digest>"],
    [`default=${R("a")} worker=repo:latest`, `the image of target "worker" is "repo:latest", not pinned by digest`],
    [`default=${R("a")} default=${R("b")}`, `target "default" appears twice`],
    [`default=${R("a")}x`, `the image of target "default" is`],
  ];
  for (const [text, says] of refused) {
    it(`refuses ${text.slice(0, 40)}…`, () => expect(() => parseImageSet(text)).to.throw(says));
  }

  it("knows a single default image, the default target and a set's digests", () => {
    expect(isSingle({ default: R("a") })).to.equal(true);
    expect(isSingle({ worker: R("a") })).to.equal(false);
    expect(isSingle({ default: R("a"), worker: R("b") })).to.equal(false);
    expect(targetKey(undefined)).to.equal("default");
    expect(targetKey("worker")).to.equal("worker");
    expect(digestText({ default: R("a"), worker: R("b") })).to.equal(`default=sha256:${"a".repeat(64)} worker=sha256:${"b".repeat(64)}`);
    expect(digestText({ default: "other.example/app@sha256:" + "a".repeat(64) })).to.equal(`sha256:${"a".repeat(64)}`);
  });
});

describe("stack-file image forms", () => {
  const single = `# staging\nconfig:\n  aws:region: eu-west-1\n  ferry:imageRef: ${R("a")} # pinned\n  ferry:x: 1\n`;

  it("switches one image to a set in the same place, and back", () => {
    const set = setStackImages(single, { default: R("b"), worker: R("c") });
    expect(set).to.equal(`# staging\nconfig:\n  aws:region: eu-west-1\n  ferry:imageRefs: {"default": "${R("b")}", "worker": "${R("c")}"} # pinned\n  ferry:x: 1\n`);
    expect(setStackImages(set, { default: R("d") })).to.equal(`# staging\nconfig:\n  aws:region: eu-west-1\n  ferry:imageRef: ${R("d")} # pinned\n  ferry:x: 1\n`);
    expect(setStackImages(set, { default: R("e"), worker: R("f") })).to.equal(set.replace(R("b"), R("e")).replace(R("c"), R("f")));
  });

  it("replaces a block-style set, keeping the lines after it", () => {
    const block = `config:\n  ferry:imageRefs:\n    default: ${R("a")}\n    worker: ${R("b")}\n  ferry:x: 1\n`;
    expect(setStackImages(block, { default: R("e") })).to.equal(`config:\n  ferry:imageRef: ${R("e")}\n  ferry:x: 1\n`);
  });

  it("removes a key's lines, and nothing when it is absent", () => {
    const block = `config:\n  ferry:imageRefs:\n    default: ${R("a")}\n  ferry:x: 1\n`;
    expect(removeStackValue(block, "ferry:imageRefs")).to.equal("config:\n  ferry:x: 1\n");
    expect(removeStackValue("config:\n  a: 1\n  b: 2", "b")).to.equal("config:\n  a: 1\n");
    expect(removeStackValue(single, "ferry:missing")).to.equal(single);
    expect(removeStackValue("encryptionsalt: v1:x\n", "ferry:imageRef")).to.equal("encryptionsalt: v1:x\n");
    expect(() => removeStackValue("config: {a: 1\n", "a")).to.throw("the stack file is not valid YAML");
  });
});
