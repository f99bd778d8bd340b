/** A request `POST /trigger` refused (4xx), as the dashboard lists it. */
export interface Refusal {
  /** When it was refused, ISO 8601. */
  readonly at: string;
  readonly status: number;
  readonly code: string;
  /** The refusal's message, cut to {@link REFUSAL_LIMITS}`.messageLength` characters. */
  readonly message: string;
  /** The event the request named, when it named one as a string (cut like the message). */
  readonly event?: string;
  /** Each failing path, for a payload the schema refused (at most `issues` of them). */
  readonly issues?: readonly { readonly path: string; readonly message: string }[];
}

/** How many refusals are kept (oldest dropped first), and how much of each. */
export const REFUSAL_LIMITS = { kept: 100, messageLength: 500, issues: 20 } as const;

/** The newest refused requests, bounded: `record` adds one, `list` gives them newest first. */
export interface RefusalLog {
  record(status: number, body: unknown): Refusal;
  list(): readonly Refusal[];
}

const cut = (text: string): string =>
  text.length > REFUSAL_LIMITS.messageLength ? `${text.slice(0, REFUSAL_LIMITS.messageLength - 1)}…` : text;

/** Creates an empty log. Reads the refusal body (herald's own `ErrorBody`) as own properties only. */
export function createRefusalLog(now: () => number = Date.now): RefusalLog {
  const kept: Refusal[] = [];
  return {
    record(status, body) {
      const own = (key: string): unknown =>
        typeof body === "object" && body !== null && Object.hasOwn(body, key)
          ? (body as Record<string, unknown>)[key]
          : undefined;
      const code = own("code");
      const message = own("message");
      const event = own("event");
      const issues = own("issues");
      const refusal: Refusal = {
        at: new Date(now()).toISOString(),
        status,
        code: typeof code === "string" ? cut(code) : "UNKNOWN",
        message: typeof message === "string" ? cut(message) : "",
        ...(typeof event === "string" ? { event: cut(event) } : {}),
        ...(Array.isArray(issues)
          ? {
              issues: issues.slice(0, REFUSAL_LIMITS.issues).map((issue: { path?: unknown; message?: unknown }) => ({
                path: Array.isArray(issue?.path) ? cut(issue.path.map(String).join(".")) : "",
                message: cut(String(issue?.message ?? "")),
              })),
            }
          : {}),
      };
      kept.unshift(refusal);
      if (kept.length > REFUSAL_LIMITS.kept) kept.length = REFUSAL_LIMITS.kept;
      return refusal;
    },
    list: () => [...kept],
  };
}
