import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const DIR = fileURLToPath(new URL("../../../src/edges/http/", import.meta.url));
// the one file that converts node:http in and out; everything else must run on any Web runtime
const ADAPTERS = new Set(["node.ts"]);

describe("the HTTP edge is Web-standard", () => {
  const files = readdirSync(DIR).filter((file) => file.endsWith(".ts") && !ADAPTERS.has(file));

  it.each(files)("%s imports no Node module and touches no Node global", (file) => {
    // comments may show usage (`process.env.TOKEN` in an @example); only code counts
    const source = readFileSync(`${DIR}${file}`, "utf8")
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/^\s*\/\/.*$/gm, "");
    const imports = [...source.matchAll(/from\s+"([^"]+)"/g)].map((match) => match[1]!);
    expect(imports.filter((specifier) => !specifier.startsWith("."))).toEqual([]);
    expect(source).not.toMatch(/\b(process|Buffer|require)\b[.(]/);
  });

  it("covers the handler", () => {
    expect(files).toContain("handler.ts");
    expect(files).toContain("auth.ts");
  });
});
