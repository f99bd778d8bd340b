import { HttpProblemError, problemResponse } from "../../http/respond.js";
import { type DashboardSource, handleApi } from "./api.js";
import type { Asset } from "./assets.js";

/**
 * Headers of every dashboard response: only this origin's scripts, styles and connections, no
 * inline script, no framing; a payload that smuggles markup has nowhere to run.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

// loaded on the first page request: the assets are `?raw` imports, which the bundle (tsup) and
// vitest inline but plain tsx does not, so `tsx src/cli.ts send` never has to load them
let assets: Promise<ReadonlyMap<string, Asset>> | undefined;
const loadAssets = (): Promise<ReadonlyMap<string, Asset>> =>
  (assets ??= import("./assets.js").then(
    (module) => module.ASSETS,
    () => new Map(),
  ));

// DNS rebinding: a page elsewhere could point its own name at 127.0.0.1 and read history; such
// requests carry that name in Host, so only loopback names are answered
const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::\d+)?$/i;

/** True when `host` (the Host header) names this machine's loopback interface. */
export function isLoopbackHost(host: string | null): boolean {
  return host !== null && LOOPBACK_HOST.test(host);
}

/** True for paths the dashboard answers: `/`, `/assets/...` and `/api/...`. */
export function isDashboardPath(path: string): boolean {
  return path === "/" || path.startsWith("/assets/") || path.startsWith("/api/");
}

/**
 * The dashboard as a Web-standard handler: the page and its files, and the JSON endpoints. The
 * live stream is not here: it needs a response that stays open, so the dev server serves it.
 */
export function createDashboardHandler(source: DashboardSource): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    try {
      if (!isLoopbackHost(request.headers.get("host")))
        throw new HttpProblemError(
          "HOST_NOT_ALLOWED",
          "herald dev answers only requests addressed to 127.0.0.1 or localhost",
        );
      if (request.method === "POST") checkSameOrigin(request);
      if (url.pathname.startsWith("/api/")) return withHeaders(await handleApi(request, url, source));
      const files = await loadAssets();
      if (files.size === 0)
        throw new HttpProblemError(
          "NOT_FOUND",
          "The dashboard's page ships in the built CLI (dist/cli.js); this copy runs from source without it. The JSON endpoints under /api/ work.",
        );
      const asset = files.get(url.pathname);
      if (!asset) throw new HttpProblemError("NOT_FOUND", `Nothing at ${url.pathname}`);
      if (request.method !== "GET" && request.method !== "HEAD")
        throw new HttpProblemError("METHOD_NOT_ALLOWED", `Use GET, not ${request.method}`, {}, { allow: "GET, HEAD" });
      return new Response(asset.body, { headers: { ...PAGE_HEADERS, "content-type": asset.type } });
    } catch (error) {
      if (error instanceof HttpProblemError) return withHeaders(problemResponse(error));
      throw error;
    }
  };
}

// another site's form or fetch may POST here; a form cannot send JSON and a cross-origin JSON fetch
// needs a preflight this server never grants, and browsers name the page's origin in Origin
function checkSameOrigin(request: Request): void {
  const origin = request.headers.get("origin");
  if (origin !== null && !isLoopbackHost(origin.replace(/^http:\/\//, "")))
    throw new HttpProblemError("UNAUTHENTICATED", "herald dev answers only its own page");
  if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? ""))
    throw new HttpProblemError("UNSUPPORTED_MEDIA_TYPE", "Send the request with Content-Type: application/json");
}

function withHeaders(response: Response): Response {
  for (const [key, value] of Object.entries(PAGE_HEADERS))
    if (!response.headers.has(key)) response.headers.set(key, value);
  return response;
}
