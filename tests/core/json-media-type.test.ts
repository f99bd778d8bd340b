import { describe, expect, it } from "vitest";
import { isJsonMediaType } from "../../src/core/json-media-type.js";

describe("isJsonMediaType: the one answer to 'is this JSON?', for request bodies and datacontenttype alike", () => {
  it.each([
    ["application/json", true],
    ["application/json;charset=UTF-8", true],
    ["Application/JSON; charset=utf-8", true],
    ["application/cloudevents+json", true],
    ["application/cloudevents-batch+json", true],
    // before: a CloudEvent's datacontenttype took text/json while a request's Content-Type did not
    ["text/json", true],
    [" text/json ; charset=utf-8", true],
    ["application/jsonx", false],
    ["text/plain", false],
    ["application/xml", false],
    ["multipart/form-data", false],
    ["", false],
    [null, false],
    [undefined, false],
  ])("%s -> %s", (type, expected) => expect(isJsonMediaType(type)).toBe(expected));
});
