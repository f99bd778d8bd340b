import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createEventHandler, SIGNATURE_HEADER, signRequest, TIMESTAMP_HEADER } from "../../../src/http.js";
import { CURL_BODY, jsonRequest, recordingCatalog } from "./helpers.js";

const now = (): number => Math.floor(Date.now() / 1000);

describe("bearer token auth", () => {
  const { events, transport } = recordingCatalog();
  const handler = createEventHandler(events, { auth: { token: ["old-token-1234", "new-token-5678"] } });

  it.each([
    ["no header", {}],
    ["a wrong token of the same length", { authorization: "Bearer new-token-5679" }],
    ["a prefix of the token", { authorization: "Bearer new-token" }],
    ["the token with more after it", { authorization: "Bearer new-token-56789" }],
    ["another scheme", { authorization: "Basic new-token-5678" }],
    ["the bare token", { authorization: "new-token-5678" }],
  ])("answers 401 UNAUTHENTICATED for %s, before reading the body", async (_, headers) => {
    const response = await handler(jsonRequest(CURL_BODY, headers));
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
    expect(await response.json()).toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("accepts any listed token, with the scheme in any case", async () => {
    expect((await handler(jsonRequest(CURL_BODY, { authorization: "Bearer old-token-1234" }))).status).toBe(200);
    expect((await handler(jsonRequest(CURL_BODY, { authorization: "bearer new-token-5678" }))).status).toBe(200);
    expect(transport.sent).toHaveLength(2);
  });

  it("checks the token before the method and content type, so they reveal nothing", async () => {
    const response = await handler(new Request("http://x/trigger", { method: "POST", body: "x" }));
    expect(response.status).toBe(401);
  });
});

describe("HMAC signature auth", () => {
  const secret = "whsec_test_secret";
  const sign = (body: string, timestamp: number, key = secret) => ({
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_HEADER]: `sha256=${createHmac("sha256", key).update(`${timestamp}.${body}`).digest("hex")}`,
  });

  it("signRequest computes HMAC-SHA256 over `${timestamp}.${body}` (checked against node:crypto)", async () => {
    expect(await signRequest(secret, CURL_BODY, 1_700_000_000)).toEqual(sign(CURL_BODY, 1_700_000_000));
  });

  it("accepts a body signed now, and one signed at the edge of the window", async () => {
    const { events, transport } = recordingCatalog();
    const handler = createEventHandler(events, { auth: { secret, toleranceSeconds: 60 } });
    expect((await handler(jsonRequest(CURL_BODY, await signRequest(secret, CURL_BODY)))).status).toBe(200);
    expect((await handler(jsonRequest(CURL_BODY, sign(CURL_BODY, now() - 58)))).status).toBe(200);
    expect(transport.sent).toHaveLength(2);
  });

  it.each([
    ["no headers", () => ({})],
    ["a body changed after signing", () => sign(CURL_BODY.replace("test event", "test evenT"), now())],
    ["another secret", () => sign(CURL_BODY, now(), "whsec_other")],
    ["a replay older than the window", () => sign(CURL_BODY, now() - 301)],
    ["a timestamp from the future beyond the window", () => sign(CURL_BODY, now() + 301)],
    ["a changed timestamp", () => ({ ...sign(CURL_BODY, now()), [TIMESTAMP_HEADER]: String(now() - 1) })],
    ["a malformed signature", () => ({ [TIMESTAMP_HEADER]: String(now()), [SIGNATURE_HEADER]: "sha256=zz" })],
    [
      "a signature without its prefix",
      () => ({ ...sign(CURL_BODY, now()), [SIGNATURE_HEADER]: sign(CURL_BODY, now())[SIGNATURE_HEADER].slice(7) }),
    ],
  ])("answers 401 for %s and sends nothing", async (_, headers) => {
    const { events, transport } = recordingCatalog();
    const handler = createEventHandler(events, { auth: { secret } });
    const response = await handler(jsonRequest(CURL_BODY, headers()));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ code: "UNAUTHENTICATED" });
    expect(transport.sent).toHaveLength(0);
  });

  it("accepts either secret of a rotation list", async () => {
    const { events } = recordingCatalog();
    const handler = createEventHandler(events, { auth: { secret: ["old", secret] } });
    expect((await handler(jsonRequest(CURL_BODY, sign(CURL_BODY, now(), "old")))).status).toBe(200);
    expect((await handler(jsonRequest(CURL_BODY, sign(CURL_BODY, now())))).status).toBe(200);
  });

  it("refuses a non-positive tolerance", () => {
    const { events } = recordingCatalog();
    expect(() => createEventHandler(events, { auth: { secret, toleranceSeconds: 0 } })).toThrow(/toleranceSeconds/);
  });
});
