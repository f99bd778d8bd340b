// Every element is built with createElement and every text set as a text node: payloads are
// untrusted, so nothing in the page parses HTML from data.

/** Builds an element: `props` are attributes (`on*` become listeners), `children` nodes or text. */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  setProps(element, props);
  append(element, children);
  return element;
}

/** Builds an SVG element. */
export function svg(tag, props = {}, ...children) {
  const element = document.createElementNS("http://www.w3.org/2000/svg", tag);
  setProps(element, props);
  append(element, children);
  return element;
}

function setProps(element, props) {
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
    else if (key === "class") element.setAttribute("class", value);
    else element.setAttribute(key, value === true ? "" : String(value));
  }
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces all of `element`'s children. */
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

/** `12:03:04.512`, local time. */
export function formatTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const pad = (n, width = 2) => String(n).padStart(width, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/**
 * An id for narrow columns: short ids whole; a long one by its last 12 characters (and a chained
 * id's `/n` suffix). A UUIDv7 starts with its timestamp, so ids sent within a minute share their
 * first 8 characters; its last segment is random and tells them apart. The full id goes in a title.
 */
export function shortId(id) {
  if (id.length <= 16) return id;
  const slash = id.lastIndexOf("/");
  const base = slash > 0 ? id.slice(0, slash) : id;
  return `…${base.slice(-12)}${slash > 0 ? id.slice(slash) : ""}`;
}

/** An event name with a line-break opportunity after each dot: a narrow column wraps at dots, never mid-word. */
export function nameParts(name) {
  return String(name)
    .split(".")
    .flatMap((segment, i, all) => (i < all.length - 1 ? [`${segment}.`, h("wbr")] : [segment]));
}

/** `12:03`, or `12:03:04` when `seconds`, local time: the chart's axis. */
export function formatClock(ms, seconds = false) {
  const date = new Date(ms);
  const pad = (n) => String(n).padStart(2, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}${seconds ? `:${pad(date.getSeconds())}` : ""}`;
}

/** A status badge. */
export function badge(status) {
  return h("span", { class: `badge status-${status}` }, status);
}

/** Fetches JSON from this server; rejects with the response body (`{ code, message, issues }`) on an error status. */
export async function api(path, init) {
  const response = await fetch(path, init);
  const body = await response.json().catch(() => ({ message: `HTTP ${response.status}` }));
  if (!response.ok)
    throw Object.assign(new Error(body.message ?? `HTTP ${response.status}`), { body, status: response.status });
  return body;
}

/** Calls `fn` at most once per animation frame, however often it is asked. */
export function perFrame(fn) {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      fn();
    });
  };
}

/** Calls `fn` `ms` after the first of a burst of calls, once: never starved by a steady stream. */
export function later(fn, ms) {
  let timer = null;
  return () => {
    if (timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  };
}
