import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { coerceText } from "../../../src/vars/coerce.js";
import { parseExtraValue } from "../../../src/vars/extra.js";
import { validateVars, type VarSource, type VarsSchema } from "../../../src/vars/validate.js";

const schema = JSON.parse(readFileSync("test/fixtures/inventory/vars-schema.json", "utf8")) as VarsSchema;
const inv = (path: string, line: number): VarSource => ({ file: "hosts.yaml", path, line });

/** [message, location, hint] of each error. */
function problems(vars: Record<string, unknown>, sources: Record<string, VarSource>) {
  return validateVars(schema, vars, sources).errors.map((e) => [e.message, e.location, e.hint]);
}

describe("validateVars", () => {
  it("applies defaults, keeps valid values and drops other tools' variables", () => {
    const { vars, errors } = validateVars(
      schema,
      { docker_mirror: "aliyun", ntp_server: "ntp.example", registry_mirrors: ["https://m.example"] },
      {},
    );
    assert.deepEqual(errors, []);
    assert.equal(vars.docker_mirror, "aliyun");
    assert.deepEqual(vars.registry_mirrors, ["https://m.example"]);
    assert.deepEqual(vars.docker_packages, ["docker-ce", "docker-ce-cli", "containerd.io"]);
    assert.equal(vars.docker_remove_conflicts, true);
    assert.equal("ntp_server" in vars, false);
  });

  it("copies defaults, so one host's change cannot leak into another's", () => {
    const a = validateVars(schema, {}, {}).vars;
    (a.docker_users as string[]).push("x");
    assert.deepEqual(validateVars(schema, {}, {}).vars.docker_users, []);
  });

  it("names the variable, its source and what was expected, for every error at once (schema order)", () => {
    assert.deepEqual(
      problems(
        { registry_mirrors: "https://m.example", docker_remove_conflicts: "yes", docker_daemon_options: [] },
        {
          registry_mirrors: inv("all.vars.registry_mirrors", 4),
          docker_remove_conflicts: inv("all.children.el9.vars.docker_remove_conflicts", 9),
          docker_daemon_options: { file: "group_vars/all.yml", path: "docker_daemon_options", line: 2 },
        },
      ),
      [
        [
          "docker_remove_conflicts must be a boolean (true or false), got string",
          inv("all.children.el9.vars.docker_remove_conflicts", 9),
          "docker_remove_conflicts: remove podman, buildah, runc and old docker packages",
        ],
        [
          "registry_mirrors must be an array of strings, got string",
          inv("all.vars.registry_mirrors", 4),
          "registry_mirrors: daemon.json registry-mirrors",
        ],
        [
          "docker_daemon_options must be an object, got array",
          { file: "group_vars/all.yml", path: "docker_daemon_options", line: 2 },
          "docker_daemon_options: any other daemon.json keys",
        ],
      ],
    );
  });

  it("points inside an array at the bad item", () => {
    assert.deepEqual(
      problems({ docker_users: ["ops", 7] }, { docker_users: inv("all.vars.docker_users", 5) }),
      [
        [
          "docker_users[1] must be a string, got integer",
          inv("all.vars.docker_users[1]", 5),
          "docker_users: users added to the docker group",
        ],
      ],
    );
  });

  it("-e k=v takes the variable's type, as in Ansible: yes/no/true/false, whole numbers", () => {
    for (const [text, want] of [
      ["false", false],
      ["no", false],
      ["Off", false],
      ["yes", true],
      ["TRUE", true],
      ["1", true],
    ] as const) {
      const extra = parseExtraValue(`docker_remove_conflicts=${text}`);
      const { vars, errors } = validateVars(schema, extra.vars, extra.sources);
      assert.deepEqual(errors, [], text);
      assert.equal(vars.docker_remove_conflicts, want, text);
    }
    const typed = coerceText("registry_port", "5000", { type: "integer", minimum: 1 });
    assert.deepEqual(typed, { value: 5000 });
    // A string variable keeps its text: a version is not a number.
    const version = parseExtraValue("docker_version=24.0");
    assert.equal(validateVars(schema, version.vars, version.sources).vars.docker_version, "24.0");
  });

  it("a boolean's words are exactly Ansible's convert_bool ones, in any case: t and f too", () => {
    // ansible/module_utils/parsing/convert_bool.py, BOOLEANS_TRUE and BOOLEANS_FALSE (their strings).
    const ansible = new Map<string, boolean>([
      ...["y", "yes", "on", "1", "true", "t"].map((w) => [w, true] as const),
      ...["n", "no", "off", "0", "false", "f"].map((w) => [w, false] as const),
    ]);
    assert.deepEqual(coerceText("v", "T", { type: "boolean" }), { value: true });
    assert.deepEqual(coerceText("v", "f", { type: "boolean" }), { value: false });
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(...ansible.keys()), fc.string({ maxLength: 6 })),
        fc.boolean(),
        (word, upper) => {
          const text = upper ? word.toUpperCase() : word;
          const out = coerceText("v", text, { type: "boolean" });
          const want = ansible.get(text.trim().toLowerCase());
          assert.deepEqual(
            out,
            want === undefined ? { error: `must be true/false/yes/no, got "${text}"` } : { value: want },
          );
        },
      ),
    );
  });

  it("-e k=v text that does not fit the type is an error naming the type, once", () => {
    const extra = parseExtraValue("docker_remove_conflicts=maybe");
    assert.deepEqual(problems(extra.vars, extra.sources), [
      [
        'docker_remove_conflicts must be true/false/yes/no, got "maybe"',
        { file: "-e", path: "docker_remove_conflicts" },
        undefined,
      ],
    ]);
    assert.deepEqual(coerceText("registry_port", "50o0", { type: "integer" }), {
      error: 'must be a whole number, got "50o0"',
    });
    assert.deepEqual(coerceText("n", "9007199254740993", { type: "integer" }), {
      error: 'must be a whole number, got "9007199254740993"',
    });
  });

  it("-e k=v for a list says to pass JSON; JSON still gives lists, and its strings are not coerced", () => {
    const extra = parseExtraValue("registry_mirrors=https://m.example");
    assert.deepEqual(problems(extra.vars, extra.sources), [
      [
        "registry_mirrors is a list; -e registry_mirrors=... gives text",
        { file: "-e", path: "registry_mirrors" },
        `pass it as JSON: -e '{"registry_mirrors": [...]}'`,
      ],
    ]);
    const json = parseExtraValue(
      '{"registry_mirrors": ["https://m.example"], "docker_remove_conflicts": "no"}',
    );
    const { vars, errors } = validateVars(schema, json.vars, json.sources);
    assert.deepEqual(vars.registry_mirrors, ["https://m.example"]);
    assert.match(errors[0]?.message ?? "", /docker_remove_conflicts must be a boolean/);
  });

  it("any text either fits the type or is an error; never a silent string where a boolean or number goes", () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom("boolean", "integer", "number"), (text, type) => {
        const out = coerceText("v", text, { type });
        if ("error" in out) return;
        assert.equal(typeof out.value, type === "integer" ? "number" : type);
        if (type === "integer") assert.ok(Number.isSafeInteger(out.value));
      }),
    );
  });

  it("rejects an unknown name with a claimed prefix, with a did-you-mean", () => {
    assert.deepEqual(
      problems(
        { docker_mirrors: "x", registry_mirror: [] },
        { docker_mirrors: inv("all.vars.docker_mirrors", 3) },
      ),
      [
        [
          "unknown variable 'docker_mirrors'",
          inv("all.vars.docker_mirrors", 3),
          "did you mean 'docker_mirror'?",
        ],
        [
          "unknown variable 'registry_mirror'",
          { path: "registry_mirror" },
          "did you mean 'registry_mirrors'?",
        ],
      ],
    );
  });

  it("ignores other unknown names from the inventory but rejects any from -e", () => {
    assert.deepEqual(problems({ ntp_server: "x" }, { ntp_server: inv("all.vars.ntp_server", 2) }), []);
    const extra = parseExtraValue("ntp_server=x usrs=y");
    assert.deepEqual(problems(extra.vars, extra.sources), [
      ["unknown variable 'ntp_server'", { file: "-e", path: "ntp_server" }, undefined],
      ["unknown variable 'usrs'", { file: "-e", path: "usrs" }, undefined],
    ]);
  });
});
