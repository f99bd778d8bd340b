import * as v from "valibot";
import { z } from "zod";
import { afterEach, describe, expect, it } from "vitest";
import { createEmbeddedEngine, defineEvents, type Transport } from "../../../../src/index.js";
import { createManualClock } from "../../../../src/testing.js";
import { type DevServer, startDevServer } from "../../../../src/edges/cli/dev-server.js";
import { createDashboardCatalog } from "../../../fixtures/dashboard-catalog.js";
import { openStream, rawRequest } from "./http.js";

const servers: DevServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(
  catalog = createDashboardCatalog(),
): Promise<{ base: string; catalog: typeof catalog; lines: string[] }> {
  const lines: string[] = [];
  const server = await startDevServer({ catalog, port: 0, log: (line) => lines.push(line), colour: false });
  servers.push(server);
  return { base: server.dashboardUrl.slice(0, -1), catalog, lines };
}

async function getJson(url: string): Promise<any> {
  const response = await fetch(url);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  return { ...((await response.json()) as object), http: response.status };
}

describe("the dashboard's JSON endpoints, over loopback HTTP", () => {
  it("GET /api/catalog lists every event with the JSON Schema a sender writes (zod), or null where none converts", async () => {
    const mixed = defineEvents({
      "a.zod": z.object({ n: z.number().int().default(1) }),
      "a.valibot": v.object({ s: v.string() }),
    });
    const { base } = await serve(mixed as never);
    const body = await getJson(`${base}/api/catalog`);
    expect(body).toMatchObject({ http: 200, transport: "embedded", history: true });
    expect(body.events.map((entry: { name: string }) => entry.name)).toEqual(["a.zod", "a.valibot"]);
    // input side: a field with a default is optional for the sender
    expect(body.events[0].schema).toMatchObject({ type: "object", properties: { n: { type: "integer", default: 1 } } });
    expect(body.events[0].schema.required ?? []).not.toContain("n");
    expect(body.events[1].schema).toBeNull();
  });

  it("GET /api/events pages through history newest first by cursor, filters by name and status, and refuses a bad status", async () => {
    const { base, catalog } = await serve();
    for (let i = 0; i < 60; i++)
      await catalog.sendEvent("user.signed_up", { email: `u${i}@example.com` }, { id: `u-${i}` });
    for (let i = 0; i < 5; i++)
      await catalog.sendEvent("payment.failed", { paymentId: `p${i}`, reason: "expired" }, { id: `p-${i}` });
    await catalog.drain();

    const seen: string[] = [];
    let before: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const page: any = await getJson(
        `${base}/api/events?limit=25${before ? `&before=${encodeURIComponent(before)}` : ""}`,
      );
      expect(page.total).toBe(65);
      seen.push(...page.events.map((event: { id: string }) => event.id));
      before = page.nextBefore;
      if (before === null) break;
    }
    expect(seen).toEqual([
      ...Array.from({ length: 5 }, (_, i) => `p-${4 - i}`),
      ...Array.from({ length: 60 }, (_, i) => `u-${59 - i}`),
    ]);

    const failed = await getJson(`${base}/api/events?status=failed`);
    expect(failed.total).toBe(5);
    expect(failed.events[0]).toMatchObject({
      id: "p-4",
      name: "payment.failed",
      status: "failed",
      runs: { total: 1, failed: 1, succeeded: 0, active: 0 },
    });
    const named = await getJson(`${base}/api/events?name=user.signed_up&status=succeeded&limit=2`);
    expect(named).toMatchObject({ total: 60, nextBefore: "u-58" });
    expect((await getJson(`${base}/api/events?status=exploded`)).http).toBe(400);
    expect((await getJson(`${base}/api/events?limit=ten`)).http).toBe(400);
  });

  it("stays bounded with thousands of events: history keeps its limit and every page is at most 500 rows", async () => {
    const { base, catalog } = await serve(createDashboardCatalog(createEmbeddedEngine({ historyLimit: 2_000 })));
    for (let i = 0; i < 3_000; i++)
      await catalog.sendEvent("user.signed_up", { email: `u${i}@example.com` }, { id: `s-${i}` });
    await catalog.drain();
    const first = await getJson(`${base}/api/events?limit=100000`);
    expect(first).toMatchObject({ total: 2_000, nextBefore: "s-2500" });
    expect(first.events).toHaveLength(500);
    const pages: string[] = [];
    for (let before: string | null = null, n = 0; n < 10; n++) {
      const page: any = await getJson(`${base}/api/events?limit=500${before ? `&before=${before}` : ""}`);
      pages.push(page.events.at(-1).id);
      before = page.nextBefore;
      if (before === null) break;
    }
    // the oldest 1,000 were dropped: the last page ends at s-1000
    expect(pages).toEqual(["s-2500", "s-2000", "s-1500", "s-1000"]);
    // a cursor history dropped is past the end, not an error
    expect(await getJson(`${base}/api/events?before=s-10`)).toMatchObject({
      events: [],
      nextBefore: null,
      total: 2_000,
    });
  });

  it("GET /api/events/:id shows the payload, one run per subscriber with its error, and the chain as a tree", async () => {
    const { base, catalog } = await serve();
    await catalog.sendEvent("order.placed", { orderId: "o1", total: 12.5, express: true }, { id: "o1" });
    await catalog.sendEvent("payment.failed", { paymentId: "p1", reason: "stolen" }, { id: "p1" });
    await catalog.drain();

    const parent = await getJson(`${base}/api/events/o1`);
    expect(parent.event).toMatchObject({
      id: "o1",
      name: "order.placed",
      payload: { orderId: "o1", total: 12.5, express: true },
      correlationId: "o1",
    });
    expect(parent.runs).toHaveLength(1);
    expect(parent.runs[0]).toMatchObject({ status: "succeeded", attempts: 1 });
    const childId = parent.chain[0].children[0].id as string;
    expect(parent.chain).toEqual([
      {
        id: "o1",
        name: "order.placed",
        status: "succeeded",
        timestamp: expect.any(String),
        children: [
          { id: childId, name: "order.shipped", status: "succeeded", timestamp: expect.any(String), children: [] },
        ],
      },
    ]);
    // the child's own view: same tree, and its lineage points at the parent
    const child = await getJson(`${base}/api/events/${encodeURIComponent(childId)}`);
    expect(child.event).toMatchObject({
      name: "order.shipped",
      causationId: "o1",
      correlationId: "o1",
      payload: { orderId: "o1", carrier: "dhl" },
    });
    expect(child.chain).toEqual(parent.chain);

    const failed = await getJson(`${base}/api/events/p1`);
    expect(failed).toMatchObject({ http: 200, status: "failed" });
    expect(failed.runs).toEqual([
      expect.objectContaining({
        subscriber: "chargeCard",
        status: "failed",
        attempts: 1,
        error: { name: "Error", message: "card declined: stolen" },
      }),
    ]);
    const missing = await getJson(`${base}/api/events/nope`);
    expect(missing).toMatchObject({ http: 404, code: "NOT_FOUND" });
  });

  it("GET /api/stats counts per name and per time bucket, by the engine's clock", async () => {
    const clock = createManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
    const { base, catalog } = await serve(createDashboardCatalog(createEmbeddedEngine({ clock })));
    await catalog.sendEvent("payment.failed", { paymentId: "p1", reason: "r" });
    await catalog.sendEvent("user.signed_up", { email: "a@example.com" });
    await catalog.drain();
    await clock.advance(60_000);
    await catalog.sendEvent("user.signed_up", { email: "b@example.com" });
    await catalog.sendEvent("user.signed_up", { email: "c@example.com" });
    await catalog.drain();

    const stats = await getJson(`${base}/api/stats?bucketMs=60000&buckets=3`);
    expect(stats).toMatchObject({
      events: 4,
      succeeded: 3,
      failed: 1,
      byName: { "user.signed_up": { events: 3, successRate: 1 }, "payment.failed": { successRate: 0 } },
    });
    expect(stats.timeline).toEqual({
      start: new Date(Date.UTC(2026, 0, 1, 11, 59, 0)).toISOString(), // aligned: the last bucket holds now (12:01)
      bucketMs: 60_000,
      buckets: 3,
      byName: {
        "user.signed_up": { succeeded: [0, 1, 2], failed: [0, 0, 0] },
        "payment.failed": { succeeded: [0, 0, 0], failed: [0, 1, 0] },
      },
    });
    // bounds: a bucket is at least 1 s, at most 240 of them
    const clamped = await getJson(`${base}/api/stats?bucketMs=1&buckets=100000`);
    expect(clamped.timeline).toMatchObject({ bucketMs: 1000, buckets: 240 });
  });

  it("POST /api/events/:id/replay sends the same name and payload as a new root event, linked by replayOf", async () => {
    const { base, catalog } = await serve();
    await catalog.sendEvent("order.placed", { orderId: "o9", total: 3 }, { id: "o9" });
    await catalog.drain();
    const childId = (await getJson(`${base}/api/events/o9`)).chain[0].children[0].id as string;

    const response = await fetch(`${base}/api/events/${encodeURIComponent(childId)}/replay`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(200);
    const sent = (await response.json()) as any;
    expect(sent).toMatchObject({
      success: true,
      message: "Event order.shipped sent",
      replayOf: childId,
      result: { name: "order.shipped", duplicate: false },
    });
    await catalog.drain();
    const replayed = await getJson(`${base}/api/events/${sent.result.id}`);
    // no lineage: a replay is not something the parent's handler did again
    expect(replayed.event).toMatchObject({
      name: "order.shipped",
      payload: { orderId: "o9", carrier: "ups" },
      correlationId: sent.result.id,
    });
    expect(replayed.event.causationId).toBeUndefined();
    expect(replayed.replayOf).toBe(childId);
    expect((await getJson(`${base}/api/events?limit=1`)).events[0]).toMatchObject({
      id: sent.result.id,
      replayOf: childId,
    });

    const url = `${base}/api/events/o9/replay`;
    expect((await fetch(url)).status).toBe(405);
    expect((await fetch(url, { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" })).status).toBe(
      415,
    );
    const foreign = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://evil.example" },
      body: "{}",
    });
    expect(foreign.status).toBe(401);
    expect(
      (
        await fetch(`${base}/api/events/gone/replay`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
        })
      ).status,
    ).toBe(404);
  });

  it("GET /api/stream pushes each event and its latest run as they change, payload-free", async () => {
    const { base, catalog } = await serve();
    const stream = await openStream(`${base}/api/stream`);
    try {
      await catalog.sendEvent("payment.failed", { paymentId: "secret-payload", reason: "x" }, { id: "live-1" });
      const messages = await stream.waitFor(
        (message) => message.event.id === "live-1" && message.event.status === "failed",
      );
      expect(messages.at(-1)).toEqual({
        event: expect.objectContaining({
          id: "live-1",
          name: "payment.failed",
          status: "failed",
          runs: { total: 1, succeeded: 0, failed: 1, active: 0 },
        }),
        run: expect.objectContaining({
          subscriber: "chargeCard",
          status: "failed",
          attempts: 1,
          error: { name: "Error", message: "card declined: x" },
        }),
      });
      expect(JSON.stringify(messages)).not.toContain("secret-payload");
    } finally {
      stream.close();
    }
  });

  it("serves the page with a strict CSP, loads nothing from elsewhere, and answers only loopback Host names", async () => {
    const { base } = await serve();
    const page = await fetch(`${base}/`);
    expect(page.headers.get("content-security-policy")).toMatch(/default-src 'none'; script-src 'self'/);
    const html = await page.text();
    const scripts = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(scripts).toContain("/assets/app.js");
    const modules = [
      ...new Set([
        ...scripts.filter((src) => src.startsWith("/")),
        "/assets/chart.js",
        "/assets/detail.js",
        "/assets/dom.js",
        "/assets/list.js",
        "/assets/send-form.js",
        "/assets/refused.js",
      ]),
    ];
    for (const path of modules) {
      const asset = await fetch(`${base}${path}`);
      expect(asset.status, path).toBe(200);
      const text = await asset.text();
      // no URL to anywhere but the SVG namespace; no HTML parsing of data
      expect(
        text.match(/https?:\/\/[^\s"'`)]+/g)?.filter((url) => url !== "http://www.w3.org/2000/svg") ?? [],
        path,
      ).toEqual([]);
      expect(text, path).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    }
    for (const path of ["/", "/api/events", "/api/stream"]) {
      const rebound = await rawRequest(`${base}${path}`, { headers: { host: "attacker.example:80" } });
      expect(rebound.status, path).toBe(403);
      expect(JSON.parse(rebound.body), path).toMatchObject({ code: "HOST_NOT_ALLOWED" });
    }
    expect((await rawRequest(`${base}/api/catalog`, { headers: { host: "localhost" } })).status).toBe(200);
    expect((await fetch(`${base}/assets/nothing.js`)).status).toBe(404);
    expect((await fetch(`${base}/api/nothing`)).status).toBe(404);
  });

  it("says there is no history when the catalog sends elsewhere", async () => {
    const elsewhere: Transport = {
      name: "remote",
      deliver: async (envelopes) =>
        envelopes.map((e) => ({ id: e.id, name: e.name, timestamp: e.timestamp, duplicate: false })),
    };
    const { base } = await serve(defineEvents({ "a.b": z.object({}) }, { transport: elsewhere }) as never);
    expect(await getJson(`${base}/api/catalog`)).toMatchObject({ transport: "remote", history: false });
    expect(await getJson(`${base}/api/events`)).toMatchObject({
      http: 404,
      code: "NOT_FOUND",
      message: expect.stringMatching(/remote transport/),
    });
  });
});
