import {
  lifecycleHooks,
  resourceCatalog,
  type TaskRunExecution,
  type TaskRunExecutionResult,
} from "@trigger.dev/core/v3";
import { runInMockTaskContext } from "@trigger.dev/core/v3/test";
import { TriggerTracer } from "@trigger.dev/core/v3/tracer";
import {
  ConsoleInterceptor,
  StandardLifecycleHooksManager,
  StandardResourceCatalog,
  TaskExecutor,
} from "@trigger.dev/core/v3/workers";
import { configure } from "@trigger.dev/sdk";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { type FakeTrigger, startFakeTrigger } from "./trigger-server.js";

// the lifecycle hooks tasks register when they are defined, kept for executeTask as a worker keeps them
let hooks = new StandardLifecycleHooksManager();

/**
 * Installs the resource catalog and lifecycle hooks manager a Trigger.dev worker uses, so tasks
 * defined after this call register their run and parse functions and their hooks, as they do when
 * the worker imports a task file.
 */
export function installTaskCatalog(file = "trigger/tasks.ts"): void {
  resourceCatalog.setGlobalResourceCatalog(new StandardResourceCatalog());
  resourceCatalog.setCurrentFileContext(file, file);
  hooks = new StandardLifecycleHooksManager();
  installHooks();
}

// runInMockTaskContext installs an empty hooks manager and removes it when done: put back the one the tasks registered with
function installHooks(): void {
  lifecycleHooks.disable();
  lifecycleHooks.setGlobalLifecycleHooksManager(hooks);
}

/**
 * Runs a registered task through Trigger.dev's own executor, the one a worker runs an attempt
 * with: the payload as JSON through the parse function, then middleware, onStartAttempt, run,
 * catchError, onSuccess/onFailure, onComplete and cleanup, as the worker calls them. Returns the
 * attempt's result (`ok`, `output` as super-JSON, or `error` with `retry`/`skippedRetrying`).
 * `run.attempt` and `run.maxAttempts` are the platform's; no tracing, no console capture.
 */
export async function executeTask(
  id: string,
  payload: unknown,
  run: { id?: string; attempt?: number } = {},
): Promise<TaskRunExecutionResult> {
  const task = resourceCatalog.getTask(id);
  if (!task) throw new Error(`Task ${id} is not registered: call installTaskCatalog() before defining it`);
  return runInMockTaskContext(
    async ({ ctx }) => {
      installHooks();
      hooks.reset(); // the last attempt's wait, resume and cancel listeners go, as between a worker's runs
      const executor = new TaskExecutor(task, {
        tracingSDK: undefined as never, // stored, never read by execute()
        tracer: new TriggerTracer({ name: "herald-tests", version: "0" }), // the global no-op OpenTelemetry tracer
        consoleInterceptor: new ConsoleInterceptor(undefined as never, false, true), // interception off: the logger is never read
        retries: { enabledInDev: true },
      });
      const execution = {
        ...ctx,
        run: { ...ctx.run, payload: JSON.stringify(payload), payloadType: "application/json" },
      } as unknown as TaskRunExecution;
      return (await executor.execute(execution, ctx, new AbortController().signal)).result;
    },
    {
      ctx: {
        task: { id, filePath: "trigger/tasks.ts" },
        run: { id: run.id ?? "run_parent", createdAt: new Date("2026-01-02T03:04:05.000Z"), tags: [] },
        attempt: { number: run.attempt ?? 1 },
      },
    },
  ).finally(installHooks);
}

/**
 * Runs a registered task the way the worker's executor does: the payload through the task's
 * parse function, then its run function, inside a mock task context (so `taskContext.ctx` is set
 * and triggers from inside carry the parent run id). `tags` are the run's, as the platform puts them in `ctx.run.tags`.
 */
export async function runTask(
  id: string,
  payload: unknown,
  run: { id?: string; attempt?: number; tags?: string[] } = {},
): Promise<unknown> {
  const task = resourceCatalog.getTask(id);
  if (!task) throw new Error(`Task ${id} is not registered: call installTaskCatalog() before defining it`);
  return runInMockTaskContext(
    async ({ ctx }) => {
      installHooks();
      const parsed = task.fns.parsePayload ? await task.fns.parsePayload(payload) : payload;
      return task.fns.run(parsed, { ctx, signal: new AbortController().signal });
    },
    {
      ctx: {
        run: { id: run.id ?? "run_parent", createdAt: new Date("2026-01-02T03:04:05.000Z"), tags: run.tags ?? [] },
        attempt: { number: run.attempt ?? 1 },
      },
    },
  ).finally(installHooks);
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
