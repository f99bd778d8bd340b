import type { Context } from "@trigger.dev/sdk";
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { defineEvents } from "../../../src/index.js";
import { eventTask } from "../../../src/trigger.js";
import { contractSchemas } from "../../fixtures/contract-schemas.js";

const events = defineEvents({
  ...contractSchemas,
  "file.scanned": z.object({ fileId: z.string(), size: z.string().transform(Number) }),
});
// the schema's output: size arrives as text and reaches run and hooks as a number
type Scanned = { fileId: string; size: number };

describe("eventTask hook types", () => {
  it("hands every hook the event's output type, the envelope, Trigger.dev's ctx and its own fields", () => {
    eventTask(events, "file.scanned", {
      id: "scan",
      run: async (file) => ({ bytes: file.size }),
      onStartAttempt: (file, { event, ctx, task, signal }) => {
        expectTypeOf(file).toEqualTypeOf<Scanned>();
        expectTypeOf(event.name).toEqualTypeOf<"file.scanned">();
        expectTypeOf(event.payload).toEqualTypeOf<Scanned>();
        expectTypeOf(ctx).toEqualTypeOf<Context>();
        expectTypeOf(task).toBeString();
        expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
      },
      onSuccess: (file, { output }) => {
        expectTypeOf(file).toEqualTypeOf<Scanned>();
        expectTypeOf(output).toEqualTypeOf<{ bytes: number }>();
      },
      onFailure: (file, { error }) => {
        expectTypeOf(file).toEqualTypeOf<Scanned>();
        expectTypeOf(error).toBeUnknown();
      },
      onComplete: (file, { result }) => {
        expectTypeOf(file).toEqualTypeOf<Scanned>();
        if (result.ok) expectTypeOf(result.data).toEqualTypeOf<{ bytes: number }>();
        else expectTypeOf(result.error).toBeUnknown();
      },
      catchError: (file, { error, retryDelayInMs }) => {
        expectTypeOf(file).toEqualTypeOf<Scanned>();
        expectTypeOf(retryDelayInMs).toEqualTypeOf<number | undefined>();
        return error instanceof TypeError ? { skipRetrying: true } : { retryDelayInMs: 1_000 };
      },
      middleware: async (file, { next }) => {
        expectTypeOf(file).toEqualTypeOf<Scanned>();
        await next();
      },
      onWait: (file, { wait }) => {
        expectTypeOf(file).toEqualTypeOf<Scanned>();
        expectTypeOf(wait.type).toEqualTypeOf<"duration" | "token" | "task" | "batch">();
      },
      onResume: (file) => {
        expectTypeOf(file).toEqualTypeOf<Scanned>();
      },
      onCancel: async (file, { runPromise }) => {
        expectTypeOf(file).toEqualTypeOf<Scanned>();
        expectTypeOf(await runPromise).toEqualTypeOf<{ bytes: number }>();
      },
      cleanup: (file) => {
        expectTypeOf(file).toEqualTypeOf<Scanned>();
      },
    });
  });

  it("types the payload of a hook written before run (output needs run first: TypeScript infers in property order)", () => {
    eventTask(events, "file.scanned", {
      id: "hooks-first",
      onStartAttempt: (file) => {
        expectTypeOf(file).toEqualTypeOf<Scanned>();
      },
      run: async (file) => file.fileId,
      onSuccess: (file, { output }) => {
        expectTypeOf(file).toEqualTypeOf<Scanned>();
        expectTypeOf(output).toEqualTypeOf<string>();
      },
    });
  });

  it("types a versioned event's hooks with its newest version", () => {
    eventTask(events, "user.created", {
      id: "welcome",
      run: async () => undefined,
      onFailure: (user) => {
        expectTypeOf(user).toEqualTypeOf<{ firstName: string; lastName: string; email: string; plan: "free" | "pro" }>();
      },
    });
  });

  it("refuses a hook written for another type, a wrong retry answer and Trigger.dev's deprecated hooks", () => {
    eventTask(events, "file.scanned", {
      id: "wrong-payload",
      run: async () => undefined,
      // @ts-expect-error the hook gets the schema's output: size is a number, not the input's string
      onSuccess: (_file: { fileId: string; size: string }) => undefined,
    });
    eventTask(events, "file.scanned", {
      id: "wrong-output",
      run: async () => 1,
      // @ts-expect-error output is run's number
      onSuccess: (_file, { output }: { output: string }) => undefined,
    });
    eventTask(events, "file.scanned", {
      id: "wrong-retry",
      run: async () => undefined,
      // @ts-expect-error retryDelayInMs is a number of milliseconds
      catchError: () => ({ retryDelayInMs: "soon" }),
    });
    eventTask(events, "file.scanned", {
      id: "deprecated",
      run: async () => undefined,
      // @ts-expect-error onStart is not offered: onStartAttempt replaces it
      onStart: () => undefined,
    });
  });
});
