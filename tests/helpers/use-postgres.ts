import { afterAll, afterEach, beforeAll } from "vitest";
import { type PostgresServer, type StartPostgresOptions, startPostgres } from "./postgres.js";

/** Something a test opened (a transport, a pool, a client) and that must be closed after it. */
export interface Closable {
  close(): Promise<void>;
}

/** A test file's throwaway PostgreSQL: started before its first test, stopped after its last. */
export interface PostgresFixture {
  /** The running server; read it inside a test or hook, not at module load. */
  readonly server: PostgresServer;
  /** What the current test opened: closed after it, last opened first. */
  readonly open: Closable[];
}

/**
 * Registers the hooks that every PostgreSQL test file needs: start a server before the file's
 * tests, close what each test pushed onto `open` after it, stop the server after the last test.
 * The hooks' time limits leave room for a transport's `close()`, which may wait its whole
 * `closeTimeoutMs` (10 s by default) for running attempts.
 */
export function usePostgres(options?: StartPostgresOptions): PostgresFixture {
  let server: PostgresServer | undefined;
  const open: Closable[] = [];
  beforeAll(async () => {
    server = await startPostgres(options);
  }, 120_000);
  afterEach(async () => {
    for (const item of open.splice(0).reverse()) await item.close();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  }, 60_000);
  return {
    get server() {
      if (server === undefined) throw new Error("usePostgres: the server starts in beforeAll; read it in a test");
      return server;
    },
    open,
  };
}
