import assert from "node:assert/strict";
import { handlersToRun } from "../../../src/plan/handlers.js";
import type { Handler } from "../../../src/resources/resource.js";

const h = (name: string, supersedes?: string[]): Handler => ({
  name,
  step: { description: name, script: `echo ${name}` },
  ...(supersedes ? { supersedes } : {}),
});
const all = [h("docker-reload"), h("docker-restart", ["docker-reload"]), h("other")];

describe("handlersToRun", () => {
  it("runs only notified handlers, once, in playbook order", () => {
    const names = handlersToRun(all, new Set(["other", "docker-reload"])).map((x) => x.name);
    assert.deepEqual(names, ["docker-reload", "other"]);
  });
  it("drops a reload when a restart is also notified", () => {
    const names = handlersToRun(all, new Set(["docker-reload", "docker-restart"])).map((x) => x.name);
    assert.deepEqual(names, ["docker-restart"]);
  });
  it("runs nothing when nothing was notified", () => {
    assert.deepEqual(handlersToRun(all, new Set()), []);
  });
});
