import { eventIdProblem } from "../core/errors.js";
import { fnv1a64 } from "../core/hash.js";

/**
 * The id of a handler's `n`th send: `<parent id>/<n>`, so a retried handler re-sends the same ids
 * and they dedupe. Where that would not be a valid id (a chain deep enough to pass 255
 * characters, or a parent id from elsewhere with other characters), the parent part becomes its
 * 16-digit FNV-1a hash: still the same on every retry, and bounded however deep the chain goes.
 */
export function childId(parent: string, n: number): string {
  const id = `${parent}/${n}`;
  return eventIdProblem(id) === undefined ? id : `${fnv1a64(parent)}/${n}`;
}
