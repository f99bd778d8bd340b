const EXIT_CODES = `Exit codes:
  0    done (herald dev: stopped by Ctrl-C or SIGTERM)
  1    the endpoint refused the request (a 4xx: invalid payload, unknown event, unauthenticated, ...),
       or answered 200 with something that is not herald's receipt
  2    usage error: bad arguments, an unreadable payload file, payload or catalog module
  3    unavailable: could not connect, timed out, a 5xx answer, or the port is in use
  130  stopped by SIGINT (Ctrl-C); 143 stopped by SIGTERM`;

/** `herald --help`. */
export const MAIN_HELP = `herald: send and serve typed events

Usage:
  herald send <event> [payload-json | @file | -] [options]   POST an event to a herald endpoint
                                                               (--schema-version <n>: the payload's schema version)
  herald dev <catalog-module> [--port 3002] [--postgres <url>] serve POST /trigger for a catalog, locally
  herald export <catalog-module> --format json-schema|asyncapi [--out file]
                                                               publish the catalog as a contract
  herald types <catalog-module> [--check]                     declare a large catalog's type for fast editors

Run \`herald <command> --help\` for a command's options. \`herald --version\` prints herald's own version.

${EXIT_CODES}
`;

/** `herald send --help`. */
export const SEND_HELP = `herald send: POST an event to a herald HTTP endpoint (the curl call, without curl)

Usage:
  herald send <event> [payload] [options]

The payload is JSON text, @path to read a JSON file, or - to read standard input. Without one, the
event is sent with no payload.

Options:
  --url <url>          the endpoint (default: $HERALD_URL, else http://127.0.0.1:3002/trigger)
  --token <token>      send Authorization: Bearer <token> (default: $HERALD_TOKEN)
  --secret <secret>    sign the body with HMAC-SHA256 (x-herald-signature, x-herald-timestamp)
                       (default: $HERALD_SECRET)
  --delay <delay>      deliver later: "90s", "1h30m", "2d", or JSON like '{"hours":1}'
  --deliver-at <time>  deliver at an ISO 8601 time
  --id <id>            the event id, sent as the Idempotency-Key header (sending it again is a no-op);
                       1 to 255 visible ASCII characters
  --schema-version <n> the payload's schema version, from 1 (default: the newest); an older version's
                       payload is validated as that version and upcast to the newest by the endpoint.
                       (Was --version, which now fails with a pointer here: herald --version prints
                       herald's own version.)
  --timeout <ms>       give up after this long (default 10000)
  --json               print the endpoint's JSON answer as it is
  -h, --help           this help

Examples:
  herald send user.created '{"email":"a@b.co","userId":"u1"}' --url http://localhost:3002/trigger
  herald send user.created '{"fullName":"Ada Lovelace","email":"a@b.co"}' --schema-version 1

${EXIT_CODES}
`;

/** `herald dev --help`. */
export const DEV_HELP = `herald dev: a local endpoint for a catalog, on the embedded engine

Usage:
  herald dev <catalog-module> [--port 3002] [--postgres <url>]

Loads the module as it is, TypeScript or JavaScript, with no build step (.ts, .mts and .cts files
through tsx). The catalog is its export named \`events\`, else its default export, else its only
export that is a catalog; --export picks another. Subscribers the module registers with
events.on() run in this process.

Serves POST http://127.0.0.1:<port>/trigger with no authentication and the dashboard at
http://127.0.0.1:<port>/, and prints each event and run as it happens. It listens on 127.0.0.1
only, and answers only requests whose Host is 127.0.0.1, localhost or [::1] (any other: 403
HOST_NOT_ALLOWED, which stops DNS rebinding). A client gets 10 s to send its headers and 30 s for
the whole request; an idle keep-alive connection closes after 5 s. Control characters in ids,
names, payloads and errors are printed escaped (\x1b). Stop it with Ctrl-C.

Options:
  --port <port>        the port (default 3002; 0 picks a free one)
  --export <name>      the module's export that holds the catalog
  --postgres <url>     a herald/postgres application's database: sends go there (its workers run
                       them) and the dashboard reads events and runs from it, sent by any process.
                       Not needed when the catalog's own transport is postgresTransport(...).
                       Needs pg and pg-boss 10. A password is better given as PGPASSWORD than in
                       the URL, which other users of this machine can read in the process list.
  --postgres-schema <name>  pg-boss's schema there (default pgboss)
  -h, --help           this help

Try it:
  curl -X POST http://localhost:3002/trigger -H "Content-Type: application/json" \\
    -d '{"event":"test.event","payload":{"message":"This is a test event"}}'

${EXIT_CODES}
`;

/** `herald export --help`. */
export const EXPORT_HELP = `herald export: publish a catalog as a contract

Usage:
  herald export <catalog-module> --format json-schema|asyncapi [options]

Loads the module as herald dev does (TypeScript through tsx, no build step) and prints one JSON
Schema (draft 2020-12) per event, or an AsyncAPI 3.0 document with a channel, a message per
schema version and send/receive operations per event. Event metadata (description, owner,
deprecated, examples) and schema versions from defineEvent are included.

Options:
  --format <format>    json-schema or asyncapi (required)
  -o, --out <file>     write to a file instead of standard output
  --export <name>      the module's export that holds the catalog
  --io <io>            json-schema only: input (default, what senders write) or output (what handlers receive)
  --versions <which>   json-schema only: latest (default) or all (adds older versions as <name>-v<N>)
  --title <title>      asyncapi only: info.title (default: the module's file name)
  --api-version <v>    asyncapi only: info.version (default 1.0.0)
  --server <name=url>  asyncapi only: a server, e.g. production=https://api.example.com/events (repeatable)
  -h, --help           this help

Exit codes:
  0    done
  1    a schema cannot be expressed as JSON Schema (the message names the event)
  2    usage error: bad arguments (a --server name given twice, or "__proto__"), an unreadable
       catalog module, an unwritable --out file
  130  stopped by SIGINT (Ctrl-C); 143 stopped by SIGTERM
`;

/** `herald types --help`. */
export const TYPES_HELP = `herald types: declare a catalog's type, so editors stay fast on large catalogs

Usage:
  herald types <catalog-module> [options]

Writes <module>.types.d.ts beside the module: TypeScript's declaration of the catalog, as
\`export type Events = EventCatalog<{ ...payloads }, { ...data }>\`. Annotate the catalog with it,

  import type { Events } from "./events.types.js";
  export const events: Events = defineEvents({ ... });

and the editor reads one declared type instead of re-inferring every schema on each keystroke.
Needs TypeScript (npm i -D typescript); the module's nearest tsconfig.json is used.

Options:
  --export <name>   the module's export that holds the catalog (default events)
  --name <Type>     the type to declare (default: the export's name capitalised, Events)
  --check           write nothing; exit 1 when the file is missing or stale (for CI)
  -h, --help        this help

Exit codes:
  0  written, or current (--check)
  1  --check: the file is missing or stale
  2  usage error: bad arguments, no TypeScript, no such export, a type TypeScript cannot declare
`;
