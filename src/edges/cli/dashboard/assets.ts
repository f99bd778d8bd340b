// The page's files, inlined into the bundle as strings at build time (tsup's `?raw` plugin, vite's
// own `?raw` under vitest), so the published package needs no extra files on disk.
import appCss from "./page/app.css?raw";
import appJs from "./page/app.js?raw";
import chartJs from "./page/chart.js?raw";
import detailJs from "./page/detail.js?raw";
import domJs from "./page/dom.js?raw";
import indexHtml from "./page/index.html?raw";
import listJs from "./page/list.js?raw";
import refusedJs from "./page/refused.js?raw";
import sendFormJs from "./page/send-form.js?raw";

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
  ["/assets/refused.js", js(refusedJs)],
]);
