import { lifecycleHooks } from "@trigger.dev/core/v3";
import { describe, expect, it } from "vitest";
import { defineEvents, InvalidOptionsError } from "../../../src/index.js";
import { eventTask, triggerTransport, type WireEvent } from "../../../src/trigger.js";
import { contractSchemas, upcastCalls } from "../../fixtures/contract-schemas.js";
import { executeTask, installTaskCatalog, useGlobalFakeTrigger } from "../../helpers/trigger-tasks.js";

useGlobalFakeTrigger();
installTaskCatalog("trigger/hooks.ts");

// user.created has three versions: a v1 envelope reaches run and every hook upcast to v3
const events = defineEvents(contractSchemas, { transport: triggerTransport({ retry: { maxAttempts: 1 } }) });

interface Call {
  hook: string;
  payload?: unknown;
  version?: number | undefined;
  eventId?: string;
  runId?: string;
  extra?: unknown;
}
const calls: Call[] = [];
const behaviour: { fail?: Error; catchError?: { skipRetrying?: boolean; retryDelayInMs?: number }; wait?: boolean } =
  {};
const cancelled: Promise<void>[] = [];

const welcome = eventTask(events, "user.created", {
  id: "welcome-hooks",
  run: async (user, { event }) => {
    calls.push({ hook: "run", payload: user, version: event.version });
    if (behaviour.wait) {
      await lifecycleHooks.callOnWaitHookListeners({ type: "duration", date: new Date("2026-01-03T00:00:00.000Z") });
      await lifecycleHooks.callOnResumeHookListeners({ type: "duration", date: new Date("2026-01-03T00:00:00.000Z") });
      cancelled.push(lifecycleHooks.callOnCancelHookListeners()); // not awaited: onCancel waits for this run
    }
    if (behaviour.fail) throw behaviour.fail;
    return { plan: user.plan };
  },
  middleware: async (user, { next, event }) => {
    calls.push({ hook: "middleware:before", payload: user, version: event.version });
    await next();
    calls.push({ hook: "middleware:after" });
  },
  onStartAttempt: (user, { event, ctx, task }) => {
    calls.push({
      hook: "onStartAttempt",
      payload: user,
      version: event.version,
      eventId: event.id,
      runId: ctx.run.id,
      extra: task,
    });
  },
  onSuccess: (user, { output, event }) => {
    calls.push({ hook: "onSuccess", payload: user, version: event.version, extra: output });
  },
  onFailure: (user, { error }) => {
    calls.push({ hook: "onFailure", payload: user, extra: error });
  },
  onComplete: (user, { result }) => {
    calls.push({ hook: "onComplete", payload: user, extra: result });
  },
  catchError: (user, { error }) => {
    calls.push({ hook: "catchError", payload: user, extra: error });
    return behaviour.catchError;
  },
  cleanup: (user) => {
    calls.push({ hook: "cleanup", payload: user });
  },
  onWait: (user, { wait }) => {
    calls.push({ hook: "onWait", payload: user, extra: wait.type });
  },
  onResume: (user, { wait }) => {
    calls.push({ hook: "onResume", payload: user, extra: wait.type });
  },
  onCancel: async (user, { runPromise }) => {
    calls.push({ hook: "onCancel", payload: user, extra: await runPromise });
  },
});
eventTask(events, "invoice.paid", { id: "no-hooks", run: async () => undefined });

const ada = { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", plan: "free" };
const v1 = (payload: unknown, version: number | undefined = 1): WireEvent => ({
  "~herald": 1,
  id: "evt-1",
  name: "user.created",
  payload,
  timestamp: "2026-01-01T00:00:00.000Z",
  correlationId: "evt-0",
  ...(version === undefined ? {} : { version }),
});
const adaV1 = { fullName: "Ada Lovelace", email: "ada@example.com" };

async function attempt(payload: unknown, set: typeof behaviour = {}) {
  calls.length = 0;
  upcastCalls.length = 0;
  Object.assign(behaviour, { fail: undefined, catchError: undefined, wait: undefined }, set);
  return executeTask("welcome-hooks", payload, { id: "run_hooks" });
}
const hooksCalled = () => calls.map((call) => call.hook);

describe("eventTask lifecycle hooks", () => {
  it("registers each hook it was given with Trigger.dev's lifecycle hooks, and none for a task without", () => {
    const registered = (id: string) => [
      lifecycleHooks.getTaskStartAttemptHook(id),
      lifecycleHooks.getTaskSuccessHook(id),
      lifecycleHooks.getTaskFailureHook(id),
      lifecycleHooks.getTaskCompleteHook(id),
      lifecycleHooks.getTaskCatchErrorHook(id),
      lifecycleHooks.getTaskMiddlewareHook(id),
      lifecycleHooks.getTaskWaitHook(id),
      lifecycleHooks.getTaskResumeHook(id),
      lifecycleHooks.getTaskCancelHook(id),
      lifecycleHooks.getTaskCleanupHook(id),
    ];
    expect(registered(welcome.id).map((hook) => typeof hook)).toEqual(Array(10).fill("function"));
    expect(registered("no-hooks")).toEqual(Array(10).fill(undefined));
    expect(lifecycleHooks.getTaskStartHook(welcome.id)).toBeUndefined();
  });

  it("runs the hooks in Trigger.dev's order, each with the event's data upcast once per attempt, the envelope and the run's output", async () => {
    const result = await attempt(v1(adaV1));
    expect(result).toMatchObject({ ok: true, id: "run_hooks" });
    expect(hooksCalled()).toEqual([
      "middleware:before",
      "onStartAttempt",
      "run",
      "onSuccess",
      "onComplete",
      "cleanup",
      "middleware:after",
    ]);
    for (const call of calls.filter((call) => call.payload !== undefined)) expect(call.payload).toEqual(ada);
    expect(calls.filter((call) => call.version !== undefined).map((call) => call.version)).toEqual([3, 3, 3, 3]);
    expect(calls[1]).toMatchObject({ eventId: "evt-1", runId: "run_hooks", extra: "welcome-hooks" });
    expect(calls[3]!.extra).toEqual({ plan: "free" });
    expect(calls[4]!.extra).toEqual({ ok: true, data: { plan: "free" } });
    // run and six hooks, one upcast
    expect(upcastCalls).toEqual(["1->2", "2->3"]);
  });

  it("on a failed attempt passes the error to catchError, onFailure and onComplete, and catchError's answer back to Trigger.dev", async () => {
    const error = new Error("mailer down");
    const result = await attempt(v1(adaV1), { fail: error, catchError: { skipRetrying: true } });
    expect(result).toMatchObject({ ok: false, skippedRetrying: true, error: { message: "mailer down" } });
    expect(hooksCalled()).toEqual([
      "middleware:before",
      "onStartAttempt",
      "run",
      "catchError",
      "onFailure",
      "onComplete",
      "cleanup",
      "middleware:after",
    ]);
    expect(calls.find((call) => call.hook === "catchError")).toEqual({
      hook: "catchError",
      payload: ada,
      extra: error,
    });
    expect(calls.find((call) => call.hook === "onFailure")).toEqual({ hook: "onFailure", payload: ada, extra: error });
    expect(calls.find((call) => call.hook === "onComplete")!.extra).toEqual({ ok: false, error });
  });

  it("a retry decided by catchError reaches Trigger.dev, and onFailure waits for the last attempt", async () => {
    const result = await attempt(v1(adaV1), { fail: new Error("busy"), catchError: { retryDelayInMs: 5_000 } });
    expect(result).toMatchObject({ ok: false, skippedRetrying: false, retry: { delay: 5_000 } });
    expect(hooksCalled()).toEqual([
      "middleware:before",
      "onStartAttempt",
      "run",
      "catchError",
      "cleanup",
      "middleware:after",
    ]);
  });

  it("calls onWait, onResume and onCancel with the event's data when the runtime reports a wait and a cancel", async () => {
    const result = await attempt({ ...ada, plan: "pro" }, { wait: true });
    expect(result.ok).toBe(true);
    await Promise.all(cancelled.splice(0));
    const pro = { ...ada, plan: "pro" };
    expect(
      calls.filter(
        (call) =>
          call.hook.startsWith("on") &&
          call.hook !== "onStartAttempt" &&
          call.hook !== "onSuccess" &&
          call.hook !== "onComplete",
      ),
    ).toEqual([
      { hook: "onWait", payload: pro, extra: "duration" },
      { hook: "onResume", payload: pro, extra: "duration" },
      { hook: "onCancel", payload: pro, extra: { plan: "pro" } },
    ]);
  });

  it.each([
    [
      "a version newer than the worker's catalog",
      v1(adaV1, 9),
      /user\.created: no schema version 9; it has versions 1 to 3/,
    ],
    [
      "an upcast that fails the next version's schema",
      v1({ fullName: "Ada", email: "not-an-email" }),
      /user\.created: email/,
    ],
  ])(
    "skips every hook for %s; middleware lets the run go on, and the run fails with herald's typed error",
    async (_, payload, message) => {
      const result = await attempt(payload, { catchError: { skipRetrying: true } });
      expect(result.ok).toBe(false);
      // not TASK_MIDDLEWARE_ERROR: the skipped middleware still called next()
      expect(result).toMatchObject({ error: { type: "BUILT_IN_ERROR", message: expect.stringMatching(message) } });
      expect(calls).toEqual([]);
    },
  );

  it("never calls a hook for a dashboard payload that fails the schema: Trigger.dev fails the run first", async () => {
    const result = await attempt(adaV1);
    expect(result).toMatchObject({
      ok: false,
      error: { type: "INTERNAL_ERROR", code: "TASK_INPUT_ERROR" },
      skippedRetrying: true,
    });
    expect(calls).toEqual([]);
  });

  it("a registered hook called with something that is not herald's payload skips the user's hook instead of crashing", async () => {
    calls.length = 0;
    const params = {
      ctx: { run: { id: "run_x", createdAt: new Date() } },
      task: welcome.id,
      signal: new AbortController().signal,
    };
    await expect(
      lifecycleHooks.getTaskSuccessHook(welcome.id)!({ ...params, payload: "garbage", output: 1 } as never),
    ).resolves.toBeUndefined();
    await expect(
      lifecycleHooks.getTaskFailureHook(welcome.id)!({
        ...params,
        payload: { ...ada },
        error: new Error("x"),
      } as never),
    ).resolves.toBeUndefined();
    let nextCalls = 0;
    await lifecycleHooks.getTaskMiddlewareHook(welcome.id)!({
      ...params,
      payload: null,
      next: async () => void nextCalls++,
    } as never);
    expect(nextCalls).toBe(1);
    expect(calls).toEqual([]);
  });

  it.each(["onStart", "handleError", "init"])(
    "refuses Trigger.dev's deprecated %s, which would see the wire payload",
    (hook) => {
      expect(() =>
        eventTask(events, "invoice.sent", {
          id: `with-${hook}`,
          run: async () => undefined,
          [hook]: () => undefined,
        } as never),
      ).toThrow(InvalidOptionsError);
    },
  );
});
