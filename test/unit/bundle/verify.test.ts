import assert from "node:assert/strict";
import { createHash, createPublicKey, generateKeyPairSync } from "node:crypto";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import type { BundleManifest } from "../../../src/bundle/manifest.js";
import { signManifest } from "../../../src/bundle/signature.js";
import { writeTar, type TarEntry } from "../../../src/bundle/tar.js";
import { verifyBundle } from "../../../src/bundle/verify.js";
import { el9Manifest } from "./support/manifest.js";

const SIGNER = generateKeyPairSync("ed25519").privateKey;
const TRUSTED = [createPublicKey(SIGNER)];
const hex = (b: Buffer) => createHash("sha256").update(b).digest("hex");

const FILES: TarEntry[] = [
  { name: "rpm/centos/gpg", data: Buffer.from("-----BEGIN PGP PUBLIC KEY BLOCK-----\nkey\n") },
  {
    name: "rpm/centos/9/x86_64/stable/Packages/docker-ce-20.10.24-1.el9.x86_64.rpm",
    data: Buffer.alloc(3000, 7),
  },
  { name: "images/x86_64/busybox_latest.tar", data: Buffer.from("not really an image, 1234567890") },
];

function manifestOf(files: readonly TarEntry[], extra: Partial<BundleManifest> = {}): BundleManifest {
  return el9Manifest({
    key: { path: "rpm/centos/gpg", fingerprint: "E4FECCCC55C2126173DC79315E9B3745269F56FC" },
    files: files.map((f) => ({ path: f.name, sha256: hex(f.data), size: f.data.length })),
    ...extra,
  });
}

async function write(file: string, entries: TarEntry[]): Promise<void> {
  await writeTar(entries, createWriteStream(file));
}

describe("bundle verify: every entry against the manifest, before any host", () => {
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "ops-bundle-verify-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const manifestEntry = (m: BundleManifest): TarEntry => ({
    name: "manifest.json",
    data: Buffer.from(JSON.stringify(m)),
  });
  /** manifest.json and its manifest.sig, as bundle create writes them. */
  const signed = (m: BundleManifest, key = SIGNER): TarEntry[] => {
    const entry = manifestEntry(m);
    return [entry, { name: "manifest.sig", data: signManifest(entry.data, key) }];
  };

  it("accepts a bundle whose entries are exactly the manifest's, and gives its sha256 and key", async () => {
    const file = join(dir, "ok.tar");
    await write(file, [...signed(manifestOf(FILES)), ...FILES]);
    const b = await verifyBundle(file, TRUSTED);
    assert.match(b.signedBy, /^ed25519:[0-9a-f]{32}$/);
    assert.equal(b.sha256, hex(readFileSync(file)));
    assert.equal(b.size, readFileSync(file).length);
    assert.deepEqual(b.key, FILES[0]?.data);
    assert.equal(b.manifest.images[0]?.ref, "busybox");
  });

  it("refuses a missing file, an extra entry, a manifest not first, and a manifest naming an unsafe path", async () => {
    const cases: [string, TarEntry[], RegExp][] = [
      [
        "missing",
        [...signed(manifestOf(FILES)), ...FILES.slice(0, 2)],
        /1 file\(s\) of the manifest are missing/,
      ],
      [
        "extra",
        [...signed(manifestOf(FILES)), ...FILES, { name: "evil.sh", data: Buffer.from("x") }],
        /evil\.sh is not in the manifest/,
      ],
      [
        "order",
        [...FILES, ...signed(manifestOf(FILES))],
        /the first entry is rpm\/centos\/gpg, not manifest\.json/,
      ],
      [
        "unsafe",
        signed({
          ...manifestOf(FILES),
          files: [{ path: "../../etc/passwd", sha256: "0".repeat(64), size: 1 }],
        }),
        /files\[0\]\.path is not a safe relative path/,
      ],
    ];
    for (const [name, entries, re] of cases) {
      const file = join(dir, `${name}.tar`);
      await write(file, entries);
      await assert.rejects(
        verifyBundle(file, TRUSTED),
        (e: Error) => re.test(e.message) && /nothing was sent/.test(e.message),
        name,
      );
    }
    await assert.rejects(verifyBundle(join(dir, "absent.tar"), TRUSTED), /cannot be read/);
    writeFileSync(join(dir, "garbage.tar"), "this is not a tar at all".repeat(100));
    await assert.rejects(verifyBundle(join(dir, "garbage.tar"), TRUSTED), /refused/);
  });

  it("refuses an unsigned bundle, a key it does not trust, a manifest changed after signing and a changed signature", async () => {
    const m = manifestOf(FILES);
    const [entry, sig] = signed(m);
    if (!entry || !sig) throw new Error("no entries");
    // The attacker's way round checksums: change an RPM and rewrite its sha256 and size in the manifest.
    const evil = { ...FILES[1], data: Buffer.alloc(3000, 8) } as TarEntry;
    const rewritten = manifestEntry(manifestOf([FILES[0] as TarEntry, evil, FILES[2] as TarEntry]));
    const sigText = sig.data.toString();
    const flipped = sigText.replace(
      /"signature": "(.)/,
      (_all, c: string) => `"signature": "${c === "A" ? "B" : "A"}`,
    );
    const cases: [string, TarEntry[], RegExp][] = [
      [
        "unsigned",
        [entry, ...FILES],
        /it is not signed: the second entry is rpm\/centos\/gpg, not manifest\.sig/,
      ],
      [
        "other key",
        [...signed(m, generateKeyPairSync("ed25519").privateKey), ...FILES],
        /signed by key ed25519:[0-9a-f]{32}, which this machine does not trust \(trusted: ed25519:/,
      ],
      [
        "manifest rewritten",
        [rewritten, sig, FILES[0] as TarEntry, evil, FILES[2] as TarEntry],
        /the signature in manifest\.sig does not match manifest\.json .*changed after signing/,
      ],
      [
        "signature changed",
        [entry, { name: "manifest.sig", data: Buffer.from(flipped) }, ...FILES],
        /does not match manifest\.json/,
      ],
      [
        "signature garbage",
        [entry, { name: "manifest.sig", data: Buffer.from("{}") }, ...FILES],
        /manifest\.sig: format/,
      ],
    ];
    assert.notEqual(flipped, sigText);
    for (const [name, entries, re] of cases) {
      const file = join(dir, `${name}.tar`);
      await write(file, entries);
      await assert.rejects(
        verifyBundle(file, TRUSTED),
        (e: Error) => re.test(e.message) && /refused: .*nothing was sent/.test(e.message),
        name,
      );
    }
    const file = join(dir, "untrusting.tar");
    await write(file, [...signed(m), ...FILES]);
    await assert.rejects(verifyBundle(file, []), /does not trust \(trusted: none\)/);
  });

  it("property: one flipped bit anywhere in any entry's data, manifest and signature included, is refused", async () => {
    const file = join(dir, "base.tar");
    await write(file, [...signed(manifestOf(FILES)), ...FILES]);
    await verifyBundle(file, TRUSTED);
    const bytes = readFileSync(file);
    // Where each entry's data sits: after its 512-byte header, padded to 512.
    const spans: [number, number][] = [];
    for (let at = 0; at + 512 <= bytes.length && bytes[at] !== 0;) {
      const size = parseInt(
        bytes
          .subarray(at + 124, at + 136)
          .toString()
          .replace(/\0.*$/s, "")
          .trim(),
        8,
      );
      spans.push([at + 512, at + 512 + size]);
      at += 512 + Math.ceil(size / 512) * 512;
    }
    await fc.assert(
      fc.asyncProperty(
        fc.nat(spans.length - 1),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        fc.integer({ min: 0, max: 7 }),
        async (i, where, bit) => {
          const [from, to] = spans[i] ?? [0, 1];
          const pos = from + Math.floor(where * (to - from));
          const copy = Buffer.from(bytes);
          copy[pos] = (copy[pos] ?? 0) ^ (1 << bit);
          const f = join(dir, "flipped.tar");
          writeFileSync(f, copy);
          await assert.rejects(verifyBundle(f, TRUSTED), /refused/);
        },
      ),
      { numRuns: 60 },
    );
  });
});
