// herald dev's dashboard: plain ES modules, no framework and no build step of their own (see
// docs/cli-and-dashboard.md#the-herald-dev-dashboard for why). Data comes from /api/* and live updates from /api/stream (SSE).
import { createChart } from "./chart.js";
import { createDetail } from "./detail.js";
import { api } from "./dom.js";
import { createList } from "./list.js";
import { createRefused } from "./refused.js";
import { createSendForm } from "./send-form.js";

const live = document.getElementById("live");
const setLive = (state, text) => {
  live.dataset.state = state;
  live.textContent = text;
};

async function start() {
  const catalog = await api("/api/catalog");
  document.getElementById("transport").textContent =
    `${catalog.events.length} event types · ${catalog.transport} transport`;
  const list = createList({ onSelect: select });
  const detail = createDetail({ onSelect: select });
  const chart = createChart();
  list.setNames(catalog.events.map((entry) => entry.name));
  createSendForm({ events: catalog.events, onSent: select });
  const refused = createRefused();

  function select(id) {
    list.select(id);
    return detail.show(id);
  }

  if (!catalog.history) {
    setLive("off", `no history: the ${catalog.transport} transport runs subscribers elsewhere`);
    return;
  }
  const stream = new EventSource("/api/stream");
  // (re)connected: whatever happened while away is in history, so load it again
  stream.addEventListener("open", () => {
    setLive("live", "live");
    void list.reload();
    void chart.refresh();
    void refused.reload();
  });
  stream.addEventListener("refused", (message) => refused.add(JSON.parse(message.data)));
  stream.addEventListener("error", () => setLive("connecting", "reconnecting…"));
  // each message is an array: the latest state of every event that changed in the last 50 ms
  stream.addEventListener("activity", (message) => {
    for (const activity of JSON.parse(message.data)) {
      list.onActivity(activity);
      detail.onActivity(activity);
      chart.onActivity(activity);
    }
  });
}

start().catch((error) => setLive("off", `could not start: ${error.message}`));
