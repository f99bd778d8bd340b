/** Deeper than this, a payload is not shown by `herald dev` (terminal or dashboard) nor replayed. */
export const MAX_SHOWN_DEPTH = 1_000;
// a cycle (possible in process, never over HTTP) or a huge shared graph stops the walk here
const MAX_NODES = 1_000_000;

/**
 * True when `value` nests objects and arrays deeper than {@link MAX_SHOWN_DEPTH} levels (or is a
 * cycle): `JSON.stringify` would overflow the stack on it. `JSON.parse` accepts any depth, so a
 * payload of `[[[[…]]]]` 100,000 levels deep passes validation by `z.unknown()` and reaches the
 * engine. Walks with its own stack, so it never overflows itself. Never throws.
 */
export function isTooDeepToShow(value: unknown): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  let nodes = 0;
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== "object") continue;
    if (depth >= MAX_SHOWN_DEPTH || ++nodes > MAX_NODES) return true;
    let children: unknown[];
    try {
      children = Array.isArray(current) ? current : Object.values(current);
    } catch {
      continue; // a getter or proxy that throws: JSON.stringify reports it where it is used
    }
    for (const child of children) stack.push([child, depth + 1]);
  }
  return false;
}
