import { api, formatClock, later, h, nameParts, replace, svg } from "./dom.js";

const WIDTH = 240;
const HEIGHT = 36;

/**
 * Success and failure per event name over time: for each name, its totals and success rate over
 * all of history, and a bar chart of finished events per time bucket (green succeeded, red failed)
 * over the chosen window. Refetched after activity (at most every 500 ms) and every 10 s.
 */
export function createChart() {
  const root = document.getElementById("chart");
  const windowSelect = document.getElementById("window");

  async function refresh() {
    const [bucketMs, buckets] = windowSelect.value.split(":");
    try {
      draw(await api(`/api/stats?bucketMs=${bucketMs}&buckets=${buckets}`));
    } catch (error) {
      replace(root, h("p", { class: "empty" }, error.message));
    }
  }

  function draw(stats) {
    const names = Object.keys(stats.byName).sort();
    if (names.length === 0) return replace(root, h("p", { class: "empty" }, "No events yet."));
    replace(
      root,
      h(
        "p",
        { class: "totals" },
        `${stats.events} events · ${stats.succeeded} succeeded · ${stats.failed} failed · ${stats.pending} pending · ${rate(stats.successRate)} success`,
      ),
      h(
        "div",
        { class: "rates" },
        names.map((name) => row(name, stats.byName[name], stats.timeline)),
        axisRow(stats.timeline),
      ),
    );
  }

  function row(name, totals, timeline) {
    const series = timeline.byName[name] ?? { succeeded: [], failed: [] };
    return h(
      "div",
      { class: "rate-row", "data-name": name },
      h("span", { class: "name" }, nameParts(name)),
      h("span", { class: "rate" }, `${rate(totals.successRate)} ok · ${totals.succeeded}✓ ${totals.failed}✗`),
      bars(series, timeline),
    );
  }

  // the window's start, middle and end under the bars, so a bar can be read as a time
  function axisRow(timeline) {
    const start = Date.parse(timeline.start);
    const end = start + timeline.buckets * timeline.bucketMs;
    const seconds = timeline.bucketMs < 60_000;
    const label = (ms, x, anchor) =>
      svg(
        "text",
        { x, y: 11, "text-anchor": anchor, "data-time": new Date(ms).toISOString() },
        formatClock(ms, seconds),
      );
    return h(
      "div",
      { class: "rate-row time-axis", "aria-hidden": "true" },
      h("span"),
      h("span"),
      svg(
        "svg",
        { viewBox: `0 0 ${WIDTH} 14`, width: WIDTH, height: 14 },
        label(start, 0, "start"),
        label((start + end) / 2, WIDTH / 2, "middle"),
        label(end, WIDTH, "end"),
      ),
    );
  }

  function bars(series, timeline) {
    const count = timeline.buckets;
    const width = WIDTH / count;
    let max = 1;
    for (let i = 0; i < count; i++) max = Math.max(max, (series.succeeded[i] ?? 0) + (series.failed[i] ?? 0));
    const chart = svg("svg", {
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      width: WIDTH,
      height: HEIGHT,
      role: "img",
      "aria-label": "finished events per time bucket",
    });
    chart.append(svg("line", { x1: 0, y1: HEIGHT - 0.5, x2: WIDTH, y2: HEIGHT - 0.5, class: "axis" }));
    const start = Date.parse(timeline.start);
    for (let i = 0; i < count; i++) {
      const ok = series.succeeded[i] ?? 0;
      const bad = series.failed[i] ?? 0;
      if (ok + bad === 0) continue;
      const okHeight = (ok / max) * (HEIGHT - 2);
      const badHeight = (bad / max) * (HEIGHT - 2);
      const from = new Date(start + i * timeline.bucketMs).toLocaleTimeString();
      const group = svg("g", {}, svg("title", {}, `${from}: ${ok} succeeded, ${bad} failed`));
      if (ok)
        group.append(
          svg("rect", {
            x: i * width + 0.5,
            y: HEIGHT - 1 - okHeight,
            width: Math.max(1, width - 1),
            height: okHeight,
            class: "ok",
          }),
        );
      if (bad)
        group.append(
          svg("rect", {
            x: i * width + 0.5,
            y: HEIGHT - 1 - okHeight - badHeight,
            width: Math.max(1, width - 1),
            height: badHeight,
            class: "bad",
          }),
        );
      chart.append(group);
    }
    return chart;
  }

  windowSelect.addEventListener("change", () => void refresh());
  setInterval(() => void refresh(), 10_000);
  const soon = later(() => void refresh(), 500);
  return {
    refresh,
    onActivity({ event }) {
      if (event.status === "succeeded" || event.status === "failed") soon();
    },
  };
}

function rate(value) {
  return value === null ? "–" : `${Math.round(value * 100)}%`;
}
