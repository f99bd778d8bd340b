import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import {
  BatchItemNDJSON,
  CreateBatchRequestBody,
  CreateBatchResponse,
  StreamBatchItemsResponse,
  TriggerTaskRequestBody,
  TriggerTaskResponse,
} from "@trigger.dev/core/v3/schemas";
import { createFaults, type Fault, type FaultOptions, type Faults } from "./trigger-faults.js";

/** A run the fake accepted: one per idempotency key, as Trigger.dev keeps them. */
export interface FakeRun {
  readonly id: string;
  readonly taskId: string;
  /** The superjson payload's `json` part (or the uploaded packet's, for `application/store`). */
  readonly payload: any;
  readonly options: Record<string, any>;
  readonly via: "trigger" | "batch";
  readonly batchId?: string;
}

/** One HTTP request as it arrived. */
export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
  /** `Date.now()` when the request had arrived whole. */
  readonly receivedAt: number;
}

/** A canned reply for the next matching request, instead of the normal one. */
export interface CannedReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

/** The fake Trigger.dev API on 127.0.0.1. */
export interface FakeTrigger {
  readonly url: string;
  readonly runs: FakeRun[];
  readonly requests: FakeRequest[];
  /** Bodies that failed Trigger.dev's own schemas: a test asserts this stays empty. */
  readonly invalid: string[];
  /** Uploaded packets by storage path. */
  readonly packets: Map<string, string>;
  /** Replies to the next requests whose path matches, in order. */
  replyNext(pathPattern: RegExp, ...replies: CannedReply[]): void;
  /**
   * Holds the reply to the next request whose path matches for `ms` (Infinity: until close). With
   * `process`, the request is handled first (its run is created), as when a reply is lost.
   */
  stallNext(pathPattern: RegExp, ms: number, options?: { process?: boolean }): void;
  /** The fault plan: `faults.setRate(0)` turns faults off. */
  readonly faults: Faults;
  /** Requests for a run whose idempotency key (or batch item index) was already taken: what dedupe saved. */
  dedupedItems(): number;
  /** Runs grouped by idempotency key. */
  runsByKey(): Map<string, FakeRun[]>;
  close(): Promise<void>;
}

/**
 * Starts a server that plays Trigger.dev's API for the SDK: single triggers, two-phase batches,
 * payload uploads. Every body is checked with the schemas from `@trigger.dev/core/v3/schemas`;
 * runs are deduplicated by idempotency key and batch items by index, as Trigger.dev does.
 * `faults` fails a share of requests (see trigger-faults.ts).
 */
export async function startFakeTrigger(options: { faults?: FaultOptions } = {}): Promise<FakeTrigger> {
  const runs: FakeRun[] = [];
  const requests: FakeRequest[] = [];
  const invalid: string[] = [];
  const packets = new Map<string, string>();
  const byKey = new Map<string, FakeRun>();
  const batches = new Map<string, { runCount: number; received: Set<number> }>();
  const canned: { pattern: RegExp; reply: CannedReply }[] = [];
  const stalls: { pattern: RegExp; ms: number; process: boolean }[] = [];
  const faults = createFaults(options.faults);
  const sockets = new Set<Socket>();
  let nextId = 0;
  let deduped = 0;
  let url = "";

  const accept = (
    taskId: string,
    payload: any,
    runOptions: Record<string, any>,
    via: FakeRun["via"],
    batchId?: string,
  ): { id: string; cached: boolean } => {
    const key = runOptions.idempotencyKey as string | undefined;
    const existing = key === undefined ? undefined : byKey.get(key);
    if (existing) {
      deduped++;
      return { id: existing.id, cached: true };
    }
    const run: FakeRun = {
      id: `run_${++nextId}`,
      taskId,
      payload,
      options: runOptions,
      via,
      ...(batchId ? { batchId } : {}),
    };
    runs.push(run);
    if (key !== undefined) byKey.set(key, run);
    return { id: run.id, cached: false };
  };

  const decode = (data: unknown, type: unknown): any => {
    if (type === "application/store") return JSON.parse(packets.get(String(data)) ?? "null")?.json;
    return typeof data === "string" ? JSON.parse(data).json : data;
  };

  const check = <T>(
    schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: unknown } },
    value: unknown,
    what: string,
  ): T | undefined => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    invalid.push(`${what}: ${String(parsed.error)}`);
    return undefined;
  };

  function route(
    request: FakeRequest,
    fault: Fault,
  ): { status: number; body: unknown; headers?: Record<string, string> } {
    const { method, path, body } = request;
    let match: RegExpMatchArray | null;
    if (method === "POST" && (match = path.match(/^\/api\/v1\/tasks\/([^/]+)\/trigger$/))) {
      const parsed = check(TriggerTaskRequestBody, JSON.parse(body), "TriggerTaskRequestBody");
      if (!parsed) return { status: 400, body: { error: "Invalid request body" } };
      const taskId = decodeURIComponent(match[1]!);
      const result = accept(
        taskId,
        decode(parsed.payload, parsed.options?.payloadType),
        parsed.options ?? {},
        "trigger",
      );
      const reply = { id: result.id, isCached: result.cached };
      check(TriggerTaskResponse, reply, "TriggerTaskResponse");
      return { status: 200, body: reply, headers: { "x-trigger-jwt": "fake.jwt.token" } };
    }
    if (method === "POST" && path === "/api/v3/batches") {
      const parsed = check(CreateBatchRequestBody, JSON.parse(body), "CreateBatchRequestBody");
      if (!parsed) return { status: 400, body: { error: "Invalid request body" } };
      const id = `batch_${++nextId}`;
      batches.set(id, { runCount: parsed.runCount, received: new Set() });
      const reply = { id, runCount: parsed.runCount, isCached: false };
      check(CreateBatchResponse, reply, "CreateBatchResponse");
      return { status: 200, body: reply, headers: { "x-trigger-jwt": "fake.jwt.token" } };
    }
    if (method === "POST" && (match = path.match(/^\/api\/v3\/batches\/([^/]+)\/items$/))) {
      const batch = batches.get(match[1]!);
      if (!batch) return { status: 404, body: { error: "Batch not found" } };
      let accepted = 0;
      let deduplicated = 0;
      const lines = body.split("\n").filter((line) => line.trim() !== "");
      for (const line of lines.slice(0, faults.itemsToKeep(lines.length, fault))) {
        const item = check(BatchItemNDJSON, JSON.parse(line), "BatchItemNDJSON");
        if (!item) return { status: 400, body: { error: "Invalid item" } };
        if (batch.received.has(item.index)) {
          deduplicated++;
          deduped++;
          continue;
        }
        batch.received.add(item.index);
        const result = accept(
          item.task,
          decode(item.payload, item.options?.payloadType),
          item.options ?? {},
          "batch",
          match[1]!,
        );
        if (result.cached) deduplicated++;
        else accepted++;
      }
      const sealed = batch.received.size === batch.runCount;
      const reply = {
        id: match[1]!,
        itemsAccepted: accepted,
        itemsDeduplicated: deduplicated,
        sealed,
        ...(sealed ? {} : { enqueuedCount: batch.received.size, expectedCount: batch.runCount }),
      };
      check(StreamBatchItemsResponse, reply, "StreamBatchItemsResponse");
      return { status: 200, body: reply };
    }
    if (method === "PUT" && (match = path.match(/^\/api\/v2\/packets\/(.+)$/))) {
      const storagePath = decodeURIComponent(match[1]!);
      return { status: 200, body: { presignedUrl: `${url}/upload/${encodeURIComponent(storagePath)}`, storagePath } };
    }
    if (method === "PUT" && (match = path.match(/^\/upload\/(.+)$/))) {
      packets.set(decodeURIComponent(match[1]!), body);
      return { status: 200, body: {} };
    }
    return { status: 404, body: { error: `No route for ${method} ${path}` } };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: FakeRequest = {
      method: req.method ?? "GET",
      path: (req.url ?? "/").split("?")[0]!,
      headers: req.headers,
      body: Buffer.concat(chunks).toString("utf8"),
      receivedAt: Date.now(),
    };
    requests.push(request);
    const stallIndex = stalls.findIndex((entry) => entry.pattern.test(request.path));
    if (stallIndex !== -1) {
      const stall = stalls.splice(stallIndex, 1)[0]!;
      const reply = stall.process ? route(request, "none") : undefined;
      await new Promise((resolve) => Number.isFinite(stall.ms) && setTimeout(resolve, stall.ms));
      return reply && send(res, reply);
    }
    const cannedIndex = canned.findIndex((entry) => entry.pattern.test(request.path));
    if (cannedIndex !== -1) {
      return send(res, canned.splice(cannedIndex, 1)[0]!.reply);
    }
    const fault: Fault = request.path.startsWith("/upload/") ? "none" : faults.next();
    if (fault === "slow") await new Promise((resolve) => setTimeout(resolve, faults.slowMs()));
    if (fault === "error") return send(res, { status: 500, body: { error: "Internal server error" } });
    if (fault === "drop-before") return void req.socket.destroy();
    const reply = route(request, fault);
    if (fault === "drop-after") return void req.socket.destroy();
    send(res, reply);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => send(res, { status: 500, body: { error: String(error) } }));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    runs,
    requests,
    invalid,
    packets,
    faults,
    dedupedItems: () => deduped,
    stallNext: (pattern, ms, stallOptions) =>
      void stalls.push({ pattern, ms, process: stallOptions?.process === true }),
    replyNext: (pattern, ...replies) => canned.push(...replies.map((reply) => ({ pattern, reply }))),
    runsByKey() {
      const map = new Map<string, FakeRun[]>();
      for (const run of runs)
        map.set(run.options.idempotencyKey, [...(map.get(run.options.idempotencyKey) ?? []), run]);
      return map;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, reply: CannedReply): void {
  if (res.destroyed) return;
  res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
  res.end(JSON.stringify(reply.body));
}
