import { strict as assert } from "node:assert";
import { X509Certificate } from "node:crypto";
import { certInfo, createCa, keyMatches, renewalReason, signServer } from "../../../src/registry/x509.js";

const DAY = 86_400_000;
const names = { dns: ["registry.lan"], ips: ["172.28.213.10"] };

describe("registry x509", () => {
  it("makes a CA and a server certificate Node verifies, with the names as SANs", async () => {
    const now = new Date();
    const ca = await createCa("ops registry CA", now);
    const server = await signServer(ca, names, now, 365);
    const caCert = new X509Certificate(ca.certPem);
    const cert = new X509Certificate(server.certPem);
    assert.equal(caCert.ca, true);
    assert.equal(cert.ca, false);
    assert.ok(cert.verify(caCert.publicKey), "signed by the CA");
    assert.ok(cert.checkIssued(caCert));
    assert.equal(cert.checkHost("registry.lan"), "registry.lan");
    assert.equal(cert.checkIP("172.28.213.10"), "172.28.213.10");
    assert.equal(cert.checkIP("172.28.213.11"), undefined);
    assert.ok(keyMatches(server.certPem, server.keyPem));
    assert.ok(!keyMatches(server.certPem, ca.keyPem));
    assert.match(ca.keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
    const info = certInfo(server.certPem);
    assert.deepEqual([info.dns, info.ips, info.isCa], [["registry.lan"], ["172.28.213.10"], false]);
    assert.ok(Math.abs(info.notAfter.getTime() - (now.getTime() + 365 * DAY)) < 2000);
  });

  it("says when a server certificate must be renewed, and why", async () => {
    const now = new Date();
    const ca = await createCa("ops registry CA", now);
    const other = await createCa("another CA", now);
    const server = await signServer(ca, names, now, 365);
    assert.equal(await renewalReason(server.certPem, ca.certPem, names, now, 30), null);
    const later = new Date(now.getTime() + 340 * DAY);
    assert.match(
      (await renewalReason(server.certPem, ca.certPem, names, later, 30)) ?? "",
      /expires in 2[45] days/,
    );
    const moved = { dns: ["registry.lan"], ips: ["10.0.0.9"] };
    assert.equal(
      await renewalReason(server.certPem, ca.certPem, moved, now, 30),
      "it does not name 10.0.0.9",
    );
    assert.equal(
      await renewalReason(server.certPem, other.certPem, names, now, 30),
      "it is not signed by the CA",
    );
  });
});
