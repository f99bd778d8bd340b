/**
 * Reads the user documentation (README.md and docs/*.md) for the docs tests: its code blocks, its
 * links and its headings' anchors, as GitHub renders them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const root = join(import.meta.dirname, "../..");

/** README.md and every docs/*.md, as paths relative to the repository root. */
export function docFiles(): string[] {
  const pages = readdirSync(join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort();
  return ["README.md", ...pages.map((name) => `docs/${name}`)];
}

/** A fenced code block: its info string (`ts prelude=catalog`), its text and the line its code starts on. */
export interface CodeBlock {
  readonly file: string;
  readonly info: string;
  readonly code: string;
  /** 1-based line of the block's first line of code in `file`. */
  readonly line: number;
}

/** Every fenced code block of a markdown file (backtick fences, as the docs write them). */
export function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(join(root, file), "utf8").split("\n");
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, , fence, info] = open;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !lines[end]!.trimStart().startsWith(fence!)) end++;
    blocks.push({ file, info: info!.trim(), code: lines.slice(start, end).join("\n"), line: start + 1 });
    i = end;
  }
  return blocks;
}

/** The markdown of a file with its code blocks and inline code blanked out, line numbers kept. */
function prose(file: string): string[] {
  const lines = readFileSync(join(root, file), "utf8").split("\n");
  let fence = "";
  return lines.map((line) => {
    const marker = /^\s*(`{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && line.trimStart().startsWith(fence)) fence = "";
      return "";
    }
    if (marker) {
      fence = marker;
      return "";
    }
    return line.replace(/`[^`]*`/g, "``");
  });
}

/** A link's target as written (`docs/engine.md#retries`), with the line it is on. */
export interface Link {
  readonly file: string;
  readonly target: string;
  readonly line: number;
}

/** Every markdown link and image (`[text](target)`, `![alt](target)`) outside code. */
export function links(file: string): Link[] {
  const found: Link[] = [];
  prose(file).forEach((line, index) => {
    for (const match of line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g))
      found.push({ file, target: match[1]!, line: index + 1 });
  });
  return found;
}

/** The anchors GitHub gives a file's headings: lowercased, punctuation dropped, spaces to `-`, repeats numbered. */
export function anchors(file: string): Set<string> {
  const raw = readFileSync(join(root, file), "utf8").split("\n");
  const seen = new Map<string, number>();
  const result = new Set<string>();
  prose(file).forEach((line, index) => {
    // an explicit HTML anchor (`<a id="coerce"></a>`) is a target too, as GitHub renders it
    for (const match of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) result.add(match[1]!);
    if (!/^#{1,6}\s/.test(line)) return; // prose() blanks code blocks, so a `#` comment in one is no heading
    // the heading as rendered: inline code keeps its content, a link its text, an `<a>` tag nothing
    const text = raw[index]!.replace(/^#{1,6}\s+/, "")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/<\/?a(?:\s[^>]*)?>/g, "");
    const slug = text
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/ /g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  });
  return result;
}
