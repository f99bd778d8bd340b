/**
 * Checking an HMAC-SHA256 signature against a list of secrets. On Node (and Bun, Deno) through
 * `node:crypto`, found at run time with `process.getBuiltinModule`, so the handler still imports
 * nothing of Node: its HMAC is synchronous, where Web Crypto's `subtle.verify` runs every check as
 * a job on libuv's thread pool and answers through a promise (bench/http: a signed request's CPU
 * fell from 1.6-2.2x to about 1.5x an open one's, docs/performance-http.md). Web Crypto elsewhere.
 */

/**
 * True when `signature` is HMAC-SHA256(secret, `prefix` then `body`) for one of the secrets. Every
 * secret is checked, each in constant time, so timing says nothing about which came close.
 */
export type HmacCheck = (prefix: Uint8Array, body: Uint8Array, signature: Uint8Array) => Promise<boolean> | boolean;

/** What is used of `node:crypto`, written structurally: herald/http's types must not need @types/node. */
export interface NodeHmacCrypto {
  createHmac(
    algorithm: "sha256",
    key: Uint8Array,
  ): {
    update(data: Uint8Array): { update(data: Uint8Array): { digest(): Uint8Array } };
  };
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
}

/** `node:crypto` where the runtime has `process.getBuiltinModule` (Node 20.16+, Bun, Deno), else `undefined`. */
export function builtinCrypto(): NodeHmacCrypto | undefined {
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof process?.getBuiltinModule !== "function") return undefined;
  try {
    const crypto = process.getBuiltinModule("node:crypto") as Partial<NodeHmacCrypto> | undefined;
    return typeof crypto?.createHmac === "function" && typeof crypto.timingSafeEqual === "function"
      ? (crypto as NodeHmacCrypto)
      : undefined;
  } catch {
    return undefined;
  }
}

const encoder = new TextEncoder();

/**
 * The {@link HmacCheck} for `secrets`, on `node:crypto` (by default {@link builtinCrypto}), or on
 * Web Crypto where there is none or `node` is `null`.
 */
export function createHmacCheck(secrets: readonly string[], node?: NodeHmacCrypto | null): HmacCheck {
  if (node === undefined) node = builtinCrypto();
  const raw = secrets.map((secret) => encoder.encode(secret));
  if (node) {
    return (prefix, body, signature) => {
      // no early exit: every secret is compared, whichever matched
      let found = false;
      for (const key of raw)
        if (
          signature.byteLength === 32 &&
          node.timingSafeEqual(node.createHmac("sha256", key).update(prefix).update(body).digest(), signature)
        )
          found = true;
      return found;
    };
  }
  const keys = raw.map((key) => importHmacKey(key));
  return async (prefix, body, signature) => {
    const data = joinBytes(prefix, body);
    // crypto.subtle.verify compares in constant time
    const results = await Promise.all(
      keys.map(async (key) => crypto.subtle.verify("HMAC", await key, signature as Uint8Array<ArrayBuffer>, data)),
    );
    return results.includes(true);
  };
}

/** A Web Crypto HMAC-SHA256 key for signing and verifying. */
export function importHmacKey(secret: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", secret as Uint8Array<ArrayBuffer>, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]) as Promise<CryptoKey>;
}

/** `prefix` then `body`, in one buffer: what Web Crypto signs and verifies. */
export function joinBytes(prefix: Uint8Array, body: Uint8Array): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(prefix.byteLength + body.byteLength);
  data.set(prefix);
  data.set(body, prefix.byteLength);
  return data;
}
