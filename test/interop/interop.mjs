// Cross-language interoperability check for the QuantaProxy envelope (FORMATS.md §1, §4, §5).
//
// Everything here is an independent reading of FORMATS.md, built on third-party libraries only:
//   HPKE (RFC 9180, KEM 0x0041 / KDF 0x0001 / AEAD 0x0002)  -> @hpke/core + @hpke/ml-kem
//   ML-KEM-768 / ML-DSA-65 (FIPS 203 / 204)                  -> @noble/post-quantum
//   HMAC-SHA-512, HKDF-SHA256, AES-256-GCM, base64           -> node:crypto / Buffer
// No line of the .NET implementation is reused, so agreement between the two is evidence that
// both follow the page rather than each other.
//
// Usage: node interop.mjs --cli /abs/path/quantaproxy.dll --vectors /abs/path/envelope-v1.json

import { spawnSync } from "node:child_process";
import {
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

import { Aes256Gcm, CipherSuite, HkdfSha256 } from "@hpke/core";
import { MlKem768 } from "@hpke/ml-kem";
import { ml_dsa65 } from "@noble/post-quantum/ml-dsa.js";
import { ml_kem768 } from "@noble/post-quantum/ml-kem.js";

// ---------------------------------------------------------------------------------------------
// Constants of FORMATS.md
// ---------------------------------------------------------------------------------------------

export const ENVELOPE_VERSION = "qp-envelope-v1";
export const ENCRYPTION_ALGORITHM = "ML-KEM-768";
export const SIGNATURE_ALGORITHM = "ML-DSA-65+HMAC-SHA-512";
const INFO_LABEL = "quantaproxy/envelope/v1";
const SIGNATURE_DOMAIN = "qp-envelope-v1/signature";
const SIGNATURE_CONTEXT = new TextEncoder().encode("quantaproxy/envelope/v1");
const BUNDLE_FORMAT = "qp-tenant-keys-v1";
const VECTORS_FORMAT = "qp-envelope-v1-vectors";

const KEM_ENC_LENGTH = 1088;
const KEM_PUBLIC_KEY_LENGTH = 1184;
const KEM_SEED_LENGTH = 64;
const DSA_PUBLIC_KEY_LENGTH = 1952;
const DSA_SIGNATURE_LENGTH = 3309;
const DSA_SEED_LENGTH = 32;
const HMAC_KEY_LENGTH = 64;
const HMAC_LENGTH = 64;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
const AES_KEY_LENGTH = 32;

// Largest JSON document this tool reads; envelopes and vector files are far below it.
const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;
const CLI_TIMEOUT_MS = 180_000;

// RFC 9180 §5.1: suite_id = "HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id, 2).
const HPKE_SUITE_ID = Uint8Array.from([0x48, 0x50, 0x4b, 0x45, 0x00, 0x41, 0x00, 0x01, 0x00, 0x02]);
const HPKE_MODE_BASE = 0x00;

const utf8 = new TextEncoder();

// ---------------------------------------------------------------------------------------------
// Errors and small byte helpers
// ---------------------------------------------------------------------------------------------

/** A rejection of the input, with a one-line reason (never secret material). */
export class Rejected extends Error {}

function reject(reason) {
  throw new Rejected(reason);
}

function concatBytes(...parts) {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** F(x): 4-byte big-endian length, then x. Strings are UTF-8; booleans are "true"/"false". */
export function lengthPrefixed(value) {
  let bytes;
  if (typeof value === "string") bytes = utf8.encode(value);
  else if (typeof value === "boolean") bytes = utf8.encode(value ? "true" : "false");
  else if (value instanceof Uint8Array) bytes = value;
  else throw new TypeError("F(x) takes a string, boolean or bytes");
  const out = new Uint8Array(4 + bytes.length);
  new DataView(out.buffer).setUint32(0, bytes.length, false);
  out.set(bytes, 4);
  return out;
}

function bytesEqual(a, b) {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A fresh Uint8Array that owns its ArrayBuffer (Node's Buffer may be a view into a shared pool). */
function ownBytes(view) {
  return new Uint8Array(view);
}

const B64_SHAPE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict standard base64 with padding (RFC 4648 §4): canonical form only, exact length. */
export function decodeBase64(value, field, expectedLength) {
  if (typeof value !== "string") reject(`${field}: not a base64 string`);
  if (!B64_SHAPE.test(value)) reject(`${field}: not canonical padded base64`);
  const decoded = Buffer.from(value, "base64");
  // Buffer.from ignores non-zero trailing bits; re-encoding catches non-canonical encodings.
  if (decoded.toString("base64") !== value) reject(`${field}: not canonical padded base64`);
  if (expectedLength !== undefined && decoded.length !== expectedLength) {
    reject(`${field}: ${decoded.length} bytes, expected ${expectedLength}`);
  }
  return ownBytes(decoded);
}

function encodeBase64(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

// ---------------------------------------------------------------------------------------------
// Strict JSON: JSON.parse silently keeps the last of duplicated keys, so duplicates are found first.
// ---------------------------------------------------------------------------------------------

export function parseStrictJson(text, what) {
  if (text.length > MAX_DOCUMENT_BYTES) reject(`${what}: larger than ${MAX_DOCUMENT_BYTES} bytes`);
  let at = 0;
  const ws = () => {
    while (at < text.length && " \t\n\r".includes(text[at])) at++;
  };
  const fail = (msg) => reject(`${what}: ${msg} at offset ${at}`);
  const string = () => {
    const start = at;
    at++; // opening quote
    while (at < text.length && text[at] !== '"') at += text[at] === "\\" ? 2 : 1;
    if (at >= text.length) fail("unterminated string");
    at++;
    try {
      return JSON.parse(text.slice(start, at));
    } catch {
      return fail("invalid string");
    }
  };
  const value = (depth) => {
    if (depth > 64) fail("nesting too deep");
    ws();
    const c = text[at];
    if (c === "{") {
      at++;
      const keys = new Set();
      ws();
      if (text[at] === "}") {
        at++;
        return;
      }
      for (;;) {
        ws();
        if (text[at] !== '"') fail("expected a key");
        const key = string();
        if (keys.has(key)) fail(`duplicate key "${key}"`);
        keys.add(key);
        ws();
        if (text[at] !== ":") fail("expected ':'");
        at++;
        value(depth + 1);
        ws();
        if (text[at] === ",") {
          at++;
          continue;
        }
        if (text[at] === "}") {
          at++;
          return;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      at++;
      ws();
      if (text[at] === "]") {
        at++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        if (text[at] === ",") {
          at++;
          continue;
        }
        if (text[at] === "]") {
          at++;
          return;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') {
      string();
      return;
    }
    const m = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(at, at + 400));
    if (!m) fail("unexpected token");
    at += m[0].length;
  };
  value(0);
  ws();
  if (at !== text.length) fail("trailing data");
  return JSON.parse(text);
}

// ---------------------------------------------------------------------------------------------
// Field validation
// ---------------------------------------------------------------------------------------------

function isPlainObject(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function exactKeys(obj, field, keys) {
  if (!isPlainObject(obj)) reject(`${field}: not an object`);
  for (const k of Object.keys(obj)) if (!keys.includes(k)) reject(`${field}: unknown field "${k}"`);
  for (const k of keys) if (!Object.hasOwn(obj, k)) reject(`${field}: missing field "${k}"`);
}

// Prefix plus a canonical ULID: 26 Crockford base32 characters, first one at most 7 (128 bits).
const ULID = "[0-7][0-9A-HJKMNP-TV-Z]{25}";

function prefixedId(value, field, prefix) {
  if (typeof value !== "string" || !new RegExp(`^${prefix}${ULID}$`).test(value)) {
    reject(`${field}: not a ${prefix} id`);
  }
  return value;
}

function exactString(value, field, expected) {
  if (value !== expected) reject(`${field}: expected "${expected}"`);
  return value;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function timestamp(value, field) {
  if (typeof value !== "string" || !TIMESTAMP.test(value)) reject(`${field}: not an RFC 3339 UTC timestamp with milliseconds`);
  const ms = Date.parse(value);
  if (!Number.isFinite(ms) || new Date(ms).toISOString() !== value) reject(`${field}: not a valid date`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// §4 tenant key bundle
// ---------------------------------------------------------------------------------------------

/**
 * Parses a §4 bundle strictly and checks that every seed reproduces its listed public key,
 * with two independent ML-KEM implementations (noble, and the mlkem package behind @hpke/ml-kem).
 */
export async function loadBundle(obj) {
  exactKeys(obj, "keys", ["format", "tenant_id", "envelope_keys", "signing_keys", "hmac_key", "checkpoint_keys"]);
  exactString(obj.format, "keys.format", BUNDLE_FORMAT);
  const tenantId = prefixedId(obj.tenant_id, "keys.tenant_id", "ten_");
  const listOf = (v, field) => {
    if (!Array.isArray(v) || v.length === 0) reject(`${field}: not a non-empty array`);
    return v;
  };
  const envelopeKeys = new Map();
  for (const [i, k] of listOf(obj.envelope_keys, "keys.envelope_keys").entries()) {
    const f = `keys.envelope_keys[${i}]`;
    exactKeys(k, f, ["key_id", "seed", "public_key"]);
    const keyId = prefixedId(k.key_id, `${f}.key_id`, "ekk_");
    if (envelopeKeys.has(keyId)) reject(`${f}.key_id: duplicate`);
    const seed = decodeBase64(k.seed, `${f}.seed`, KEM_SEED_LENGTH);
    const publicKey = decodeBase64(k.public_key, `${f}.public_key`, KEM_PUBLIC_KEY_LENGTH);
    const noble = ml_kem768.keygen(seed);
    if (!bytesEqual(noble.publicKey, publicKey)) reject(`${f}: seed does not give public_key (noble ML-KEM-768 KeyGen_internal(d, z))`);
    // @hpke/ml-kem takes the private key as the raw seed (importKey "raw"); a round trip through
    // its KEM, encapsulating to the listed public key, proves that this seed is that key's owner.
    const recipientKey = await hpkeSuite.kem.importKey("raw", ownBytes(seed), false);
    const recipientPublicKey = await hpkeSuite.kem.importKey("raw", ownBytes(publicKey), true);
    const probe = await hpkeSuite.kem.encap({ recipientPublicKey });
    const back = await hpkeSuite.kem.decap({ recipientKey, enc: probe.enc });
    if (!bytesEqual(new Uint8Array(back), new Uint8Array(probe.sharedSecret))) reject(`${f}: seed does not own public_key (@hpke/ml-kem round trip)`);
    envelopeKeys.set(keyId, { seed, publicKey, nobleSecretKey: noble.secretKey });
  }
  const signingKeys = new Map();
  for (const [i, k] of listOf(obj.signing_keys, "keys.signing_keys").entries()) {
    const f = `keys.signing_keys[${i}]`;
    exactKeys(k, f, ["key_id", "public_key"]);
    const keyId = prefixedId(k.key_id, `${f}.key_id`, "sgk_");
    if (signingKeys.has(keyId)) reject(`${f}.key_id: duplicate`);
    signingKeys.set(keyId, decodeBase64(k.public_key, `${f}.public_key`, DSA_PUBLIC_KEY_LENGTH));
  }
  const hmacKey = decodeBase64(obj.hmac_key, "keys.hmac_key", HMAC_KEY_LENGTH);
  if (!Array.isArray(obj.checkpoint_keys)) reject("keys.checkpoint_keys: not an array");
  // Envelope opening never uses checkpoint keys; they are validated but may be absent from a list.
  for (const [i, k] of obj.checkpoint_keys.entries()) {
    const f = `keys.checkpoint_keys[${i}]`;
    exactKeys(k, f, ["name", "public_key"]);
    if (typeof k.name !== "string" || !k.name.endsWith(`/audit/${tenantId}`)) reject(`${f}.name: not "<origin>/audit/${tenantId}"`);
    decodeBase64(k.public_key, `${f}.public_key`, DSA_PUBLIC_KEY_LENGTH);
  }
  return { tenantId, envelopeKeys, signingKeys, hmacKey, json: obj };
}

/** §5 sender.signing_seeds: each seed must give the bundle's public key for that sgk_ id. */
export function loadSenderSeeds(sender, bundle) {
  exactKeys(sender, "sender", ["signing_seeds"]);
  if (!Array.isArray(sender.signing_seeds) || sender.signing_seeds.length === 0) reject("sender.signing_seeds: not a non-empty array");
  const seeds = new Map();
  for (const [i, s] of sender.signing_seeds.entries()) {
    const f = `sender.signing_seeds[${i}]`;
    exactKeys(s, f, ["key_id", "seed"]);
    const keyId = prefixedId(s.key_id, `${f}.key_id`, "sgk_");
    const seed = decodeBase64(s.seed, `${f}.seed`, DSA_SEED_LENGTH);
    const listed = bundle.signingKeys.get(keyId);
    if (!listed) reject(`${f}.key_id: not in keys.signing_keys`);
    if (!bytesEqual(ml_dsa65.keygen(seed).publicKey, listed)) reject(`${f}: seed does not give the bundle's public_key (noble ML-DSA-65 KeyGen)`);
    seeds.set(keyId, seed);
  }
  return seeds;
}

// ---------------------------------------------------------------------------------------------
// §1 envelope
// ---------------------------------------------------------------------------------------------

const hpkeSuite = new CipherSuite({ kem: new MlKem768(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });

function envelopeInfo(tenantId, kemKeyId) {
  return concatBytes(utf8.encode(INFO_LABEL), [0], utf8.encode(tenantId), [0], utf8.encode(kemKeyId));
}

function envelopeAad(f) {
  return concatBytes(
    lengthPrefixed(ENVELOPE_VERSION),
    lengthPrefixed(f.tenantId),
    lengthPrefixed(f.kemKeyId),
    lengthPrefixed(f.auditEventId),
    lengthPrefixed(f.requestId),
    lengthPrefixed(f.issuedAt),
    lengthPrefixed(f.success),
  );
}

/** The signed message M of §1 step 4 (binary fields as raw bytes). */
export function signedMessage(f) {
  return concatBytes(
    lengthPrefixed(SIGNATURE_DOMAIN),
    lengthPrefixed(f.tenantId),
    lengthPrefixed(f.kemKeyId),
    lengthPrefixed(ENCRYPTION_ALGORITHM),
    lengthPrefixed(f.enc),
    lengthPrefixed(f.nonce),
    lengthPrefixed(f.ciphertext),
    lengthPrefixed(f.auditEventId),
    lengthPrefixed(f.requestId),
    lengthPrefixed(f.issuedAt),
    lengthPrefixed(f.success),
    lengthPrefixed(f.signingKeyId),
    lengthPrefixed(SIGNATURE_ALGORITHM),
  );
}

// RFC 9180 §4 / §5.1, written with node:crypto so the nonce can be checked independently of
// @hpke/core (whose contexts do not expose base_nonce). LabeledExtract(salt, label, ikm) is
// HMAC(salt, "HPKE-v1" || suite_id || label || ikm) and an empty salt is HashLen zero bytes;
// hkdfSync performs Extract then Expand, exactly LabeledExpand(LabeledExtract(...)).
function labeledIkm(label, ikm) {
  return concatBytes(utf8.encode("HPKE-v1"), HPKE_SUITE_ID, utf8.encode(label), ikm);
}

function labeledInfo(label, info, length) {
  return concatBytes([length >> 8, length & 0xff], utf8.encode("HPKE-v1"), HPKE_SUITE_ID, utf8.encode(label), info);
}

function labeledExtractEmptySalt(label, ikm) {
  return new Uint8Array(createHmac("sha256", Buffer.alloc(32)).update(labeledIkm(label, ikm)).digest());
}

/** key and base_nonce of HPKE base mode (no PSK) for a KEM shared secret. */
export function hpkeKeySchedule(sharedSecret, info) {
  const pskIdHash = labeledExtractEmptySalt("psk_id_hash", new Uint8Array(0));
  const infoHash = labeledExtractEmptySalt("info_hash", info);
  const context = concatBytes([HPKE_MODE_BASE], pskIdHash, infoHash);
  const secretIkm = labeledIkm("secret", new Uint8Array(0));
  const key = new Uint8Array(hkdfSync("sha256", secretIkm, sharedSecret, labeledInfo("key", context, AES_KEY_LENGTH), AES_KEY_LENGTH));
  const baseNonce = new Uint8Array(hkdfSync("sha256", secretIkm, sharedSecret, labeledInfo("base_nonce", context, NONCE_LENGTH), NONCE_LENGTH));
  return { key, baseNonce };
}

/** Strict §1 parse: exact field sets, types, id shapes, base64 lengths. */
export function parseEnvelope(env) {
  exactKeys(env, "envelope", ["success", "version", "encrypted", "signature", "audit_event_id", "request_id", "issued_at"]);
  if (typeof env.success !== "boolean") reject("success: not a boolean");
  exactString(env.version, "version", ENVELOPE_VERSION);
  const e = env.encrypted;
  exactKeys(e, "encrypted", ["ciphertext_kem", "ciphertext_data", "nonce", "tenant_id", "key_id", "algorithm"]);
  const s = env.signature;
  exactKeys(s, "signature", ["pqc_signature", "hmac_signature", "tenant_id", "key_id", "algorithm"]);
  exactString(e.algorithm, "encrypted.algorithm", ENCRYPTION_ALGORITHM);
  exactString(s.algorithm, "signature.algorithm", SIGNATURE_ALGORITHM);
  const tenantId = prefixedId(e.tenant_id, "encrypted.tenant_id", "ten_");
  if (prefixedId(s.tenant_id, "signature.tenant_id", "ten_") !== tenantId) reject("signature.tenant_id: differs from encrypted.tenant_id");
  const ciphertext = decodeBase64(e.ciphertext_data, "encrypted.ciphertext_data");
  if (ciphertext.length < TAG_LENGTH) reject("encrypted.ciphertext_data: shorter than the AES-GCM tag");
  return {
    success: env.success,
    tenantId,
    kemKeyId: prefixedId(e.key_id, "encrypted.key_id", "ekk_"),
    signingKeyId: prefixedId(s.key_id, "signature.key_id", "sgk_"),
    enc: decodeBase64(e.ciphertext_kem, "encrypted.ciphertext_kem", KEM_ENC_LENGTH),
    ciphertext,
    nonce: decodeBase64(e.nonce, "encrypted.nonce", NONCE_LENGTH),
    pqcSignature: decodeBase64(s.pqc_signature, "signature.pqc_signature", DSA_SIGNATURE_LENGTH),
    hmacSignature: decodeBase64(s.hmac_signature, "signature.hmac_signature", HMAC_LENGTH),
    auditEventId: prefixedId(env.audit_event_id, "audit_event_id", "aud_"),
    requestId: prefixedId(env.request_id, "request_id", "req_"),
    issuedAt: timestamp(env.issued_at, "issued_at"),
  };
}

/**
 * Opens and verifies one envelope per §1. Returns the plaintext; throws Rejected otherwise.
 * The plaintext is released only when every check holds.
 */
export async function openEnvelope(env, bundle) {
  const f = parseEnvelope(env);
  if (f.tenantId !== bundle.tenantId) reject("tenant_id: not the bundle's tenant");
  const kemKey = bundle.envelopeKeys.get(f.kemKeyId);
  if (!kemKey) reject("encrypted.key_id: not in the bundle");
  const signingKey = bundle.signingKeys.get(f.signingKeyId);
  if (!signingKey) reject("signature.key_id: not in the bundle");

  const m = signedMessage(f);
  let pqcOk;
  try {
    pqcOk = ml_dsa65.verify(f.pqcSignature, m, signingKey, { context: SIGNATURE_CONTEXT }) === true;
  } catch {
    pqcOk = false;
  }
  const expectedMac = new Uint8Array(createHmac("sha512", bundle.hmacKey).update(m).digest());
  const macOk = timingSafeEqual(expectedMac, f.hmacSignature);
  // Both checks always run; the verdict combines them without short-circuit, as §1 requires.
  if (!(Number(pqcOk) & Number(macOk))) {
    reject(`signature: ${pqcOk ? "" : "ML-DSA-65 invalid"}${!pqcOk && !macOk ? ", " : ""}${macOk ? "" : "HMAC-SHA-512 invalid"}`);
  }

  const info = envelopeInfo(f.tenantId, f.kemKeyId);
  const aad = envelopeAad(f);

  // Path 1: @hpke/core + @hpke/ml-kem, private key imported as the raw 64-byte seed d||z.
  const recipientKey = await hpkeSuite.kem.importKey("raw", ownBytes(kemKey.seed), false);
  let hpkePlaintext;
  try {
    const ctx = await hpkeSuite.createRecipientContext({ recipientKey, enc: ownBytes(f.enc), info });
    hpkePlaintext = new Uint8Array(await ctx.open(ownBytes(f.ciphertext), aad));
  } catch {
    reject("encrypted: HPKE open failed");
  }

  // Path 2: noble ML-KEM-768 decapsulation + RFC 9180 key schedule in node:crypto, giving the
  // base_nonce that @hpke/core does not expose. The same KEM secret must come out of both KEMs.
  const nobleSecret = ml_kem768.decapsulate(f.enc, kemKey.nobleSecretKey);
  const hpkeSecret = new Uint8Array(await hpkeSuite.kem.decap({ recipientKey, enc: ownBytes(f.enc) }));
  if (!bytesEqual(nobleSecret, hpkeSecret)) reject("encrypted: noble and @hpke/ml-kem decapsulate to different secrets");
  const { key, baseNonce } = hpkeKeySchedule(nobleSecret, info);
  if (!bytesEqual(baseNonce, f.nonce)) reject("encrypted.nonce: not the HPKE base_nonce");
  // Sequence 0: the first message's nonce is base_nonce itself. If node's AES-GCM opens the same
  // ciphertext with this key and nonce, @hpke/core necessarily used the same base_nonce.
  const decipher = createDecipheriv("aes-256-gcm", key, baseNonce);
  decipher.setAAD(aad);
  decipher.setAuthTag(f.ciphertext.subarray(f.ciphertext.length - TAG_LENGTH));
  let nodePlaintext;
  try {
    nodePlaintext = concatBytes(decipher.update(f.ciphertext.subarray(0, f.ciphertext.length - TAG_LENGTH)), decipher.final());
  } catch {
    reject("encrypted: node AES-256-GCM with the derived key and base_nonce failed");
  }
  if (!bytesEqual(nodePlaintext, hpkePlaintext)) reject("encrypted: @hpke/core and node:crypto disagree on the plaintext");
  return hpkePlaintext;
}

// Crockford base32 ULID: 48-bit millisecond time, 80 random bits.
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export function newUlid(nowMs = Date.now()) {
  let time = "";
  let t = nowMs;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const rnd = randomBytes(16);
  let random = "";
  for (let i = 0; i < 16; i++) random += CROCKFORD[rnd[i] & 31];
  return time + random;
}

/**
 * Seals one envelope per §1 with the JS libraries. The KEM encapsulation randomness is chosen
 * here (ekm) so the KEM shared secret can be obtained through the public KEM interface and the
 * base_nonce derived from it; the context must then report the same enc.
 */
export async function sealEnvelope({ bundle, signingSeeds, plaintext, success, kemKeyId, signingKeyId, requestId, issuedAt, auditEventId }) {
  const kemId = kemKeyId ?? [...bundle.envelopeKeys.keys()][0];
  const sgkId = signingKeyId ?? [...signingSeeds.keys()][0];
  const kemKey = bundle.envelopeKeys.get(kemId);
  const f = {
    success,
    tenantId: bundle.tenantId,
    kemKeyId: kemId,
    signingKeyId: sgkId,
    auditEventId: auditEventId ?? `aud_${newUlid()}`,
    requestId: requestId ?? `req_${newUlid()}`,
    issuedAt: issuedAt ?? new Date().toISOString(),
  };
  const info = envelopeInfo(f.tenantId, f.kemKeyId);
  const aad = envelopeAad(f);
  const recipientPublicKey = await hpkeSuite.kem.importKey("raw", ownBytes(kemKey.publicKey), true);
  const ekm = ownBytes(randomBytes(32));
  const encap = await hpkeSuite.kem.encap({ recipientPublicKey, ekm: ownBytes(ekm) });
  const ctx = await hpkeSuite.createSenderContext({ recipientPublicKey, info, ekm: ownBytes(ekm) });
  f.enc = new Uint8Array(ctx.enc);
  if (!bytesEqual(f.enc, new Uint8Array(encap.enc))) throw new Error("@hpke/core context enc differs from the KEM's enc for the same ekm");
  f.ciphertext = new Uint8Array(await ctx.seal(ownBytes(plaintext), aad));
  f.nonce = hpkeKeySchedule(new Uint8Array(encap.sharedSecret), info).baseNonce;
  return signEnvelope(f, { dsaSeed: signingSeeds.get(sgkId), hmacKey: bundle.hmacKey });
}

/**
 * Signs parsed envelope fields (§1 steps 4-6) and serializes the envelope. The options exist so
 * that tests can produce envelopes whose one defect is a wrong signing key or context.
 */
export function signEnvelope(f, { dsaSeed, hmacKey, context = SIGNATURE_CONTEXT }) {
  const m = signedMessage(f);
  const { secretKey } = ml_dsa65.keygen(dsaSeed);
  // Hedged signing: noble draws a fresh 32-byte rnd when extraEntropy is not given.
  const pqcSignature = ml_dsa65.sign(m, secretKey, { context });
  const hmacSignature = new Uint8Array(createHmac("sha512", hmacKey).update(m).digest());
  return {
    success: f.success,
    version: ENVELOPE_VERSION,
    encrypted: {
      ciphertext_kem: encodeBase64(f.enc),
      ciphertext_data: encodeBase64(f.ciphertext),
      nonce: encodeBase64(f.nonce),
      tenant_id: f.tenantId,
      key_id: f.kemKeyId,
      algorithm: ENCRYPTION_ALGORITHM,
    },
    signature: {
      pqc_signature: encodeBase64(pqcSignature),
      hmac_signature: encodeBase64(hmacSignature),
      tenant_id: f.tenantId,
      key_id: f.signingKeyId,
      algorithm: SIGNATURE_ALGORITHM,
    },
    audit_event_id: f.auditEventId,
    request_id: f.requestId,
    issued_at: f.issuedAt,
  };
}

// ---------------------------------------------------------------------------------------------
// §5 vectors file
// ---------------------------------------------------------------------------------------------

export async function loadVectors(path) {
  const doc = parseStrictJson(readFileSync(path, "utf8"), path);
  exactKeys(doc, "vectors", ["format", "keys", "sender", "valid", "invalid"]);
  exactString(doc.format, "vectors.format", VECTORS_FORMAT);
  const bundle = await loadBundle(doc.keys);
  const signingSeeds = loadSenderSeeds(doc.sender, bundle);
  if (!Array.isArray(doc.valid) || doc.valid.length === 0) reject("vectors.valid: not a non-empty array");
  if (!Array.isArray(doc.invalid) || doc.invalid.length === 0) reject("vectors.invalid: not a non-empty array");
  const valid = doc.valid.map((v, i) => {
    exactKeys(v, `valid[${i}]`, ["plaintext", "envelope"]);
    return { plaintext: decodeBase64(v.plaintext, `valid[${i}].plaintext`), envelope: v.envelope };
  });
  const invalid = doc.invalid.map((v, i) => {
    exactKeys(v, `invalid[${i}]`, ["reason", "envelope"]);
    if (typeof v.reason !== "string" || v.reason.length === 0 || v.reason.includes("\n")) reject(`invalid[${i}].reason: not one line`);
    return { reason: v.reason, envelope: v.envelope };
  });
  return { bundle, signingSeeds, valid, invalid };
}

// ---------------------------------------------------------------------------------------------
// Runner
// ---------------------------------------------------------------------------------------------

class Report {
  passed = 0;
  failed = 0;
  pass(name, detail = "") {
    this.passed++;
    console.log(`PASS ${name}${detail ? ` — ${detail}` : ""}`);
  }
  fail(name, detail) {
    this.failed++;
    console.log(`FAIL ${name} — ${detail}`);
  }
  async check(name, body) {
    try {
      const detail = await body();
      this.pass(name, detail);
    } catch (e) {
      this.fail(name, e instanceof Rejected ? e.message : `${e?.name ?? "Error"}: ${e?.message ?? e}`);
    }
  }
}

function describeBytes(b) {
  return `${b.length} bytes`;
}

async function expectOpens(envelope, plaintext, bundle) {
  let opened;
  try {
    opened = await openEnvelope(envelope, bundle);
  } catch (e) {
    if (e instanceof Rejected) throw new Error(`rejected: ${e.message}`);
    throw e;
  }
  if (!bytesEqual(opened, plaintext)) throw new Error(`opened to ${describeBytes(opened)} that differ from the expected ${describeBytes(plaintext)}`);
  return `opened to the expected ${describeBytes(plaintext)}`;
}

async function expectRejected(envelope, bundle) {
  try {
    await openEnvelope(envelope, bundle);
  } catch (e) {
    if (e instanceof Rejected) return `rejected (${e.message})`;
    throw e;
  }
  throw new Error("accepted an envelope that must be rejected");
}

function runCli(cli, args, stdin) {
  const env = { ...process.env, DOTNET_NOLOGO: "1", DOTNET_CLI_TELEMETRY_OPTOUT: "1" };
  const r = spawnSync("dotnet", [cli, ...args], { encoding: "buffer", timeout: CLI_TIMEOUT_MS, maxBuffer: MAX_DOCUMENT_BYTES, env, input: stdin });
  if (r.error) throw new Error(`could not run dotnet ${cli}: ${r.error.message}`);
  return { status: r.status, signal: r.signal, stdout: new Uint8Array(r.stdout), stderr: r.stderr.toString("utf8") };
}

function oneLine(stderr) {
  const trimmed = stderr.replace(/\r?\n$/, "");
  return trimmed.length > 0 && !/[\r\n]/.test(trimmed);
}

/** Runs `envelope open`, from --input FILE, or from standard input when envelopePath is null. */
function cliOpens(cli, bundlePath, envelopePath, plaintext, stdin) {
  const input = envelopePath === null ? [] : ["--input", envelopePath];
  const r = runCli(cli, ["envelope", "open", "--keys", bundlePath, ...input], stdin);
  if (r.status !== 0) throw new Error(`exit ${r.status ?? r.signal}, stderr: ${r.stderr.trim().slice(0, 300)}`);
  if (!bytesEqual(r.stdout, plaintext)) throw new Error(`stdout is ${describeBytes(r.stdout)}, not the ${describeBytes(plaintext)} sealed`);
  return `exit 0, stdout equals the ${describeBytes(plaintext)} plaintext`;
}

function cliRejects(cli, bundlePath, envelopePath) {
  const r = runCli(cli, ["envelope", "open", "--keys", bundlePath, "--input", envelopePath]);
  if (r.status !== 1) throw new Error(`exit ${r.status ?? r.signal}, expected 1`);
  if (r.stdout.length !== 0) throw new Error(`wrote ${r.stdout.length} bytes to stdout on rejection`);
  if (!oneLine(r.stderr)) throw new Error(`stderr is not one reason line: ${JSON.stringify(r.stderr.slice(0, 300))}`);
  return `exit 1, empty stdout, stderr: ${r.stderr.trim()}`;
}

function flipByte(b64, index) {
  const bytes = Buffer.from(b64, "base64");
  bytes[index < 0 ? bytes.length + index : index % bytes.length] ^= 0x01;
  return bytes.toString("base64");
}

// A 64-byte value encodes as 86 characters and "==": the last character carries 4 unused bits.
// Setting one gives a string that lenient decoders map to the very same bytes.
function setUnusedBits(b64) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const at = b64.length - 3;
  return b64.slice(0, at) + alphabet[alphabet.indexOf(b64[at]) | 1] + b64.slice(at + 1);
}

/**
 * Copies of a valid envelope whose signatures are recomputed after a change, so that only the
 * HPKE layer (base_nonce check, AAD, info, KEM) or the signature's key/context can reject them.
 * The first entry changes nothing and must open: it proves the re-signing itself is sound.
 */
export function resignedVariants(envelope, bundle, signingSeeds) {
  const f0 = parseEnvelope(envelope);
  const dsaSeed = signingSeeds.get(f0.signingKeyId);
  const keys = { dsaSeed, hmacKey: bundle.hmacKey };
  const variant = (mutate, signing = keys) => {
    const f = { ...f0, enc: f0.enc.slice(), ciphertext: f0.ciphertext.slice(), nonce: f0.nonce.slice() };
    mutate(f);
    return signEnvelope(f, signing);
  };
  return {
    control: variant(() => {}),
    mustReject: [
      ["re-signed, nonce is not the HPKE base_nonce", variant((f) => { f.nonce = ownBytes(randomBytes(NONCE_LENGTH)); })],
      ["re-signed, ciphertext_data byte flipped", variant((f) => { f.ciphertext[0] ^= 1; })],
      ["re-signed, GCM tag byte flipped", variant((f) => { f.ciphertext[f.ciphertext.length - 1] ^= 1; })],
      ["re-signed, ciphertext_data truncated to the tag", variant((f) => { f.ciphertext = f.ciphertext.slice(f.ciphertext.length - TAG_LENGTH); })],
      ["re-signed, ciphertext_kem byte flipped (ML-KEM implicit rejection)", variant((f) => { f.enc[500] ^= 1; })],
      ["re-signed, success inverted (AAD differs)", variant((f) => { f.success = !f.success; })],
      ["re-signed, request_id replaced (AAD differs)", variant((f) => { f.requestId = `req_${newUlid()}`; })],
      ["re-signed, audit_event_id replaced (AAD differs)", variant((f) => { f.auditEventId = `aud_${newUlid()}`; })],
      ["re-signed, issued_at moved by 1 ms (AAD differs)", variant((f) => { f.issuedAt = new Date(Date.parse(f.issuedAt) + 1).toISOString(); })],
      ["ML-DSA-65 with an empty context, HMAC valid", variant(() => {}, { ...keys, context: new Uint8Array(0) })],
      ["ML-DSA-65 with the checkpoint context, HMAC valid", variant(() => {}, { ...keys, context: utf8.encode("quantaproxy/checkpoint/v1") })],
      ["ML-DSA-65 by another key under the same sgk_ id, HMAC valid", variant(() => {}, { ...keys, dsaSeed: ownBytes(randomBytes(DSA_SEED_LENGTH)) })],
      ["HMAC under another key, ML-DSA-65 valid", variant(() => {}, { ...keys, hmacKey: ownBytes(randomBytes(HMAC_KEY_LENGTH)) })],
    ],
  };
}

/** Tampered copies of a valid envelope; each must be rejected by every implementation. */
function tamperings(envelope) {
  const copy = () => structuredClone(envelope);
  const otherUlid = () => newUlid();
  return [
    ["ciphertext_data byte flipped", (e) => { e.encrypted.ciphertext_data = flipByte(e.encrypted.ciphertext_data, 3); }],
    ["GCM tag byte flipped", (e) => { e.encrypted.ciphertext_data = flipByte(e.encrypted.ciphertext_data, -1); }],
    ["ciphertext_kem byte flipped", (e) => { e.encrypted.ciphertext_kem = flipByte(e.encrypted.ciphertext_kem, 100); }],
    ["nonce byte flipped", (e) => { e.encrypted.nonce = flipByte(e.encrypted.nonce, 0); }],
    ["success inverted", (e) => { e.success = !e.success; }],
    ["request_id replaced", (e) => { e.request_id = `req_${otherUlid()}`; }],
    ["audit_event_id replaced", (e) => { e.audit_event_id = `aud_${otherUlid()}`; }],
    ["issued_at moved by 1 ms", (e) => { e.issued_at = new Date(Date.parse(e.issued_at) + 1).toISOString(); }],
    ["pqc_signature byte flipped", (e) => { e.signature.pqc_signature = flipByte(e.signature.pqc_signature, 10); }],
    ["hmac_signature byte flipped", (e) => { e.signature.hmac_signature = flipByte(e.signature.hmac_signature, 10); }],
    ["unknown top-level field", (e) => { e.extra = "x"; }],
    ["unknown encrypted field", (e) => { e.encrypted.extra = "x"; }],
    ["missing request_id", (e) => { delete e.request_id; }],
    ["wrong version", (e) => { e.version = "qp-envelope-v2"; }],
    ["wrong encrypted.algorithm", (e) => { e.encrypted.algorithm = "ML-KEM-1024"; }],
    ["success as a string", (e) => { e.success = String(e.success); }],
    ["ciphertext_kem one byte short", (e) => { e.encrypted.ciphertext_kem = Buffer.from(e.encrypted.ciphertext_kem, "base64").subarray(1).toString("base64"); }],
    ["nonce with a trailing base64 character", (e) => { e.encrypted.nonce = `${e.encrypted.nonce}A`; }],
    ["hmac_signature without its base64 padding", (e) => { e.signature.hmac_signature = e.signature.hmac_signature.replace(/=+$/, ""); }],
    ["hmac_signature base64 with an embedded space", (e) => { const s = e.signature.hmac_signature; e.signature.hmac_signature = `${s.slice(0, 40)} ${s.slice(40)}`; }],
    ["hmac_signature non-canonical base64 (unused trailing bits set)", (e) => { e.signature.hmac_signature = setUnusedBits(e.signature.hmac_signature); }],
    ["hmac_signature not base64", (e) => { e.signature.hmac_signature = `!${e.signature.hmac_signature.slice(1)}`; }],
    ["signature.tenant_id differs", (e) => { e.signature.tenant_id = `ten_${otherUlid()}`; }],
    ["unknown encrypted.key_id", (e) => { e.encrypted.key_id = `ekk_${otherUlid()}`; }],
  ].map(([name, mutate]) => {
    const e = copy();
    mutate(e);
    return [name, e];
  });
}

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if ((a === "--cli" || a === "--vectors") && i + 1 < argv.length) args[a.slice(2)] = argv[++i];
    else {
      console.error(`unknown argument: ${a}`);
      console.error("usage: node interop.mjs --cli /abs/path/quantaproxy.dll --vectors /abs/path/envelope-v1.json");
      process.exit(2);
    }
  }
  if (!args.cli || !args.vectors) {
    console.error("usage: node interop.mjs --cli /abs/path/quantaproxy.dll --vectors /abs/path/envelope-v1.json");
    process.exit(2);
  }
  return args;
}

// Plaintexts sealed by JS for the CLI: sizes around the AES block and tag, one JSON body, one large.
function jsPlaintexts() {
  const json = utf8.encode(JSON.stringify({
    status: 200, operation: "list_users", okta_request_id: "interop-js",
    rate_limit: { limit: 600, remaining: 598, reset: 1764000000 },
    next_cursor: "00ud4tVDDXYVKPXKVLCO", body: [{ id: "00u1", profile: { login: "ana@example.com", name: "Ana Ñandú ✓" } }],
  }));
  return [
    ["empty", new Uint8Array(0), true],
    ["1 byte", ownBytes(randomBytes(1)), true],
    ["16 bytes", ownBytes(randomBytes(16)), false],
    ["17 bytes", ownBytes(randomBytes(17)), true],
    ["JSON body", json, true],
    ["JSON error body", json, false],
    ["64 KiB + 1 binary", ownBytes(randomBytes(65537)), true],
    ["1 MiB binary", ownBytes(randomBytes(1 << 20)), false],
  ];
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const report = new Report();
  const work = mkdtempSync(join(tmpdir(), "qp-interop-"));
  try {
    const cliPresent = existsSync(args.cli);
    if (!cliPresent) report.fail("cli", `${args.cli} does not exist; build src/QuantaProxy.Cli first`);

    let vectors;
    await report.check(`vectors file ${args.vectors} parses strictly and its seeds match its public keys`, async () => {
      vectors = await loadVectors(args.vectors);
      return `${vectors.valid.length} valid, ${vectors.invalid.length} invalid`;
    });

    if (vectors) {
      // 1. every committed valid vector opens to its plaintext in JS.
      for (const [i, v] of vectors.valid.entries()) {
        await report.check(`committed valid[${i}] opens in JS`, () => expectOpens(v.envelope, v.plaintext, vectors.bundle));
      }
      // 2. every committed invalid vector is rejected in JS.
      for (const [i, v] of vectors.invalid.entries()) {
        await report.check(`committed invalid[${i}] (${v.reason}) rejected in JS`, () => expectRejected(v.envelope, vectors.bundle));
      }

      // The JS opener must itself be able to fail: JS-sealed envelopes open, tampered ones don't.
      const own = await sealEnvelope({ bundle: vectors.bundle, signingSeeds: vectors.signingSeeds, plaintext: utf8.encode("self-check"), success: true });
      await report.check("JS-sealed envelope opens in JS", () => expectOpens(own, utf8.encode("self-check"), vectors.bundle));
      for (const [name, tampered] of tamperings(own)) {
        await report.check(`JS-tampered (${name}) rejected in JS`, () => expectRejected(tampered, vectors.bundle));
      }
      const ownResigned = resignedVariants(own, vectors.bundle, vectors.signingSeeds);
      await report.check("JS re-signed, unchanged (control) opens in JS", () => expectOpens(ownResigned.control, utf8.encode("self-check"), vectors.bundle));
      for (const [name, tampered] of ownResigned.mustReject) {
        await report.check(`JS-tampered (${name}) rejected in JS`, () => expectRejected(tampered, vectors.bundle));
      }

      // 3. JS seals with the vectors' keys; the .NET CLI opens.
      if (cliPresent) {
        const bundlePath = join(work, "bundle.json");
        writeFileSync(bundlePath, JSON.stringify(vectors.bundle.json, null, 2), { mode: 0o600 });
        for (const kemKeyId of vectors.bundle.envelopeKeys.keys()) {
          for (const signingKeyId of vectors.signingSeeds.keys()) {
            for (const [label, plaintext, success] of jsPlaintexts()) {
              const name = `JS-sealed (${label}, success ${success}, ${kemKeyId}, ${signingKeyId}) opens in .NET CLI`;
              await report.check(name, async () => {
                const env = await sealEnvelope({ bundle: vectors.bundle, signingSeeds: vectors.signingSeeds, plaintext, success, kemKeyId, signingKeyId });
                const path = join(work, `sealed-${randomBytes(6).toString("hex")}.json`);
                writeFileSync(path, JSON.stringify(env));
                return cliOpens(args.cli, bundlePath, path, plaintext);
              });
            }
          }
        }
        await report.check("JS-sealed envelope on standard input (no --input) opens in .NET CLI", async () => {
          const plaintext = utf8.encode('{"status":200,"via":"stdin"}');
          const env = await sealEnvelope({ bundle: vectors.bundle, signingSeeds: vectors.signingSeeds, plaintext, success: true });
          return cliOpens(args.cli, bundlePath, null, plaintext, Buffer.from(JSON.stringify(env)));
        });
        const base = await sealEnvelope({ bundle: vectors.bundle, signingSeeds: vectors.signingSeeds, plaintext: utf8.encode("tamper me"), success: true });
        const writeEnvelope = (env) => {
          const path = join(work, `envelope-${randomBytes(6).toString("hex")}.json`);
          writeFileSync(path, JSON.stringify(env));
          return path;
        };
        const resigned = resignedVariants(base, vectors.bundle, vectors.signingSeeds);
        await report.check("JS re-signed, unchanged (control) opens in .NET CLI", () => cliOpens(args.cli, bundlePath, writeEnvelope(resigned.control), utf8.encode("tamper me")));
        for (const [name, tampered] of [...tamperings(base), ...resigned.mustReject]) {
          await report.check(`JS-tampered (${name}) rejected by .NET CLI`, () => cliRejects(args.cli, bundlePath, writeEnvelope(tampered)));
        }
      } else {
        report.fail("JS-sealed envelopes open in .NET CLI", "not run: the CLI does not exist");
      }
    }

    // 4. .NET generates fresh vectors with fresh keys; JS opens the valid and rejects the invalid.
    if (cliPresent) {
      const freshPath = join(work, "fresh-vectors.json");
      let fresh;
      await report.check(".NET CLI `vectors generate` writes a vectors file that parses strictly", async () => {
        const r = runCli(args.cli, ["vectors", "generate", "--out", freshPath]);
        if (r.status !== 0) throw new Error(`exit ${r.status ?? r.signal}, stderr: ${r.stderr.trim().slice(0, 300)}`);
        fresh = await loadVectors(freshPath);
        if (vectors && fresh.bundle.tenantId === vectors.bundle.tenantId) throw new Error("fresh vectors reuse the committed tenant; keys are not fresh");
        return `${fresh.valid.length} valid, ${fresh.invalid.length} invalid`;
      });
      if (fresh) {
        for (const [i, v] of fresh.valid.entries()) {
          await report.check(`.NET-generated valid[${i}] opens in JS`, () => expectOpens(v.envelope, v.plaintext, fresh.bundle));
        }
        for (const [i, v] of fresh.invalid.entries()) {
          await report.check(`.NET-generated invalid[${i}] (${v.reason}) rejected in JS`, () => expectRejected(v.envelope, fresh.bundle));
        }
      }
    } else {
      report.fail(".NET-generated vectors open in JS", "not run: the CLI does not exist");
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`interop: ${report.passed} passed, ${report.failed} failed`);
  process.exitCode = report.failed === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
