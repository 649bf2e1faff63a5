/** The pieces around the fixtures: version compare, templates with facts, handlers, diffs. */
import { strict as assert } from "node:assert";
import { FactSet } from "../../../src/facts/fact.js";
import { file as fileFact } from "../../../src/facts/file.js";
import { osRelease } from "../../../src/facts/os-release.js";
import { TemplateError } from "../../../src/errors.js";
import { keyDiff } from "../../../src/resources/diff.js";
import { DOCKER_RELOAD, DOCKER_RESTART, dockerHandlers } from "../../../src/engine/handlers.js";
import { renderTemplateSource } from "../../../src/resources/render.js";
import { comparePin, parseEvr, rpmvercmp } from "../../../src/packages/rpm/version.js";
import { TEST_TEMPLATES } from "./registry.js";
import { template } from "../../../src/resources/template.js";
import { assertParses } from "../facts/support/shell.js";

describe("rpmvercmp", () => {
  const cases: [string, string, number][] = [
    ["1.0", "1.0", 0],
    ["1.0", "2.0", -1],
    ["2.0.1a", "2.0.1", 1],
    ["5.5p1", "5.5p2", -1],
    ["10xyz", "10.1xyz", -1],
    ["1.0~rc1", "1.0", -1],
    ["1.0~rc1", "1.0~rc2", -1],
    ["1.0^git1", "1.0", 1],
    ["1.0^git1", "1.01", -1],
    ["20.10.24", "24.0.7", -1],
    ["010", "10", 0],
    ["a", "1", -1],
    ["1.0a", "1.0.1", -1],
  ];
  for (const [a, b, want] of cases)
    it(`${a} vs ${b} = ${want}`, () => assert.equal(Math.sign(rpmvercmp(a, b)), want));

  it("matches pins on version and release, ignoring the epoch", () => {
    const docker = { epoch: 3, version: "24.0.7", release: "1.el9" };
    assert.equal(comparePin(docker, parseEvr("24.0.7")), 0);
    assert.equal(comparePin(docker, parseEvr("1:24.0.7-1.el9")), 0);
    assert.ok(comparePin(docker, parseEvr("24.0.7-2.el9")) < 0);
    assert.throws(() => parseEvr("24.0.7; reboot"), /is not a version/);
  });
});

describe("template", () => {
  it("renders with variables from facts (the repo pinned to the OS major)", () => {
    const path = "/etc/yum.repos.d/docker-ce.repo";
    const r = template({
      path,
      template: "yum/docker-ce.repo.ejs",
      templatesDir: TEST_TEMPLATES,
      vars: (f) => ({
        repoUrl: "https://download.docker.com/linux/centos",
        major: f.get(osRelease).major,
        gpgKeyPath: "/etc/pki/rpm-gpg/docker-ce.gpg",
      }),
      facts: [osRelease],
    });
    assert.deepEqual(
      r.facts.map((f) => f.name),
      [`file:${path}`, "os-release"],
    );
    const facts = new FactSet(
      new Map<string, unknown>([
        [`file:${path}`, { exists: false }],
        ["os-release", { major: 7 }],
      ]),
    );
    const out = r.plan(facts);
    assert.equal(out.kind, "change");
    if (out.kind === "change") assert.match(String(out.steps[0]?.stdin), /centos\/7\/\$basearch\/stable/);
  });

  it("names the template and line of an undefined variable, and refuses undefined values", () => {
    assert.throws(
      () => renderTemplateSource("a\nb <%= nope %>\n", {}, "x/t.ejs"),
      (e: unknown) =>
        e instanceof TemplateError &&
        e.template === "x/t.ejs" &&
        e.line === 2 &&
        /x\/t.ejs:2: nope is not defined/.test(e.message),
    );
    assert.throws(
      () => renderTemplateSource("<%= a %>", { a: undefined }, "t.ejs"),
      /variable "a" is undefined/,
    );
    assert.equal(renderTemplateSource("<%= u %>", { u: "a&b<c>" }, "t.ejs"), "a&b<c>");
  });
});

describe("docker handlers", () => {
  it("are docker-reload and docker-restart; restart supersedes reload; scripts parse", () => {
    const hs = dockerHandlers();
    assert.deepEqual(
      hs.map((h) => h.name),
      [DOCKER_RELOAD, DOCKER_RESTART],
    );
    assert.deepEqual(hs[1]?.supersedes, [DOCKER_RELOAD]);
    for (const h of hs) {
      assertParses(h.step.script);
      assert.match(h.step.script, /p=\/etc\/docker\/daemon.json/);
    }
  });
});

describe("keyDiff", () => {
  it("shows added, changed and removed keys", () => {
    assert.equal(keyDiff({ a: 1, gone: true }, { a: 2, b: [1] }), "~ a: 1 -> 2\n+ b: [1]\n- gone: true\n");
  });
});

describe("file fact names", () => {
  it("are per path, so a file and daemon-json on one path share one probe", () => {
    assert.equal(fileFact("/etc/docker/daemon.json").name, "file:/etc/docker/daemon.json");
  });
});
