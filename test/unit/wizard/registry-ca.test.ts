// The CA file the wizard reads for an existing registry: real certificates made by the registry's own
// CA code, a leaf that is no CA, a paste cut short, and files that are not certificates at all.
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testCa } from "../../helpers/test-ca.js";
import { caPemFrom, readRegistryCa } from "../../../src/wizard/registry-ca.js";

describe("wizard/registry-ca", () => {
  const dir = mkdtempSync(join(tmpdir(), "ops-wizard-ca-"));
  let ca = "";
  let leaf = "";
  before(async () => {
    ({ caPem: ca, certPem: leaf } = await testCa());
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("a CA, with text around it, comes back as its PEM alone; a bundle keeps every certificate", () => {
    assert.equal(caPemFrom(`subject=...\n${ca}\n# end\n`), ca.trim() + "\n");
    const bundle = caPemFrom(`${ca}${leaf}`);
    assert.equal(bundle.match(/BEGIN CERTIFICATE/g)?.length, 2);
  });

  it("refuses what is not a CA certificate, saying why", () => {
    assert.throws(() => caPemFrom("hello"), /no PEM certificate/);
    assert.throws(() => caPemFrom(leaf), /own certificate, not a CA: give the CA that signed it/);
    const cut = ca.replace(/\n[A-Za-z0-9+/=]+\n-----END/, "\n-----END");
    assert.throws(() => caPemFrom(cut), /certificate 1 cannot be read/);
  });

  it("reads a file by path: errors name it; a directory or a huge file is refused", () => {
    const good = join(dir, "ca.crt");
    writeFileSync(good, ca);
    assert.equal(readRegistryCa(good), ca.trim() + "\n");
    const bad = join(dir, "bad.crt");
    writeFileSync(bad, "nope");
    assert.throws(() => readRegistryCa(bad), new RegExp(`^Error: ${bad}: no PEM certificate`));
    assert.throws(() => readRegistryCa(dir), /ca|director|regular file/i);
    const huge = join(dir, "huge.crt");
    writeFileSync(huge, "x".repeat(2 * 1024 * 1024));
    assert.throws(() => readRegistryCa(huge), /huge\.crt/);
  });
});
