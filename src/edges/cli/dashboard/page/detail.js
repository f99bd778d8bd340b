import { api, badge, later, formatTime, h, nameParts, replace, shortId } from "./dom.js";

/**
 * One event: its fields, payload, runs (one per subscriber) and chain (the events sharing its
 * correlation id, as a tree by causation id), with a replay button. Refetched when live activity
 * touches the event or its chain.
 */
export function createDetail({ onSelect }) {
  const root = document.getElementById("detail");
  let current = null;
  let detail = null;
  let message = null;
  const refresh = later(() => current && void show(current, { keepMessage: true }), 100);

  async function show(id, { keepMessage = false } = {}) {
    if (id !== current || !keepMessage) message = null;
    current = id;
    try {
      detail = await api(`/api/events/${encodeURIComponent(id)}`);
    } catch (error) {
      detail = null;
      message = { kind: "error", text: error.message };
    }
    if (id === current) draw();
  }

  async function replay() {
    const from = current;
    try {
      const sent = await api(`/api/events/${encodeURIComponent(from)}/replay`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      await onSelect(sent.result.id);
      message = { kind: "ok", text: `Replay of ${from}` };
    } catch (error) {
      message = { kind: "error", text: `Replay failed: ${error.message}` };
    }
    draw();
  }

  const link = (id) =>
    h("button", { type: "button", class: "link", title: id, onclick: () => onSelect(id) }, shortId(id));

  function draw() {
    const notice = message && h("p", { class: `note ${message.kind}`, role: "status" }, message.text);
    if (!detail) return replace(root, notice ?? h("p", { class: "empty" }, "Select an event."));
    const { event, status, runs, chain, replayOf } = detail;
    replace(
      root,
      h(
        "div",
        { class: "section-head" },
        h("h2", {}, nameParts(event.name)),
        badge(status),
        h("button", { type: "button", id: "replay", onclick: replay }, "Replay"),
      ),
      notice,
      h(
        "dl",
        {},
        field("Id", event.id),
        field("Sent", `${formatTime(event.timestamp)} (${event.timestamp})`),
        event.deliverAt && field("Due", event.deliverAt),
        event.causationId && field("Caused by", link(event.causationId)),
        event.correlationId !== event.id && field("Chain root", link(event.correlationId)),
        replayOf && field("Replay of", link(replayOf)),
      ),
      h("h3", {}, "Payload"),
      h("pre", { class: "payload" }, JSON.stringify(event.payload, null, 2) ?? "undefined"),
      h("h3", {}, `Runs (${runs.length})`),
      runs.length === 0
        ? h("p", { class: "empty" }, status === "scheduled" ? "Not due yet." : "No subscribers.")
        : runTable(runs),
      h("h3", {}, "Chain"),
      h("ul", { class: "chain" }, chain.map(node)),
    );
  }

  function runTable(runs) {
    return h(
      "table",
      { class: "runs" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", {}, "Subscriber"),
          h("th", {}, "Status"),
          h("th", {}, "Attempts"),
          h("th", {}, "Duration"),
          h("th", {}, "Error"),
        ),
      ),
      h(
        "tbody",
        {},
        runs.map((run) =>
          h(
            "tr",
            { "data-subscriber": run.subscriber, "data-status": run.status },
            h("td", {}, run.subscriber),
            h("td", {}, badge(run.status)),
            h("td", {}, String(run.attempts)),
            h("td", {}, run.durationMs === undefined ? "…" : `${run.durationMs} ms`),
            h(
              "td",
              { class: "error" },
              run.error ? `${run.error.name}: ${run.error.message}${run.error.code ? ` (${run.error.code})` : ""}` : "",
            ),
          ),
        ),
      ),
    );
  }

  function node(item) {
    const here = item.id === current;
    return h(
      "li",
      { "data-id": item.id },
      h(
        "button",
        {
          type: "button",
          class: here ? "chain-node current" : "chain-node",
          "aria-current": here ? "true" : undefined,
          onclick: () => onSelect(item.id),
        },
        h("span", { class: "name" }, nameParts(item.name)),
        " ",
        badge(item.status),
        " ",
        h("span", { class: "id", title: item.id }, shortId(item.id)),
      ),
      item.children.length > 0 && h("ul", {}, item.children.map(node)),
    );
  }

  return {
    show,
    onActivity({ event }) {
      if (detail && (event.id === current || event.correlationId === detail.event.correlationId)) refresh();
    },
  };
}

function field(label, value) {
  return [h("dt", {}, label), h("dd", {}, value)];
}
