/**
 * Preloaded into an `ops` process by a test (`--import`, see recordedRandoms in random-log.ts): every
 * 32-byte value that process draws from `crypto.randomBytes` is appended, base64url, to the file
 * OPS_E2E_RANDOM_LOG names. A secret ops makes for itself (a verify robot's password) is then known
 * to the test, which can look for it where it must never be (an engine host), without any seam in
 * ops's own code. syncBuiltinESMExports makes `import { randomBytes } from "node:crypto"` in the
 * bundle see the recording function too.
 */
import crypto from "node:crypto";
import { appendFileSync } from "node:fs";
import { syncBuiltinESMExports } from "node:module";

const log = process.env.OPS_E2E_RANDOM_LOG;
const draw = crypto.randomBytes;
const record = (size, bytes) => {
  if (log && size === 32) appendFileSync(log, `${bytes.toString("base64url")}\n`, { mode: 0o600 });
  return bytes;
};
crypto.randomBytes = function randomBytes(size, callback) {
  if (typeof callback !== "function") return record(size, draw(size));
  return draw(size, (err, bytes) => callback(err, err ? bytes : record(size, bytes)));
};
syncBuiltinESMExports();
