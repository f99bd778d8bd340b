/**
 * FNV-1a 64 of `text`'s UTF-16 code units, as 16 hex digits: a small, deterministic, non-secret
 * hash (Web-standard code has no synchronous digest). Used to keep derived event ids bounded and
 * to fingerprint events for idempotency checks; never for anything an attacker must not forge.
 * For ASCII text it equals the standard FNV-1a 64 of the bytes.
 */
export function fnv1a64(text: string): string {
  // the 64-bit state as four 16-bit limbs, low first: plain numbers, no BigInt on a hot path
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (let i = 0; i < text.length; i++) {
    h0 ^= text.charCodeAt(i);
    // times the prime 2^40 + 0x1b3: each limb times 0x1b3, plus the low limbs shifted up by 40 bits
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3 + (t0 >>> 16);
    const t2 = h2 * 0x1b3 + (h0 << 8) + (t1 >>> 16);
    const t3 = h3 * 0x1b3 + (h1 << 8) + (t2 >>> 16);
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
    h3 = t3 & 0xffff;
  }
  return hex8(h3 * 0x10000 + h2) + hex8(h1 * 0x10000 + h0);
}

function hex8(word: number): string {
  return word.toString(16).padStart(8, "0");
}
