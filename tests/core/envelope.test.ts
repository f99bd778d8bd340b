import { describe, expect, it } from "vitest";
import { createEnvelope } from "../../src/core/envelope.js";

const now = Date.UTC(2026, 2, 3, 4, 5, 6, 7);

describe("createEnvelope", () => {
  it("builds a root envelope whose correlation id is its own id", () => {
    const root = createEnvelope({ name: "user.created", payload: { a: 1 }, now });
    expect(root).toEqual({
      id: root.id,
      name: "user.created",
      payload: { a: 1 },
      timestamp: "2026-03-03T04:05:06.007Z",
      correlationId: root.id,
    });
    expect(root).not.toHaveProperty("causationId");
    expect(root).not.toHaveProperty("deliverAt");
  });

  it("gives every envelope a fresh id unless one is supplied", () => {
    const a = createEnvelope({ name: "a.b", payload: 1, now });
    const b = createEnvelope({ name: "a.b", payload: 1, now });
    expect(a.id).not.toBe(b.id);
    expect(createEnvelope({ name: "a.b", payload: 1, now, id: "mine" }).id).toBe("mine");
  });

  it("sets deliverAt as ISO 8601", () => {
    expect(createEnvelope({ name: "a.b", payload: 1, now, deliverAt: now + 60_000 }).deliverAt).toBe(
      "2026-03-03T04:06:06.007Z",
    );
  });

  it("keeps the root's correlation id down a chain and points causation at the parent", () => {
    const root = createEnvelope({ name: "a.one", payload: 1, now });
    const child = createEnvelope({
      name: "a.two",
      payload: 2,
      now,
      lineage: { correlationId: root.correlationId, causationId: root.id },
    });
    const grandchild = createEnvelope({
      name: "a.three",
      payload: 3,
      now,
      lineage: { correlationId: child.correlationId, causationId: child.id },
    });
    expect(child.correlationId).toBe(root.id);
    expect(child.causationId).toBe(root.id);
    expect(grandchild.correlationId).toBe(root.id);
    expect(grandchild.causationId).toBe(child.id);
    expect(new Set([root.id, child.id, grandchild.id]).size).toBe(3);
  });
});
