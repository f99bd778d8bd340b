/**
 * The documentation's shape: README.md stays a front door (at most 16 KiB), every relative link in
 * README.md and docs/*.md reaches a file and, with `#anchor`, a heading there, and so does every
 * `@see` in src/ TSDoc that names a page.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { anchors, docFiles, type Link, links, root } from "./markdown.js";

/**
 * Pages another branch writes: a link to one passes while it is absent, and is checked like any
 * other once it exists (the lead merges that branch, then removes the entry).
 */
const PENDING = new Set(["docs/security.md", "docs/performance-http.md"]);

/** What is wrong with a link, or undefined when it resolves. */
function broken(link: Link): string | undefined {
  const { target } = link;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto:: not checked offline
  const [path = "", anchor] = target.split("#", 2);
  const file = path === "" ? link.file : normalize(join(dirname(link.file), decodeURIComponent(path)));
  if (relative(root, join(root, file)).startsWith("..")) return `${target} leaves the repository`;
  if (!existsSync(join(root, file))) return PENDING.has(file) ? undefined : `${target}: no such file`;
  if (anchor === undefined) return undefined;
  if (!file.endsWith(".md") || statSync(join(root, file)).isDirectory())
    return `${target}: an anchor into a non-markdown file`;
  return anchors(file).has(anchor) ? undefined : `${target}: ${file} has no heading with the anchor #${anchor}`;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : /\.(ts|js)$/.test(entry.name)
        ? [join(dir, entry.name)]
        : [],
  );
}

describe("the documentation", () => {
  it("keeps README.md at most 16 KiB: the reference lives in docs/", () => {
    expect(statSync(join(root, "README.md")).size).toBeLessThanOrEqual(16_384);
  });

  it("lists every docs page in docs/README.md, which README.md links", () => {
    expect(links("README.md").map((link) => link.target)).toContain("docs/README.md");
    const index = links("docs/README.md").map((link) => link.target.split("#")[0]);
    for (const page of docFiles().filter((file) => file.startsWith("docs/") && file !== "docs/README.md")) {
      expect(index, `docs/README.md links ${page}`).toContain(page.slice("docs/".length));
    }
  });

  it("resolves every relative link in README.md and docs/*.md, anchors included", () => {
    const all = docFiles().flatMap(links);
    expect(all.length).toBeGreaterThan(20); // the scan finds links at all
    const problems = all.flatMap((link) => {
      const problem = broken(link);
      return problem ? [`${link.file}:${link.line}: ${problem}`] : [];
    });
    expect(problems).toEqual([]);
  });

  it("resolves every README.md or docs/ page that src/ names in a comment", () => {
    const seen: { source: string; link: Link }[] = [];
    for (const file of sourceFiles("src")) {
      readFileSync(join(root, file), "utf8")
        .split("\n")
        .forEach((line, index) => {
          // a path in a comment is relative to the repository's root, as README.md's links are
          for (const match of line.matchAll(/(?:^|[\s(`])((?:README\.md|docs\/[\w-]+\.md)(?:#[\w-]+)?)/g))
            seen.push({
              source: `${file}:${index + 1}`,
              link: { file: "README.md", target: match[1]!, line: index + 1 },
            });
        });
    }
    expect(seen.length).toBeGreaterThan(10);
    const problems = seen.flatMap(({ source, link }) => {
      const problem = broken(link);
      return problem ? [`${source}: ${problem}`] : [];
    });
    expect(problems).toEqual([]);
  });

  it("flags a link to a missing heading (the check itself works)", () => {
    expect(broken({ file: "README.md", target: "docs/engine.md#no-such-heading", line: 1 })).toMatch(/no heading/);
    expect(broken({ file: "README.md", target: "docs/nowhere.md", line: 1 })).toMatch(/no such file/);
    expect(broken({ file: "docs/engine.md", target: "../README.md#install", line: 1 })).toBeUndefined();
  });
});
