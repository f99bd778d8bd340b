import { describe, expect, it } from "vitest";
import { errorOf, eventStatusOf, type JobRow, toRunRecord } from "../../../src/delivery/postgres/run-record.js";

// pg-boss job rows -> herald's run records and event statuses (the rows come from a real database
// in monitor.test.ts; here each state and each output shape pg-boss writes, one at a time)

const job = (over: Partial<JobRow>): JobRow => ({
  event_id: "e1",
  queue: "herald.mailer",
  state: "created",
  retry_count: 0,
  started_on: null,
  completed_on: null,
  waiting: false,
  output: null,
  archived: false,
  ...over,
});
const started = new Date("2026-01-01T00:00:00.000Z");
const finished = new Date("2026-01-01T00:00:01.500Z");

describe("toRunRecord", () => {
  it("maps each pg-boss state to a run status, attempts from retry_count once started", () => {
    expect(toRunRecord(job({}))).toBeUndefined();
    expect(toRunRecord(job({ state: "active", started_on: started }))).toEqual({
      id: "e1:mailer",
      subscriber: "mailer",
      status: "running",
      attempts: 1,
      startedAt: started.toISOString(),
    });
    expect(
      toRunRecord(job({ state: "retry", started_on: started, output: { name: "Error", message: "boom" } })),
    ).toMatchObject({ status: "retrying", attempts: 1, error: { message: "boom" } });
    const done = toRunRecord(
      job({
        state: "completed",
        retry_count: 2,
        started_on: started,
        completed_on: finished,
        output: { message: "old" },
      }),
    );
    expect(done).toMatchObject({
      status: "succeeded",
      attempts: 3,
      finishedAt: finished.toISOString(),
      durationMs: 1500,
    });
    expect(done!.error).toBeUndefined();
    expect(toRunRecord(job({ state: "failed", started_on: started, completed_on: finished }))).toMatchObject({
      status: "failed",
    });
    expect(toRunRecord(job({ state: "cancelled", completed_on: finished }))).toMatchObject({
      status: "cancelled",
      attempts: 0,
    });
    expect(toRunRecord(job({ state: "created", archived: true }))).toMatchObject({
      status: "cancelled",
      error: { message: expect.stringMatching(/archived the job before it ran/) },
    });
  });
});

describe("eventStatusOf", () => {
  it("settles an event as the embedded engine does", () => {
    expect(eventStatusOf([], false)).toBe("succeeded");
    expect(eventStatusOf([], true)).toBe("scheduled");
    expect(eventStatusOf([job({ waiting: true })], true)).toBe("scheduled");
    expect(eventStatusOf([job({})], false)).toBe("running");
    expect(eventStatusOf([job({ state: "completed" }), job({ state: "retry", started_on: started })], false)).toBe(
      "running",
    );
    expect(eventStatusOf([job({ state: "completed" }), job({ state: "failed" })], false)).toBe("failed");
    expect(eventStatusOf([job({ state: "completed" }), job({ state: "cancelled" })], false)).toBe("cancelled");
    expect(eventStatusOf([job({ state: "completed" }), job({ state: "created", archived: true })], false)).toBe(
      "cancelled",
    );
    expect(eventStatusOf([job({ state: "completed" })], false)).toBe("succeeded");
  });
});

describe("errorOf", () => {
  it("reads herald's output, pg-boss's { value } shapes, own properties only, cut to size", () => {
    expect(errorOf({ name: "TypeError", message: "bad", code: "E1" })).toEqual({
      name: "TypeError",
      message: "bad",
      code: "E1",
    });
    expect(errorOf({ value: { message: "job failed by timeout in active state" } })).toEqual({
      name: "Error",
      message: "job failed by timeout in active state",
    });
    expect(errorOf({ value: "pg-boss shut down while active" })).toEqual({
      name: "Error",
      message: "pg-boss shut down while active",
    });
    expect(errorOf(null)).toBeUndefined();
    expect(errorOf({ value: 42 })).toBeUndefined();
    const inherited = Object.create({ message: "from the prototype", name: "Evil" }) as object;
    expect(errorOf(inherited)).toBeUndefined();
    expect(errorOf({ message: "x".repeat(5000), name: "N".repeat(500) })).toMatchObject({
      message: "x".repeat(1000),
      name: "N".repeat(100),
    });
  });
});
