import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { describeError, eventIdProblem } from "../../core/errors.js";
import { signRequest } from "../http/auth.js";
import { parseCommandArgs, parseInteger } from "./args.js";
import { SEND_HELP } from "./help.js";
import { type CliIo, EXIT, interruptedExit, UsageError } from "./io.js";
import { escapeControl, escapeLines } from "./terminal-text.js";

const DEFAULT_URL = "http://127.0.0.1:3002/trigger";

/**
 * `herald send <event> [payload] [options]`: builds `{ event, payload, delay?, deliverAt?, version? }`,
 * POSTs it with a bearer token or a signature, and prints the receipt or the endpoint's error.
 * Resolves to an exit code (see `EXIT`); SIGINT or SIGTERM (`io.signal`) abandons the request.
 */
export async function sendCommand(args: readonly string[], io: CliIo): Promise<number> {
  refuseOldVersionFlag(args);
  const { values, positionals } = parseCommandArgs(args, {
    url: { type: "string" },
    token: { type: "string" },
    secret: { type: "string" },
    delay: { type: "string" },
    "deliver-at": { type: "string" },
    id: { type: "string" },
    "schema-version": { type: "string" },
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
  const version = parseVersionArg(values["schema-version"]);
  // checked here, as the endpoint would: fetch refuses a newline in a header as a network error (exit 3)
  const idProblem = values.id === undefined ? undefined : eventIdProblem(values.id);
  if (idProblem !== undefined) throw new UsageError(`--id: ${idProblem}`);

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
  let text: string;
  const timedOut = AbortSignal.timeout(timeout);
  try {
    response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.any([io.signal, timedOut]) });
    text = await response.text();
  } catch (error) {
    if (io.signal.aborted) return interruptedExit(io.signal);
    const reason = timedOut.aborted ? `no answer within ${timeout} ms` : describeNetworkError(error);
    io.stderr.write(`herald send: could not reach ${escapeControl(url.href)}: ${escapeControl(reason)}\n`);
    return EXIT.unavailable;
  }
  const answer = parseJson(text);
  if (response.ok) {
    if (!isReceiptAnswer(answer)) {
      io.stderr.write(
        `herald send: HTTP ${response.status} from ${escapeControl(url.href)} is not a herald receipt (is it a herald endpoint?); the event may or may not have been accepted\n`,
      );
      return EXIT.rejected;
    }
    io.stdout.write(
      values.json
        ? `${escapeLines(JSON.stringify(answer, null, 2))}\n`
        : `${escapeControl(describeReceipt(event, answer))}\n`,
    );
    return EXIT.ok;
  }
  if (values.json && answer !== undefined) io.stdout.write(`${escapeLines(JSON.stringify(answer, null, 2))}\n`);
  io.stderr.write(`herald send: ${escapeLines(describeRefusal(response, answer, url))}\n`);
  return response.status >= 500 ? EXIT.unavailable : EXIT.rejected;
}

// `herald --version` is herald's version; under send the flag was the payload's schema version, which
// now has its own name, so an old script fails loudly instead of meaning something else
function refuseOldVersionFlag(args: readonly string[]): void {
  for (const arg of args) {
    if (arg === "--") return;
    if (arg === "--version" || arg.startsWith("--version="))
      throw new UsageError(
        "--version is now --schema-version <n> (the payload's schema version); `herald --version` prints herald's own version",
      );
  }
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
    throw new UsageError(`--schema-version must be a whole number from 1, got ${JSON.stringify(text)}`);
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

interface ReceiptAnswer {
  readonly success: true;
  readonly result: { readonly id: string; readonly duplicate?: unknown; readonly deliverAt?: unknown };
}

// herald's 200: { success: true, message, result: { id, name, timestamp, ... } }; a proxy's or another
// server's 200 is not proof that the event was accepted
function isReceiptAnswer(answer: unknown): answer is ReceiptAnswer {
  if (typeof answer !== "object" || answer === null || !Object.hasOwn(answer, "result")) return false;
  const { success, result } = answer as { success?: unknown; result?: unknown };
  return (
    success === true &&
    typeof result === "object" &&
    result !== null &&
    typeof Object.getOwnPropertyDescriptor(result, "id")?.value === "string"
  );
}

function describeReceipt(event: string, answer: ReceiptAnswer): string {
  const { result } = answer;
  const due = typeof result.deliverAt === "string" ? `, due ${result.deliverAt}` : "";
  return `Event ${event} sent: id ${result.id}${due}${result.duplicate === true ? " (duplicate: already accepted, nothing new runs)" : ""}`;
}

// the endpoint's error body as lines: the code and message, then each failing path
function describeRefusal(response: Response, answer: unknown, url: URL): string {
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

// fetch's own message is "fetch failed"; what happened is in its cause (connect ECONNREFUSED 127.0.0.1:9),
// or in each of the cause's errors when several addresses were tried (localhost: ::1, then 127.0.0.1)
function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (cause === undefined) return describeError(error);
  const errors = cause instanceof AggregateError && cause.errors.length > 0 ? cause.errors : [cause];
  const reasons = [...new Set(errors.map(describeError).filter((text) => text !== ""))];
  const code = (cause as { code?: unknown }).code;
  const text = reasons.length > 0 ? reasons.join("; ") : typeof code === "string" ? code : describeError(error);
  const refused = code === "ECONNREFUSED" || errors.some((e) => (e as { code?: unknown }).code === "ECONNREFUSED");
  return refused ? `${text} (is the server running?)` : text;
}
