import { api, badge, formatTime, h, nameParts, perFrame, replace, shortId } from "./dom.js";

const PAGE_SIZE = 50;

/**
 * The event list: one page of history at a time (newest first, paged by cursor), filtered by name
 * and status on the server. Live activity updates rows in place and adds new events to the first
 * page; on older pages it only counts them, so the rows being read do not move.
 */
export function createList({ onSelect }) {
  const rows = document.getElementById("event-rows");
  const note = document.getElementById("list-note");
  const info = document.getElementById("page-info");
  const newer = document.getElementById("newer");
  const older = document.getElementById("older");
  const nameFilter = document.getElementById("filter-name");
  const statusFilter = document.getElementById("filter-status");
  const state = {
    cursors: [null],
    page: 0,
    items: [],
    total: 0,
    nextBefore: null,
    missed: 0,
    selected: null,
    error: null,
  };
  const render = perFrame(draw);

  async function load() {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (nameFilter.value) query.set("name", nameFilter.value);
    if (statusFilter.value) query.set("status", statusFilter.value);
    const cursor = state.cursors[state.page];
    if (cursor) query.set("before", cursor);
    try {
      const page = await api(`/api/events?${query}`);
      Object.assign(state, {
        items: page.events,
        total: page.total,
        nextBefore: page.nextBefore,
        missed: 0,
        error: null,
      });
    } catch (error) {
      Object.assign(state, { items: [], total: 0, nextBefore: null, error: error.message });
    }
    render();
  }

  function reset() {
    Object.assign(state, { cursors: [null], page: 0 });
    return load();
  }

  const matches = (event) =>
    (!nameFilter.value || event.name === nameFilter.value) &&
    (!statusFilter.value || event.status === statusFilter.value);

  function onActivity({ event }) {
    const index = state.items.findIndex((item) => item.id === event.id);
    if (index !== -1) state.items[index] = event;
    else if (!matches(event)) return;
    else if (state.page > 0) state.missed++;
    else {
      // in time order: an event that only now matches (it just failed) may be older than the newest rows
      const at = state.items.findIndex((item) => item.timestamp < event.timestamp);
      state.items.splice(at === -1 ? state.items.length : at, 0, event);
      state.total++;
      if (state.items.length > PAGE_SIZE) {
        state.items.length = PAGE_SIZE;
        state.nextBefore = state.items.at(-1).id;
      }
    }
    render();
  }

  function draw() {
    const first = state.page * PAGE_SIZE + 1;
    info.textContent = state.total === 0 ? "no events" : `${first}–${first + state.items.length - 1} of ${state.total}`;
    newer.disabled = state.page === 0;
    older.disabled = state.nextBefore === null;
    note.hidden = state.missed === 0 && state.error === null;
    note.textContent =
      state.error ?? `${state.missed} newer event${state.missed === 1 ? "" : "s"}: go to the first page to see them.`;
    replace(rows, state.items.map(row));
  }

  function row(event) {
    const { runs } = event;
    const summary =
      runs.total === 0 ? "—" : `${runs.succeeded}✓ ${runs.failed}✗${runs.active ? ` ${runs.active}…` : ""}`;
    return h(
      "tr",
      {
        "data-id": event.id,
        "data-status": event.status,
        class: event.id === state.selected ? "selected" : undefined,
        tabindex: "0",
        onclick: () => onSelect(event.id),
        onkeydown: (e) => e.key === "Enter" && onSelect(event.id),
      },
      h("td", {}, formatTime(event.timestamp)),
      h("td", { class: "name" }, event.causationId ? "↳ " : "", nameParts(event.name)),
      h("td", { class: "id", title: event.id }, shortId(event.id)),
      h("td", {}, badge(event.status)),
      h("td", { title: `${runs.total} run(s)` }, summary),
    );
  }

  newer.addEventListener("click", () => {
    state.page = Math.max(0, state.page - 1);
    void load();
  });
  older.addEventListener("click", () => {
    if (state.nextBefore === null) return;
    state.cursors[state.page + 1] = state.nextBefore;
    state.page++;
    void load();
  });
  nameFilter.addEventListener("change", () => void reset());
  statusFilter.addEventListener("change", () => void reset());

  return {
    /** Fills the name filter with the catalog's names. */
    setNames(names) {
      nameFilter.append(...names.map((name) => h("option", {}, name)));
    },
    reload: load,
    onActivity,
    select(id) {
      state.selected = id;
      render();
    },
  };
}
