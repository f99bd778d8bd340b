import type { EngineActivity } from "../../delivery/embedded/engine.js";
import { describeError } from "../../core/errors.js";
import { isTooDeepToShow, MAX_SHOWN_DEPTH } from "./json-depth.js";
import { escapeControl } from "./terminal-text.js";

const codes = {
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  bold: [1, 22],
} as const;
type Paint = (style: keyof typeof codes, text: string) => string;

const MAX_PAYLOAD = 200;

/**
 * Turns engine activity into lines for `herald dev`: one when an event arrives (or is scheduled),
 * one when a run retries or settles, and a note for an event nobody subscribed to. Every value in
 * a line (ids, names, subscribers, payloads, errors) has its control characters escaped.
 */
export function createDevPrinter(write: (line: string) => void, colour: boolean): (activity: EngineActivity) => void {
  // every painted text holds a value from outside, so painting escapes; colour codes are added after
  const paint: Paint = (style, raw) => {
    const text = escapeControl(raw);
    return colour ? `\u001B[${codes[style][0]}m${text}\u001B[${codes[style][1]}m` : text;
  };
  const plain = escapeControl;
  const announced = new Set<string>();
  return (activity) => {
    const { event, status, runs } = activity.record;
    if (activity.type === "event") {
      if (!announced.has(event.id)) {
        announced.add(event.id);
        const cause = event.causationId === undefined ? "" : paint("dim", ` ← ${event.causationId}`);
        const due = status === "scheduled" && event.deliverAt ? paint("yellow", ` due ${event.deliverAt}`) : "";
        write(
          `${paint("cyan", "→")} ${paint("bold", event.name)} ${paint("dim", event.id)}${cause}${due} ${plain(preview(event.payload))}`,
        );
        return;
      }
      if (status === "running" || status === "scheduled") return;
      announced.delete(event.id);
      if (status === "cancelled" && runs.length === 0)
        write(`  ${paint("yellow", "○")} ${plain(event.name)} ${paint("dim", event.id)} cancelled before it was due`);
      else if (runs.length === 0) write(`  ${paint("dim", `· ${event.name}: no subscribers`)}`);
      return;
    }
    const run = activity.run;
    const took = run.durationMs === undefined ? "" : paint("dim", ` ${run.durationMs} ms`);
    const attempts = run.attempts > 1 ? paint("dim", ` after ${run.attempts} attempts`) : "";
    const error = run.error ? `: ${run.error.name}: ${run.error.message}` : "";
    if (run.status === "succeeded")
      write(`  ${paint("green", "✓")} ${plain(run.subscriber)} ${paint("dim", event.name)}${took}${attempts}`);
    else if (run.status === "failed")
      write(
        `  ${paint("red", "✗")} ${plain(run.subscriber)} ${paint("dim", event.name)} failed${attempts}${took}${paint("red", error)}`,
      );
    else if (run.status === "retrying")
      write(
        `  ${paint("yellow", "↻")} ${plain(run.subscriber)} ${paint("dim", event.name)} attempt ${run.attempts} failed${plain(error)}; retrying`,
      );
    else if (run.status === "cancelled")
      write(`  ${paint("yellow", "○")} ${plain(run.subscriber)} ${paint("dim", event.name)} cancelled`);
  };
}

function preview(payload: unknown): string {
  if (isTooDeepToShow(payload)) return `(payload nested deeper than ${MAX_SHOWN_DEPTH} levels)`;
  let text: string;
  try {
    text = JSON.stringify(payload) ?? "undefined";
  } catch (error) {
    text = `(payload not shown: ${describeError(error)})`;
  }
  return text.length > MAX_PAYLOAD ? `${text.slice(0, MAX_PAYLOAD - 1)}…` : text;
}
