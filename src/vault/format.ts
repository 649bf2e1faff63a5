/**
 * Ansible Vault's envelope, read and written byte for byte as Ansible does (formats 1.1 and 1.2,
 * cipher AES256), so a file either tool encrypted opens in the other. Pure apart from the random
 * salt. Node's own crypto does all of it: PBKDF2-HMAC-SHA256 (10,000 iterations, 80 bytes: the AES
 * key, the HMAC key and the counter block), AES-256-CTR over PKCS#7-padded text, and an
 * HMAC-SHA256 of the cipher text, checked in constant time before anything is decrypted.
 *
 *   $ANSIBLE_VAULT;1.1;AES256            (1.2 adds `;vault-id`)
 *   hex( hex(salt) "\n" hex(hmac) "\n" hex(ciphertext) ), in lines of 80
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  pbkdf2Sync,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";

export const VAULT_MAGIC = "$ANSIBLE_VAULT;";
const ITERATIONS = 10_000;
const KEY_BYTES = 32;
const IV_BYTES = 16;
const SALT_BYTES = 32;
const LINE = 80;
/** A vault id as Ansible accepts it in a header: no `;`, no white space, not empty. */
const VAULT_ID = /^[^;\s]+$/;

/** Why a vault could not be opened: its text is not a vault, or no password opens it. */
export class VaultError extends Error {
  constructor(
    message: string,
    readonly reason: "format" | "password",
  ) {
    super(message);
    this.name = "VaultError";
  }
}

export interface VaultEnvelope {
  version: "1.1" | "1.2";
  /** The vault id of a 1.2 header; undefined for 1.1. */
  vaultId?: string;
  salt: Buffer;
  hmac: Buffer;
  ciphertext: Buffer;
}

/** True when the text (a file, an inline `!vault` value) starts as a vault does. */
export function isVaultText(text: string): boolean {
  return text.trimStart().startsWith(VAULT_MAGIC);
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

function unhex(text: string, what: string): Buffer {
  if (!HEX.test(text)) throw new VaultError(`malformed vault: the ${what} is not hexadecimal`, "format");
  return Buffer.from(text, "hex");
}

/**
 * Splits a vault's text into its parts, checking the header; never decrypts.
 *
 * @example parseVault("$ANSIBLE_VAULT;1.2;AES256;prod\n3536...\n").vaultId === "prod"
 */
export function parseVault(text: string): VaultEnvelope {
  const lines = text.trim().split(/\r?\n/);
  const header = (lines.shift() ?? "").trim().split(";");
  const [magic, version, cipher, vaultId] = header;
  if (`${magic ?? ""};` !== VAULT_MAGIC)
    throw new VaultError("not a vault: no $ANSIBLE_VAULT header", "format");
  if (version !== "1.1" && version !== "1.2")
    throw new VaultError(
      `unsupported vault format version '${version ?? ""}' (ops reads 1.1 and 1.2)`,
      "format",
    );
  if (cipher !== "AES256")
    throw new VaultError(`unsupported vault cipher '${cipher ?? ""}' (ops reads AES256)`, "format");
  if (version === "1.2" && (vaultId === undefined || !VAULT_ID.test(vaultId)))
    throw new VaultError("malformed vault: a 1.2 header needs a vault id", "format");
  if (header.length > (version === "1.2" ? 4 : 3)) throw new VaultError("malformed vault header", "format");
  const outer = unhex(lines.map((l) => l.trim()).join(""), "body").toString("latin1");
  const parts = outer.split("\n");
  if (parts.length !== 3)
    throw new VaultError("malformed vault: the body does not hold salt, HMAC and data", "format");
  const [salt, hmac, ciphertext] = parts.map((p, i) => unhex(p, ["salt", "HMAC", "data"][i] ?? "body"));
  if (
    !salt ||
    salt.length === 0 ||
    !hmac ||
    hmac.length !== 32 ||
    !ciphertext ||
    ciphertext.length % IV_BYTES !== 0
  )
    throw new VaultError("malformed vault: salt, HMAC or data has the wrong length", "format");
  return { version, ...(version === "1.2" ? { vaultId: vaultId as string } : {}), salt, hmac, ciphertext };
}

function deriveKeys(password: Buffer, salt: Buffer) {
  const material = pbkdf2Sync(password, salt, ITERATIONS, 2 * KEY_BYTES + IV_BYTES, "sha256");
  return {
    cipherKey: material.subarray(0, KEY_BYTES),
    hmacKey: material.subarray(KEY_BYTES, 2 * KEY_BYTES),
    iv: material.subarray(2 * KEY_BYTES),
  };
}

/**
 * The clear bytes of a parsed vault, or a VaultError "password" when the HMAC does not match
 * (a wrong password and an altered file look the same, and both are refused).
 */
export function openEnvelope(envelope: VaultEnvelope, password: Buffer): Buffer {
  const { cipherKey, hmacKey, iv } = deriveKeys(password, envelope.salt);
  const mac = createHmac("sha256", hmacKey).update(envelope.ciphertext).digest();
  if (!timingSafeEqual(mac, envelope.hmac))
    throw new VaultError("wrong vault password, or the vault was altered (HMAC mismatch)", "password");
  const decipher = createDecipheriv("aes-256-ctr", cipherKey, iv);
  const padded = Buffer.concat([decipher.update(envelope.ciphertext), decipher.final()]);
  const pad = padded[padded.length - 1] ?? 0;
  if (pad < 1 || pad > IV_BYTES || padded.subarray(padded.length - pad).some((b) => b !== pad))
    throw new VaultError("malformed vault: bad padding", "format");
  return padded.subarray(0, padded.length - pad);
}

/**
 * Decrypts a vault's text with one password.
 *
 * @example decryptVault(readFileSync("group_vars/all.yml", "utf8"), Buffer.from("pw")).toString("utf8")
 */
export function decryptVault(text: string, password: Buffer): Buffer {
  return openEnvelope(parseVault(text), password);
}

function hexLines(bytes: Buffer): string[] {
  const hex = bytes.toString("hex");
  const lines: string[] = [];
  for (let at = 0; at < hex.length; at += LINE) lines.push(hex.slice(at, at + LINE));
  return lines;
}

/**
 * Encrypts as `ansible-vault encrypt` does: 1.1 without a vault id, 1.2 with one. The text ends
 * with a line break, like Ansible's files.
 *
 * @example encryptVault(Buffer.from("secret"), Buffer.from("pw"), "prod").startsWith("$ANSIBLE_VAULT;1.2;AES256;prod\n")
 */
export function encryptVault(
  plain: Buffer,
  password: Buffer,
  vaultId?: string,
  salt: Buffer = randomBytes(SALT_BYTES),
): string {
  if (vaultId !== undefined && !VAULT_ID.test(vaultId))
    throw new VaultError(`vault id '${vaultId}' must not be empty or hold ';' or spaces`, "format");
  const { cipherKey, hmacKey, iv } = deriveKeys(password, salt);
  const pad = IV_BYTES - (plain.length % IV_BYTES);
  const cipher = createCipheriv("aes-256-ctr", cipherKey, iv);
  const ciphertext = Buffer.concat([
    cipher.update(plain),
    cipher.update(Buffer.alloc(pad, pad)),
    cipher.final(),
  ]);
  const mac = createHmac("sha256", hmacKey).update(ciphertext).digest();
  const inner = [salt, mac, ciphertext].map((b) => b.toString("hex")).join("\n");
  const header = vaultId === undefined ? `${VAULT_MAGIC}1.1;AES256` : `${VAULT_MAGIC}1.2;AES256;${vaultId}`;
  return [header, ...hexLines(Buffer.from(inner, "latin1"))].join("\n") + "\n";
}
