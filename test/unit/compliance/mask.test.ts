import { strict as assert } from "node:assert";
import fc from "fast-check";
import { secretMasker } from "../../../src/compliance/mask.js";

const mask = secretMasker(["*license*"]);

describe("compliance secret masking", () => {
  it("masks known secret options in each form evidence holds them", () => {
    assert.equal(
      mask("dockerd --log-opt splunk-token=0f3c-11 --log-opt splunk-url=https://s:8088"),
      "dockerd --log-opt splunk-token=******** --log-opt splunk-url=https://s:8088",
    );
    assert.equal(
      mask('/etc/docker/daemon.json: "log-opts": {"splunk-token": "0f3c-11", "tag": "x"}'),
      '/etc/docker/daemon.json: "log-opts": {"splunk-token": "********", "tag": "x"}',
    );
    assert.equal(
      mask("dockerd --registry-password s3cret -H fd://"),
      "dockerd --registry-password ******** -H fd://",
    );
    assert.equal(mask("loki-url=https://ops:p4ss@loki:3100/x"), "loki-url=https://ops:********@loki:3100/x");
    assert.equal(mask("fluentd-address=tcp://u:pw@f:24224"), "fluentd-address=tcp://u:********@f:24224");
    assert.equal(mask("PRODUCT_LICENSE=abc123"), "PRODUCT_LICENSE=********", "the policy's own names");
    assert.equal(
      mask("--tlskey=/etc/docker/key.pem --tlsverify"),
      "--tlskey=/etc/docker/key.pem --tlsverify",
    );
    const pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nAAA\n-----END RSA PRIVATE KEY-----";
    assert.equal(
      mask(`key:\n${pem}\nafter`),
      "key:\n-----BEGIN RSA PRIVATE KEY----- ******** -----END RSA PRIVATE KEY-----\nafter",
    );
    assert.doesNotMatch(mask("-----BEGIN PRIVATE KEY-----\nMIIEow cut off"), /MIIEow/);
  });

  it("leaves what is not secret as it is", () => {
    const text = "dockerd -H fd:// --containerd=/run/containerd/containerd.sock live-restore=true";
    assert.equal(mask(text), text);
  });

  it("never leaves a secret value behind, and takes linear time on hostile text (property)", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{4,20}$/), fc.string({ maxLength: 40 }), (secret, noise) => {
        const out = mask(`${noise} --log-opt splunk-token=${secret} "gelf-password": "${secret}" ${noise}`);
        return !out.includes(`=${secret}`) && !out.includes(`"${secret}"`);
      }),
    );
    const hostile = [
      "-".repeat(100_000),
      "a".repeat(100_000),
      `"${"a".repeat(100_000)}`,
      "x://".repeat(30_000),
    ];
    for (const text of hostile) {
      const started = Date.now();
      mask(text);
      assert.ok(Date.now() - started < 1000, `${text.slice(0, 10)}…: ${Date.now() - started} ms`);
    }
  });
});
