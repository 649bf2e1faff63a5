// Splitting and reading PEM certificates: a bundle with text around it, none at all, and a broken
// second certificate named by its place.
import { strict as assert } from "node:assert";
import { readPemCertificates } from "../../../src/registry/pem.js";
import { testCa } from "../../helpers/test-ca.js";

describe("registry/pem", () => {
  it("reads every certificate of a bundle in order, ignoring the text around them", async () => {
    const { caPem, certPem } = await testCa();
    const certs = readPemCertificates(`issuer: ours\n${caPem}\n# then the server\n${certPem}`);
    assert.deepEqual(
      certs.map((c) => [c.pem, c.cert.ca]),
      [
        [caPem.trim(), true],
        [certPem.trim(), false],
      ],
    );
    assert.deepEqual(readPemCertificates("no certificate here"), []);
  });

  it("names the certificate that cannot be read", async () => {
    const { caPem } = await testCa();
    const broken = caPem.replace(/\n[A-Za-z0-9+/=]+\n-----END/, "\n-----END");
    assert.throws(() => readPemCertificates(caPem + broken), /^Error: certificate 2 cannot be read: /);
  });
});
