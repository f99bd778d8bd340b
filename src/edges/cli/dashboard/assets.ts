// The page's files, inlined into the bundle as strings at build time (tsup's `?raw` plugin, vite's
// own `?raw` under vitest), so the published package needs no extra files on disk.
import appCss from "./page/app.css?raw";
import appJs from "./page/app.js?raw";
import chartJs from "./page/chart.js?raw";
import detailJs from "./page/detail.js?raw";
import domJs from "./page/dom.js?raw";
import indexHtml from "./page/index.html?raw";
import listJs from "./page/list.js?raw";
import sendFormJs from "./page/send-form.js?raw";
import validateJs from "./page/validate.js?raw";

/** A file the dashboard serves. */
export interface Asset {
  readonly type: string;
  readonly body: string;
}

const js = (body: string): Asset => ({ type: "text/javascript; charset=utf-8", body });

/** Path -> file. `/` is the page; the rest load from it. */
export const ASSETS: ReadonlyMap<string, Asset> = new Map([
  ["/", { type: "text/html; charset=utf-8", body: indexHtml }],
  ["/assets/app.css", { type: "text/css; charset=utf-8", body: appCss }],
  ["/assets/app.js", js(appJs)],
  ["/assets/chart.js", js(chartJs)],
  ["/assets/detail.js", js(detailJs)],
  ["/assets/dom.js", js(domJs)],
  ["/assets/list.js", js(listJs)],
  ["/assets/send-form.js", js(sendFormJs)],
  ["/assets/validate.js", js(validateJs)],
]);

/**
 * Headers of every dashboard response: only this origin's scripts, styles and connections, no
 * inline script, no framing; a payload that smuggles markup has nowhere to run.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};
