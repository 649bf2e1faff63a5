/** The compose health check: every listed service runs and is healthy; an unreadable project is an error. */
import { strict as assert } from "node:assert";
import { composeHealthCheck } from "../../../src/checks/compose-health.js";
import { judgeChecks } from "../../../src/checks/judge.js";
import { FactError } from "../../../src/errors.js";
import { FactSet } from "../../../src/facts/fact.js";
import type { ComposeContainer, ComposeState } from "../../../src/facts/compose-state.js";

const check = composeHealthCheck({ project: "wiki", dir: "/opt/wiki", services: ["app", "db"] });

const container = (service: string, state: string, health: string): ComposeContainer => ({
  id: service,
  name: `wiki-${service}-1`,
  service,
  state,
  health,
  configHash: "old",
  ports: [],
});

function judge(state: ComposeState) {
  return check.judge(new FactSet(new Map([["compose-state:wiki", state]])));
}

describe("composeHealthCheck", () => {
  it("passes when every service runs and is healthy, whatever hash its container carries", () => {
    const out = judge({
      status: "ok",
      containers: [container("app", "running", "healthy"), container("db", "running", "")],
    });
    assert.equal(out.status, "pass");
    assert.equal(check.id, "compose.wiki.healthy");
  });

  it("fails naming each service that is missing, stopped or unhealthy, with the logs command", () => {
    const out = judge({ status: "ok", containers: [container("app", "running", "unhealthy")] });
    assert.equal(out.status, "fail");
    assert.equal(out.message, "not running and healthy: app, db");
    assert.equal(out.hint, "cd /opt/wiki && docker compose logs app");
    const exited = judge({
      status: "ok",
      containers: [container("app", "exited", ""), container("db", "running", "starting")],
    });
    assert.equal(exited.message, "not running and healthy: app, db");
  });

  it("fails when Docker or compose is missing, and is an error when the containers cannot be listed", () => {
    assert.equal(judge({ status: "no-docker" }).status, "fail");
    assert.match(judge({ status: "no-compose" }).message, /compose v2 plugin is not installed/);
    const err = judge({ status: "error", message: "Cannot connect to the Docker daemon" });
    assert.equal(err.status, "error");
    assert.match(err.message, /Cannot connect to the Docker daemon/);
  });

  it("is an error, never a pass, when the probe failed", () => {
    const set = new FactSet(
      new Map(),
      new Set(),
      new Map([["compose-state:wiki", new FactError("compose-state:wiki", 'unexpected output "x"')]]),
    );
    const [out] = judgeChecks([check], set);
    assert.equal(out?.status, "error");
  });
});
