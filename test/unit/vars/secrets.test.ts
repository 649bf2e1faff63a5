import assert from "node:assert/strict";
import Type from "typebox";
import { isSecretPath, secretValues } from "../../../src/vars/secrets.js";
import { validateVars, type VarsSchema } from "../../../src/vars/validate.js";

const schema = Type.Object({
  admin_password: Type.String({ "x-ops-secret": true, minLength: 8, default: "" }),
  users: Type.Array(
    Type.Object({ name: Type.String(), password: Type.String({ "x-ops-secret": true, pattern: "^\\S+$" }) }),
    { default: [] },
  ),
  tokens: Type.Record(Type.String(), Type.String(), { "x-ops-secret": true, default: {} }),
  plain: Type.String({ default: "" }),
}) as unknown as VarsSchema;

describe("secret variables", () => {
  it("are found at any depth: a variable, a property of array items, a whole map", () => {
    assert.equal(isSecretPath(schema, ["admin_password"]), true);
    assert.equal(isSecretPath(schema, ["users", "0", "password"]), true);
    assert.equal(isSecretPath(schema, ["users", "0", "name"]), false);
    assert.equal(isSecretPath(schema, ["tokens", "ci"]), true);
    assert.equal(isSecretPath(schema, ["plain"]), false);
  });

  it("their values are collected for the redactor, numbers as the text they mask", () => {
    const values = secretValues(schema, {
      admin_password: "adm1n-pw",
      users: [
        { name: "dev", password: "dev-pw" },
        { name: "bot", password: 1234 },
      ],
      tokens: { ci: "tok-1" },
      plain: "not secret",
    });
    assert.deepEqual(values.sort(), ["1234", "adm1n-pw", "dev-pw", "tok-1"]);
  });

  it("validation never quotes a secret's value back", () => {
    const { errors } = validateVars(
      schema,
      { admin_password: "short", users: [{ name: "dev", password: "has space" }] },
      {},
    );
    const text = errors.map((e) => e.message).join("\n");
    assert.match(text, /admin_password must be .*value not shown: secret/);
    assert.match(text, /users\[0\]\.password must .*value not shown: secret/);
    assert.doesNotMatch(text, /short|has space/);
  });
});

describe("validateVars with names that are Object.prototype members", () => {
  it("a variable named __proto__ or constructor stays an ordinary name: never a prototype, never known", () => {
    const s = Type.Object(
      { docker_version: Type.String({ default: "" }) },
      { "x-ops-prefixes": ["docker_"] },
    ) as unknown as VarsSchema;
    const input = JSON.parse('{"__proto__": {"docker_version": "24.0.7"}, "constructor": "x"}') as Record<
      string,
      unknown
    >;
    const extra = { file: "-e", extra: true };
    const sources = JSON.parse('{"__proto__": {}, "constructor": {}}') as Record<string, typeof extra>;
    for (const k of Object.keys(sources))
      Object.defineProperty(sources, k, { value: extra, enumerable: true });
    const { vars, errors } = validateVars(s, input, sources);
    assert.equal(Object.getPrototypeOf(vars), Object.prototype);
    assert.equal(vars.docker_version, "");
    assert.deepEqual(errors.map((e) => e.message).sort(), [
      "unknown variable '__proto__'",
      "unknown variable 'constructor'",
    ]);
  });
});
