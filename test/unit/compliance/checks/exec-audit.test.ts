// Which recorded runs of the docker client are a privileged exec (CIS 5.23): exec's own flags only.
import assert from "node:assert/strict";
import fc from "fast-check";
import { privilegedExec } from "../../../../src/compliance/checks/exec-audit.js";
import { fuzzParams } from "../../../helpers/fuzz.js";

const word = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s !== "exec");
const name = word.filter((s) => !s.startsWith("-"));

describe("privilegedExec: a recorded run's arguments", () => {
  it("exec's flags before the container's name decide, whatever the command run inside", () => {
    fc.assert(
      fc.property(
        fc.array(word, { maxLength: 6 }),
        name,
        fc.array(word, { maxLength: 6 }),
        (inside, c, more) => {
          assert.equal(privilegedExec(["docker", "exec", "--privileged", c, ...inside]), true);
          assert.equal(
            privilegedExec(["docker", "exec", "-u", "root", "--privileged=true", c, ...inside]),
            true,
          );
          assert.equal(privilegedExec(["docker", "exec", "--privileged=false", c, ...inside]), false);
          // Anything after the container's name is the command's, not docker's.
          assert.equal(privilegedExec(["docker", "exec", c, ...more, "--privileged"]), false);
        },
      ),
      fuzzParams("privilegedExec", 200),
    );
  });

  it("a run without an exec is never one", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(word, fc.constant("--privileged")), { maxLength: 10 }), (args) => {
        assert.equal(privilegedExec(["docker", ...args]), false);
      }),
      fuzzParams("privilegedExec without exec", 200),
    );
  });

  it("short flag clusters: -itu takes the next argument as the user, -uroot holds it", () => {
    assert.equal(privilegedExec(["docker", "exec", "-itu", "root", "--privileged", "web"]), true);
    assert.equal(privilegedExec(["docker", "exec", "-uroot", "--privileged", "web"]), true);
    assert.equal(privilegedExec(["docker", "container", "exec", "-it", "web", "--privileged"]), false);
    assert.equal(privilegedExec(["docker", "compose", "exec", "--privileged", "db", "sh"]), true);
  });
});
