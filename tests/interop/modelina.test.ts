/**
 * AsyncAPI output through a real code generator, @asyncapi/modelina: one TypeScript model per
 * event version, each with its own shape (issue 11, finding 3: an older version used to carry the
 * newest's title, so Modelina emitted one model, with the old shape, under the event's name).
 */
import { TypeScriptGenerator } from "@asyncapi/modelina";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineEvent, defineEvents } from "../../src/index.js";

const userV1 = z.object({ fullName: z.string(), email: z.email() });
const userV2 = z.object({ displayName: z.string(), email: z.email(), plan: z.enum(["free", "pro"]).default("free") });
const userV3 = z.object({
  displayName: z.string(),
  email: z.email(),
  plan: z.enum(["free", "pro"]),
  orgId: z.string(),
});
const events = defineEvents({
  "user.created": defineEvent({
    versions: [userV1, userV2, userV3],
    upcast: [(user) => ({ displayName: user.fullName, email: user.email }), (user) => ({ ...user, orgId: "none" })],
  }),
  "invoice.paid": z.object({ invoiceId: z.string(), amount: z.number() }),
  "cache.flushed": z.undefined(),
});

/** Each generated interface's name -> its property names (Modelina's own `additionalProperties` left out). */
async function generatedModels(): Promise<Record<string, string[]>> {
  const document = await events.toAsyncAPI({ title: "accounts", version: "1.0.0" });
  const models = await new TypeScriptGenerator({ modelType: "interface" }).generate(document as never);
  const shapes: Record<string, string[]> = {};
  for (const model of models) {
    if (!model.result.startsWith("interface ")) continue; // enums and the like
    shapes[model.modelName] = [...model.result.matchAll(/^\s+(\w+)\??:/gm)]
      .map((match) => match[1]!)
      .filter((property) => property !== "additionalProperties")
      .sort();
  }
  return shapes;
}

describe("toAsyncAPI through @asyncapi/modelina's TypeScript generator", () => {
  it("emits one model per event version, each with that version's properties, and none for an event without payload", async () => {
    const shapes = await generatedModels();
    expect(shapes).toEqual({
      UserDotCreated: ["displayName", "email", "orgId", "plan"],
      UserDotCreatedMinusV2: ["displayName", "email", "plan"],
      UserDotCreatedMinusV1: ["email", "fullName"],
      InvoiceDotPaid: ["amount", "invoiceId"],
    });
  }, 60_000);
});
