import { InvalidOptionsError } from "../../core/errors.js";
import { createHmacCheck, importHmacKey, joinBytes } from "./hmac.js";
import { HttpProblemError } from "./respond.js";

/**
 * How a handler authenticates requests. Required: there is no default, so an open endpoint is
 * always written out as `"none"`.
 * - `{ token }`: `Authorization: Bearer <token>`, compared in constant time.
 * - `{ secret }`: an HMAC-SHA256 signature, see {@link SIGNATURE_HEADER}.
 * A list of tokens or secrets accepts any of them, for rotation.
 * @see docs/http.md#authentication
 */
export type HandlerAuth =
  | "none"
  | { readonly token: string | readonly string[] }
  | {
      readonly secret: string | readonly string[];
      /** How far the signed timestamp may be from now, in seconds, either way. Default 300. */
      readonly toleranceSeconds?: number;
    };

/** `sha256=<hex of HMAC-SHA256(secret, "<timestamp>.<raw body>")>`. */
export const SIGNATURE_HEADER = "x-herald-signature";
/** The signing time in Unix seconds; requests signed further than the tolerance from now are rejected as replays. */
export const TIMESTAMP_HEADER = "x-herald-timestamp";
/** The default tolerance of signed timestamps: five minutes. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Checks a request in two steps: its headers before the body is read, then the body's signature. */
export interface Authenticator {
  /** True for signature auth: only the body is signed, so nothing that names the event may come from a header. */
  readonly signed: boolean;
  headers(request: Request): void;
  /** Only where the body is checked (signatures): the other modes cost no promise per request. */
  body?(request: Request, raw: Uint8Array): Promise<void>;
}

const encoder = new TextEncoder();

/** Builds the {@link Authenticator} for `auth`. @throws InvalidOptionsError when `auth` is absent or malformed */
export function createAuthenticator(auth: unknown, now: () => number = Date.now): Authenticator {
  if (auth === "none") return { signed: false, headers: () => undefined };
  if (typeof auth === "object" && auth !== null && "token" in auth && "secret" in auth) {
    throw new InvalidOptionsError("auth takes { token } or { secret }, not both");
  }
  if (typeof auth === "object" && auth !== null && "token" in auth) {
    const tokens = list("token", auth.token).map((token) => encoder.encode(token));
    return {
      signed: false,
      headers(request) {
        const match = /^bearer +(\S+) *$/i.exec(request.headers.get("authorization") ?? "");
        const given = encoder.encode(match?.[1] ?? "");
        // every token is compared, with no early exit, so timing says nothing about which came close
        const ok = tokens.reduce((found, token) => constantTimeEqual(given, token) || found, false);
        if (!match || !ok)
          throw new HttpProblemError(
            "UNAUTHENTICATED",
            "Missing or invalid bearer token",
            {},
            { "www-authenticate": "Bearer" },
          );
      },
    };
  }
  if (typeof auth === "object" && auth !== null && "secret" in auth) {
    const check = createHmacCheck(list("secret", auth.secret));
    const tolerance = (auth as { toleranceSeconds?: unknown }).toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
    if (typeof tolerance !== "number" || !(tolerance > 0) || !Number.isFinite(tolerance)) {
      throw new InvalidOptionsError(
        `auth.toleranceSeconds must be a positive number of seconds, got ${String(tolerance)}`,
      );
    }
    return {
      signed: true,
      headers(request) {
        const timestamp = request.headers.get(TIMESTAMP_HEADER) ?? "";
        const signature = request.headers.get(SIGNATURE_HEADER) ?? "";
        if (!/^\d{1,12}$/.test(timestamp) || !/^sha256=[0-9a-f]{64}$/i.test(signature.trim())) {
          throw new HttpProblemError(
            "UNAUTHENTICATED",
            `Missing or malformed ${SIGNATURE_HEADER} ("sha256=<hex>") or ${TIMESTAMP_HEADER} (Unix seconds) header`,
          );
        }
        if (Math.abs(now() / 1000 - Number(timestamp)) > tolerance) {
          throw new HttpProblemError(
            "UNAUTHENTICATED",
            `${TIMESTAMP_HEADER} is more than ${tolerance} s from the server's time`,
          );
        }
      },
      async body(request, raw) {
        const timestamp = request.headers.get(TIMESTAMP_HEADER)!;
        const signature = fromHex(request.headers.get(SIGNATURE_HEADER)!.trim().slice("sha256=".length));
        if (!(await check(encoder.encode(`${timestamp}.`), raw, signature)))
          throw new HttpProblemError("UNAUTHENTICATED", `${SIGNATURE_HEADER} does not match the body`);
      },
    };
  }
  throw new InvalidOptionsError(
    'createEventHandler needs `auth`: { token }, { secret } or, for an open endpoint, "none" written out',
  );
}

/**
 * Signs a body as a handler with `{ secret }` auth expects: returns the two headers to send with it.
 * Sign the exact bytes you send.
 * @example
 * const body = JSON.stringify({ event: "user.created", payload });
 * await fetch(url, { method: "POST", body, headers: { "content-type": "application/json", ...(await signRequest(secret, body)) } });
 */
export async function signRequest(
  secret: string,
  body: string | Uint8Array,
  timestamp: number = Math.floor(Date.now() / 1000),
): Promise<Record<typeof SIGNATURE_HEADER | typeof TIMESTAMP_HEADER, string>> {
  const raw = typeof body === "string" ? encoder.encode(body) : body;
  const key = await importHmacKey(encoder.encode(secret));
  const mac = new Uint8Array(await subtle().sign("HMAC", key, joinBytes(encoder.encode(`${timestamp}.`), raw)));
  return {
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: `sha256=${[...mac].map((byte) => byte.toString(16).padStart(2, "0")).join("")}`,
  };
}

function list(option: string, value: unknown): string[] {
  const values = typeof value === "string" ? [value] : Array.isArray(value) ? (value as unknown[]) : [];
  if (values.length === 0 || !values.every((item): item is string => typeof item === "string" && item !== "")) {
    throw new InvalidOptionsError(`auth.${option} must be a non-empty string or a list of them`);
  }
  return values;
}

// every supported runtime (Node 20.19+, Bun, Deno, edge runtimes) has Web Crypto as a global
const subtle = (): SubtleCrypto => crypto.subtle;

function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

// runs over the expected token's length whatever was given; only the lengths' equality can leak
function constantTimeEqual(given: Uint8Array, expected: Uint8Array): boolean {
  let diff = given.length ^ expected.length;
  for (let i = 0; i < expected.length; i++) diff |= (given[i] ?? 0) ^ expected[i]!;
  return diff === 0;
}
