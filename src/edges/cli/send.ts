import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { signRequest } from "../http/auth.js";
import { parseCommandArgs, parseInteger } from "./args.js";
import { SEND_HELP } from "./help.js";
import { type CliIo, EXIT, UsageError } from "./io.js";

const DEFAULT_URL = "http://127.0.0.1:3002/trigger";

/**
 * `herald send <event> [payload] [options]`: builds `{ event, payload, delay?, deliverAt?, version? }`,
 * POSTs it with a bearer token or a signature, and prints the receipt or the endpoint's error.
 * Resolves to an exit code (see `EXIT`).
 */
export async function sendCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    url: { type: "string" },
    token: { type: "string" },
    secret: { type: "string" },
    delay: { type: "string" },
    "deliver-at": { type: "string" },
    id: { type: "string" },
    version: { type: "string" },
    timeout: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.stdout.write(SEND_HELP);
    return EXIT.ok;
  }
  const [event, payloadArg, ...extra] = positionals;
  if (event === undefined) throw new UsageError("herald send needs an event name: herald send <event> [payload]");
  if (extra.length > 0)
    throw new UsageError(`Unexpected argument ${JSON.stringify(extra[0])}: quote the payload JSON as one argument`);
  const url = parseUrl(values.url ?? io.env.HERALD_URL ?? DEFAULT_URL);
  const token = values.token ?? io.env.HERALD_TOKEN;
  const secret = values.secret ?? io.env.HERALD_SECRET;
  if (token && secret) throw new UsageError("Give --token or --secret, not both");
  const timeout = parseInteger("timeout", values.timeout, 10_000, 1, 600_000);
  const version = parseVersionArg(values.version);

  const body = JSON.stringify({
    event,
    ...(payloadArg === undefined ? {} : { payload: await readPayload(payloadArg, io) }),
    ...(values.delay === undefined ? {} : { delay: parseDelayArg(values.delay) }),
    ...(values["deliver-at"] === undefined ? {} : { deliverAt: values["deliver-at"] }),
    ...(version === undefined ? {} : { version }),
    // a signature covers the body only: the id goes inside it, or a replay with a fresh key would be a new event
    ...(secret && values.id !== undefined ? { id: values.id } : {}),
  });
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  if (secret) Object.assign(headers, await signRequest(secret, body));
  if (values.id !== undefined) headers["idempotency-key"] = values.id;

  let response: Response;
  try {
    response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(timeout) });
  } catch (error) {
    const reason =
      error instanceof Error && error.name === "TimeoutError"
        ? `no answer within ${timeout} ms`
        : describeNetworkError(error);
    io.stderr.write(`herald send: could not reach ${url.href}: ${reason}\n`);
    return EXIT.unavailable;
  }
  const text = await response.text().catch(() => "");
  const answer = parseJson(text);
  if (values.json && answer !== undefined) io.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
  if (response.ok) {
    if (!values.json) io.stdout.write(`${describeReceipt(event, answer)}\n`);
    return EXIT.ok;
  }
  io.stderr.write(`herald send: ${describeError(response, answer, url)}\n`);
  return response.status >= 500 ? EXIT.unavailable : EXIT.rejected;
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--url ${JSON.stringify(text)} is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UsageError(`--url must be http or https, got ${url.protocol}`);
  return url;
}

async function readPayload(arg: string, io: CliIo): Promise<unknown> {
  let text: string;
  let source: string;
  if (arg === "-") {
    source = "standard input";
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin)
      chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk));
    text = Buffer.concat(chunks).toString("utf8");
  } else if (arg.startsWith("@")) {
    source = arg.slice(1);
    try {
      text = await readFile(resolve(io.cwd, source), "utf8");
    } catch (error) {
      throw new UsageError(
        `Cannot read the payload file ${source}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
  } else {
    source = "the payload argument";
    text = arg;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${source} is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

// a delay is a duration string ("1h30m") or, starting with "{", a JSON object ({"hours":1}); the endpoint checks it
function parseDelayArg(text: string): unknown {
  if (!text.trim().startsWith("{")) return text;
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--delay ${JSON.stringify(text)} is neither a duration like "1h30m" nor valid JSON`);
  }
}

// whether the event has that version is the endpoint's to say (422 UNKNOWN_VERSION): the CLI has no catalog
function parseVersionArg(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const version = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(version) || version < 1) {
    throw new UsageError(`--version must be a schema version, a whole number from 1, got ${JSON.stringify(text)}`);
  }
  return version;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeReceipt(event: string, answer: unknown): string {
  const result = (answer as { result?: { id?: unknown; duplicate?: unknown; deliverAt?: unknown } } | undefined)
    ?.result;
  if (!result || typeof result.id !== "string") return `Event ${event} sent`;
  const due = typeof result.deliverAt === "string" ? `, due ${result.deliverAt}` : "";
  return `Event ${event} sent: id ${result.id}${due}${result.duplicate === true ? " (duplicate: already accepted, nothing new runs)" : ""}`;
}

function describeError(response: Response, answer: unknown, url: URL): string {
  const body = answer as
    | { code?: unknown; message?: unknown; issues?: { path?: unknown[]; message?: unknown }[]; retryable?: unknown }
    | undefined;
  if (typeof body?.code !== "string")
    return `HTTP ${response.status} ${response.statusText} from ${url.href} (is it a herald endpoint?)`;
  const lines = [`${response.status} ${body.code}: ${String(body.message)}`];
  for (const issue of Array.isArray(body.issues) ? body.issues : []) {
    lines.push(
      `  ${Array.isArray(issue.path) && issue.path.length > 0 ? issue.path.join(".") : "(payload)"}: ${String(issue.message)}`,
    );
  }
  if (body.retryable === true) lines.push("  (retryable: sending again may succeed)");
  return lines.join("\n");
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === "string")
    return cause.code === "ECONNREFUSED" ? "connection refused (is the server running?)" : cause.code;
  return error instanceof Error ? error.message : String(error);
}
