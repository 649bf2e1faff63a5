import assert from "node:assert/strict";
import { ConnectError } from "../../../src/errors.js";
import { connectionLost, toConnectError, type ConnectAttempt } from "../../../src/transport/ssh-errors.js";

const attempt: ConnectAttempt = {
  name: "web1",
  host: "10.0.0.5",
  port: 22,
  user: "deploy",
  offered: ["ssh-agent", "key /home/me/.ssh/id_ed25519", "password"],
  readyTimeoutMs: 10000,
};

describe("ssh error mapping", () => {
  const cases: [string, object, RegExp][] = [
    ["refused", { code: "ECONNREFUSED" }, /^connection refused by 10\.0\.0\.5:22$/],
    ["timeout", { code: "ETIMEDOUT" }, /^timed out connecting to 10\.0\.0\.5:22 after 10000 ms$/],
    ["unreachable", { code: "EHOSTUNREACH" }, /^no route to host 10\.0\.0\.5:22$/],
    ["dns", { code: "ENOTFOUND" }, /^cannot resolve the host name 10\.0\.0\.5$/],
    ["handshake timeout", { level: "client-timeout", message: "Timed out" }, /SSH handshake/],
    [
      "auth",
      { level: "client-authentication", message: "All configured authentication methods failed" },
      /^authentication failed for deploy@10\.0\.0\.5:22 \(offered: ssh-agent, key \/home\/me\/\.ssh\/id_ed25519, password\)$/,
    ],
    [
      "other",
      new Error("Unexpected packet\nstack"),
      /^could not connect to 10\.0\.0\.5:22: Unexpected packet$/,
    ],
  ];
  for (const [label, error, message] of cases) {
    it(`maps ${label} to a ConnectError with a hint`, () => {
      const mapped = toConnectError(error, attempt);
      assert.ok(mapped instanceof ConnectError);
      assert.equal(mapped.host, "web1");
      assert.match(mapped.message, message);
      assert.ok(mapped.hint && mapped.hint.length > 0);
    });
  }

  it("keeps a ConnectError as it is and names the jump a hop went through", () => {
    const own = new ConnectError("web1", "HOST KEY CHANGED");
    assert.equal(toConnectError(own, attempt), own);
    const via = toConnectError({ code: "ECONNREFUSED" }, { ...attempt, via: "via jump host bastion" });
    assert.equal(via.message, "connection refused by 10.0.0.5:22 (via jump host bastion)");
    assert.equal(
      connectionLost("web1", "10.0.0.5", "read ECONNRESET").message,
      "connection to 10.0.0.5 lost: read ECONNRESET",
    );
  });
});
