import { api, formatTime, h, replace } from "./dom.js";

// the server keeps 100; the page shows as many, newest first
const KEPT = 100;

/**
 * Requests POST /trigger refused (4xx): when, the status and code, the message, and each failing
 * path. Loaded from /api/refusals on (re)connect, then pushed live (SSE event `refused`). Every
 * text is set as text, never parsed as HTML.
 */
export function createRefused() {
  const rows = document.getElementById("refused-rows");
  const empty = document.getElementById("refused-empty");
  let items = [];

  function draw() {
    empty.hidden = items.length > 0;
    replace(rows, items.map(row));
  }

  function row(refusal) {
    return h(
      "li",
      { "data-status": refusal.status, "data-code": refusal.code },
      h("span", { class: "time" }, formatTime(refusal.at)),
      " ",
      h("strong", {}, `${refusal.status} ${refusal.code}`),
      ": ",
      refusal.message,
      Array.isArray(refusal.issues) &&
        refusal.issues.length > 0 &&
        h(
          "ul",
          {},
          refusal.issues.map((issue) => h("li", {}, issue.path ? `${issue.path}: ` : "", issue.message)),
        ),
    );
  }

  return {
    async reload() {
      try {
        items = (await api("/api/refusals")).refusals.slice(0, KEPT);
      } catch {
        items = [];
      }
      draw();
    },
    add(refusal) {
      items = [refusal, ...items].slice(0, KEPT);
      draw();
    },
  };
}
