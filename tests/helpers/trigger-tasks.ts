import { resourceCatalog } from "@trigger.dev/core/v3";
import { runInMockTaskContext } from "@trigger.dev/core/v3/test";
import { StandardResourceCatalog } from "@trigger.dev/core/v3/workers";
import { configure } from "@trigger.dev/sdk";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { type FakeTrigger, startFakeTrigger } from "./trigger-server.js";

/**
 * Installs the resource catalog a Trigger.dev worker uses, so tasks defined after this call
 * register their run and parse functions, as they do when the worker imports a task file.
 */
export function installTaskCatalog(file = "trigger/tasks.ts"): void {
  resourceCatalog.setGlobalResourceCatalog(new StandardResourceCatalog());
  resourceCatalog.setCurrentFileContext(file, file);
}

/**
 * Runs a registered task the way the worker's executor does: the payload through the task's
 * parse function, then its run function, inside a mock task context (so `taskContext.ctx` is set
 * and triggers from inside carry the parent run id). `tags` are the run's, as the platform puts them in `ctx.run.tags`.
 */
export async function runTask(id: string, payload: unknown, run: { id?: string; attempt?: number; tags?: string[] } = {}): Promise<unknown> {
  const task = resourceCatalog.getTask(id);
  if (!task) throw new Error(`Task ${id} is not registered: call installTaskCatalog() before defining it`);
  return runInMockTaskContext(
    async ({ ctx }) => {
      const parsed = task.fns.parsePayload ? await task.fns.parsePayload(payload) : payload;
      return task.fns.run(parsed, { ctx, signal: new AbortController().signal });
    },
    { ctx: { run: { id: run.id ?? "run_parent", createdAt: new Date("2026-01-02T03:04:05.000Z"), tags: run.tags ?? [] }, attempt: { number: run.attempt ?? 1 } } },
  );
}

/**
 * Starts a fake Trigger.dev for the file and points the SDK's global config at it (as a worker's
 * env does); after each test checks that every body passed Trigger.dev's schemas and forgets the
 * requests and runs (idempotency keys stay taken, as on the platform).
 */
export function useGlobalFakeTrigger(): { readonly server: FakeTrigger } {
  const handle = { server: undefined as unknown as FakeTrigger };
  beforeAll(async () => {
    handle.server = await startFakeTrigger();
    configure({ baseURL: handle.server.url, accessToken: "tr_dev_testkey123" });
  });
  afterEach(() => {
    expect(handle.server.invalid).toEqual([]);
    handle.server.runs.length = 0;
    handle.server.requests.length = 0;
  });
  afterAll(() => handle.server.close());
  return handle;
}
