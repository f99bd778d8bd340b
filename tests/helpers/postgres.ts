/**
 * A throwaway PostgreSQL cluster for tests and benches: `initdb` + `pg_ctl` from Debian's
 * `postgresql` package, on 127.0.0.1 and a free port, in a temporary directory removed on `stop()`.
 *
 * Sharing: one cluster per test file (`startPostgres()` in `beforeAll`, `stop()` in `afterAll`),
 * one database per test with `createDatabase()`. Measured on the shared 2-core machine (load 8-13,
 * three runs each): `initdb` takes 3.5-4 s, so it runs once per machine and PostgreSQL build into a
 * cached template that each cluster copies (`cp -a`, 1.1-1.4 s); `pg_ctl start` takes 0.7-0.8 s;
 * in all a cluster starts in 1.8-2.4 s and stops in 0.6-0.8 s. `CREATE DATABASE ... STRATEGY
 * FILE_COPY` takes 0.13-0.44 s (WAL_LOG, the default, 0.3-0.7 s); a restart takes 0.8-1.1 s. A vitest
 * `globalSetup` cluster would save those two seconds per file but tie every file to one server: a
 * file that restarts or stops it (the "database restarted mid-stream" test) would break the files
 * running beside it, and every `vitest run` would pay for a server, Postgres tests or not.
 *
 * Root cannot run the server, so as root every command runs as the `postgres` user (spawn's
 * `uid`/`gid`, no shell); as anyone else, directly. Settings trade durability for speed (`fsync`,
 * `synchronous_commit` and `full_page_writes` off): fine for data that is thrown away.
 *
 * No orphans: `stop()` ends the server and removes its directory; a process `exit` hook stops what
 * is still running; a server whose owning process died without either (SIGKILL) is stopped and
 * removed by the next `startPostgres()` on the machine (its directory records the owner's pid).
 */
import { execFile, execFileSync } from "node:child_process";
import { randomBytes, createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { chown, rename } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import pg from "pg";

/** How to stop the server: `fast` ends sessions and checkpoints; `immediate` is a crash (recovery on start). */
export type PostgresStopMode = "fast" | "immediate";

/** Options of {@link startPostgres}. */
export interface StartPostgresOptions {
  /** Extra or overriding server settings, passed as `-c name=value`. */
  readonly settings?: Readonly<Record<string, string | number | boolean>>;
  /** Bound on `pg_ctl start` (and each restart). Default 30 s. */
  readonly startTimeoutMs?: number;
}

/** A running throwaway cluster. Every database trusts the `postgres` user on 127.0.0.1. */
export interface PostgresServer {
  readonly host: "127.0.0.1";
  readonly port: number;
  /** Connection string of the `postgres` database. */
  readonly url: string;
  /** Directory holding `data/`, the server log and the Unix socket. */
  readonly dir: string;
  readonly logFile: string;
  /** Major.minor version reported by `pg_ctl --version`, e.g. `15.14`. */
  readonly version: string;
  /** Creates a database (a fresh name when none is given) and returns its connection string. */
  createDatabase(name?: string): Promise<string>;
  /** Connection string of an existing database on this server. */
  urlFor(database: string): string;
  /** Stops the server (connections are cut) and starts it again on the same port. */
  restart(options?: { readonly mode?: PostgresStopMode; readonly downMs?: number }): Promise<void>;
  /** Stops the server but keeps its data, so `up()` can start it again: a database that is down. */
  down(mode?: PostgresStopMode): Promise<void>;
  /** Starts a server stopped by `down()` on the same port. */
  up(): Promise<void>;
  /** The postmaster's pid while it runs, else `undefined`. */
  pid(): number | undefined;
  /** The last lines of the server log. */
  logTail(lines?: number): string;
  /** Stops the server and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

/** The server did not start in time, or `initdb`/`pg_ctl` failed; the message ends with the log's tail. */
export class PostgresStartError extends Error {
  constructor(
    message: string,
    readonly logTail: string,
  ) {
    super(logTail ? `${message}\n--- server log (tail) ---\n${logTail}` : message);
    this.name = "PostgresStartError";
  }
}

const DIR_PREFIX = "herald-pg-";
const TEMPLATE_PREFIX = "herald-pg-template-";
const DEFAULT_SETTINGS: Readonly<Record<string, string | number | boolean>> = {
  listen_addresses: "127.0.0.1",
  fsync: "off",
  synchronous_commit: "off",
  full_page_writes: "off",
  max_connections: 200,
};
const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

interface Bin {
  readonly dir: string;
  readonly version: string;
}

interface RunAs {
  readonly uid?: number;
  readonly gid?: number;
}

let binCache: Bin | undefined;
const running = new Set<{ dir: string; stopSync(): void }>();
let exitHookInstalled = false;
let reaped = false;
let databaseCounter = 0;

/**
 * Finds a directory holding `initdb`, `pg_ctl` and `postgres`: `$HERALD_PG_BIN`, then `PATH`
 * (symlinks resolved), then the newest `/usr/lib/postgresql/<major>/bin`.
 *
 * @throws Error naming the package to install when none is found.
 */
export function findPostgresBin(): Bin {
  if (binCache) return binCache;
  const candidates: string[] = [];
  if (process.env.HERALD_PG_BIN) candidates.push(process.env.HERALD_PG_BIN);
  for (const entry of (process.env.PATH ?? "").split(delimiter)) {
    const pgCtl = join(entry, "pg_ctl");
    if (entry && existsSync(pgCtl)) candidates.push(dirname(realpathSync(pgCtl)));
  }
  const debian = "/usr/lib/postgresql";
  if (existsSync(debian)) {
    const majors = readdirSync(debian)
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    for (const major of majors) candidates.push(join(debian, major, "bin"));
  }
  for (const dir of candidates) {
    if (!["initdb", "pg_ctl", "postgres"].every((tool) => existsSync(join(dir, tool)))) continue;
    const output = execFileSync(join(dir, "pg_ctl"), ["--version"], { encoding: "utf8" });
    const version = /\(PostgreSQL\)\s+(\d+(?:\.\d+)?)/.exec(output)?.[1] ?? output.trim();
    binCache = { dir, version };
    return binCache;
  }
  throw new Error(
    "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found on PATH, in $HERALD_PG_BIN or in " +
      "/usr/lib/postgresql/*/bin. Install Debian's `postgresql` package: apt-get install -y postgresql " +
      "(no service needs to run: the tests start their own cluster).",
  );
}

/**
 * Starts a throwaway cluster on 127.0.0.1 and a free port.
 *
 * @throws PostgresStartError when the server does not start within `startTimeoutMs`.
 * @example
 * const pgServer = await startPostgres();
 * const url = await pgServer.createDatabase();
 * // ... new pg.Client(url), new PgBoss(url) ...
 * await pgServer.stop();
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const bin = findPostgresBin();
  const runAs = postgresUser();
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const settings = { ...DEFAULT_SETTINGS, ...options.settings };
  if (!reaped) {
    reaped = true;
    reapOrphans(bin, runAs);
  }
  installExitHook();

  const template = await ensureTemplate(bin, runAs);
  const dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
  writeFileSync(join(dir, "owner.json"), JSON.stringify({ pid: process.pid, started: new Date().toISOString() }));
  if (runAs.uid !== undefined) await chown(dir, runAs.uid, runAs.gid!);
  const dataDir = join(dir, "data");
  const logFile = join(dir, "server.log");
  const entry = { dir, stopSync: () => stopSync(bin, runAs, dir) };
  running.add(entry);

  let port = 0;
  let up = false;
  let everStarted = false;
  const tail = (lines = 40): string => readTail(logFile, lines);

  const startServer = async (): Promise<void> => {
    const started = Date.now();
    // a probed port can be taken before the server binds it: pick another and try again
    for (let attempt = 1; ; attempt++) {
      if (port === 0) port = await freePort();
      const serverOptions = [
        `-p ${port}`,
        `-k ${dir}`,
        ...Object.entries(settings).map(([name, value]) => `-c ${name}=${String(value)}`),
      ].join(" ");
      const seconds = Math.max(1, Math.ceil((startTimeoutMs - (Date.now() - started)) / 1000));
      try {
        await run(
          bin,
          "pg_ctl",
          ["-D", dataDir, "-l", logFile, "-o", serverOptions, "-w", "-t", String(seconds), "start"],
          runAs,
          dir,
          seconds * 1000 + 5_000,
        );
        up = true;
        return;
      } catch (error) {
        const log = tail();
        await run(bin, "pg_ctl", ["-D", dataDir, "-m", "immediate", "stop"], runAs, dir, 10_000).catch(() => {});
        if (attempt < 3 && /could not bind|Address already in use/i.test(log) && !everStarted) {
          port = 0;
          continue;
        }
        throw new PostgresStartError(
          `PostgreSQL ${bin.version} (${bin.dir}) did not start on 127.0.0.1:${port} within ${startTimeoutMs} ms: ${messageOf(error)}`,
          log,
        );
      }
    }
  };

  const stopServer = async (mode: PostgresStopMode): Promise<void> => {
    if (!up) return;
    await run(bin, "pg_ctl", ["-D", dataDir, "-m", mode, "-w", "-t", "30", "stop"], runAs, dir, 35_000);
    up = false;
  };

  try {
    await run(bin, "cp", ["-a", template, dataDir], runAs, dir, 60_000, "cp");
    await startServer();
    everStarted = true;
  } catch (error) {
    entry.stopSync();
    running.delete(entry);
    throw error;
  }

  const urlFor = (database: string): string => `postgres://postgres@127.0.0.1:${port}/${database}`;
  let stopped = false;

  return {
    host: "127.0.0.1",
    get port() {
      return port;
    },
    get url() {
      return urlFor("postgres");
    },
    dir,
    logFile,
    version: bin.version,
    urlFor,
    async createDatabase(name) {
      const database = name ?? `db_${process.pid}_${++databaseCounter}_${randomBytes(3).toString("hex")}`;
      if (!DATABASE_NAME.test(database)) throw new Error(`not a plain database name: ${JSON.stringify(database)}`);
      const client = new pg.Client({ connectionString: urlFor("postgres"), connectionTimeoutMillis: 10_000 });
      await client.connect();
      try {
        // FILE_COPY: 2x faster than the default WAL_LOG for a small template, and durability is moot here
        await client.query(`CREATE DATABASE "${database}" STRATEGY FILE_COPY`);
      } finally {
        await client.end();
      }
      return urlFor(database);
    },
    async restart(restartOptions = {}) {
      await stopServer(restartOptions.mode ?? "fast");
      if (restartOptions.downMs) await new Promise((resolve) => setTimeout(resolve, restartOptions.downMs));
      await startServer();
    },
    down: (mode = "fast") => stopServer(mode),
    up: async () => {
      if (!up) await startServer();
    },
    pid() {
      if (!up) return undefined;
      const pidFile = join(dataDir, "postmaster.pid");
      if (!existsSync(pidFile)) return undefined;
      const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    },
    logTail: tail,
    async stop() {
      if (stopped) return;
      stopped = true;
      up = false;
      entry.stopSync();
      running.delete(entry);
    },
  };
}

/** Runs one of the cluster's tools (or `cp`) as the server's user, bounded in time. */
function run(
  bin: Bin,
  tool: string,
  args: string[],
  runAs: RunAs,
  cwd: string,
  timeoutMs: number,
  path = join(bin.dir, tool),
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      path,
      args,
      { ...runAs, cwd, env: toolEnv(), timeout: timeoutMs, killSignal: "SIGKILL", encoding: "utf8" },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${tool} ${args.join(" ")} failed: ${(stderr || error.message).trim()}`));
        else resolve(stdout);
      },
    );
  });
}

/** The environment without PG* variables, which would redirect pg_ctl or initdb elsewhere. */
function toolEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith("PG")) env[name] = value;
  env.LC_ALL = "C";
  return env;
}

/** As root, the `postgres` user's ids (PostgreSQL refuses to run as root); otherwise nothing. */
function postgresUser(): RunAs {
  if (process.getuid?.() !== 0) return {};
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((entry) => entry.startsWith("postgres:"));
  const fields = line?.split(":");
  if (!fields || fields.length < 4) {
    throw new Error(
      "running as root, but there is no `postgres` user to run the server as: install Debian's `postgresql` package",
    );
  }
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

/**
 * An initdb'd data directory, made once per machine, PostgreSQL build and user, then copied for each
 * cluster: `cp -a` takes about a third of initdb's 1.7 s.
 */
async function ensureTemplate(bin: Bin, runAs: RunAs): Promise<string> {
  const initdbArgs = ["-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"];
  const key = createHash("sha256")
    .update(JSON.stringify([bin.dir, bin.version, initdbArgs, runAs.uid ?? process.getuid?.()]))
    .digest("hex")
    .slice(0, 16);
  const template = join(tmpdir(), `${TEMPLATE_PREFIX}${key}`);
  if (existsSync(join(template, "PG_VERSION"))) return template;
  const partial = `${template}.partial-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await run(bin, "initdb", ["-D", partial, ...initdbArgs], runAs, tmpdir(), 120_000);
    // another process may have won the race; its template is as good as ours
    await rename(partial, template).catch(() => {});
  } catch (error) {
    throw new PostgresStartError(`initdb failed: ${messageOf(error)}`, "");
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return template;
}

/** Stops a cluster's server without waiting for sessions, then removes its directory. */
function stopSync(bin: Bin, runAs: RunAs, dir: string): void {
  const dataDir = join(dir, "data");
  if (existsSync(join(dataDir, "postmaster.pid"))) {
    try {
      execFileSync(join(bin.dir, "pg_ctl"), ["-D", dataDir, "-m", "immediate", "-w", "-t", "20", "stop"], {
        ...runAs,
        cwd: tmpdir(),
        env: toolEnv(),
        stdio: "ignore",
        timeout: 25_000,
      });
    } catch {
      killPostmaster(dataDir);
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Last resort when pg_ctl cannot stop it: SIGKILL the pid that this cluster's postmaster.pid names. */
function killPostmaster(dataDir: string): void {
  try {
    const pid = Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    if (Number.isInteger(pid) && pid > 0) process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const entry of running) entry.stopSync();
    running.clear();
  });
}

/**
 * Stops and removes clusters (and half-made templates) left by processes that died without
 * cleaning up (SIGKILL): only directories with our prefix whose recorded owner pid no longer exists.
 * `startPostgres()` runs it once per process; tests call it to prove the reaping.
 */
export function reapPostgresOrphans(): void {
  reapOrphans(findPostgresBin(), postgresUser());
}

function reapOrphans(bin: Bin, runAs: RunAs): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const path = join(tmpdir(), name);
    if (name.startsWith(TEMPLATE_PREFIX)) {
      const owner = /\.partial-(\d+)-/.exec(name)?.[1];
      if (owner && !isAlive(Number(owner))) rmSync(path, { recursive: true, force: true });
      continue;
    }
    let owner: number | undefined;
    try {
      owner = Number(JSON.parse(readFileSync(join(path, "owner.json"), "utf8")).pid);
    } catch {
      continue; // not ours, or still being created
    }
    if (owner && !isAlive(owner)) stopSync(bin, runAs, path);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function readTail(file: string, lines: number): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
