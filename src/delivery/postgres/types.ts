import type { SqlClient, SqlResult } from "../transaction.js";

// Structural types of what herald uses of node-postgres and pg-boss: pg ships no types of its own,
// and herald's declarations must not need @types/pg to type-check in an application.

/** A pooled node-postgres client: a `pg.PoolClient`. */
export interface PoolClientLike extends SqlClient {
  release(error?: Error | boolean): void;
  on?(event: "error", listener: (error: Error) => void): unknown;
  off?(event: "error", listener: (error: Error) => void): unknown;
}

/** A node-postgres pool: a `pg.Pool`. */
export interface PoolLike {
  connect(): Promise<PoolClientLike>;
  query(text: string, values?: readonly unknown[]): Promise<SqlResult>;
  end(): Promise<void>;
  on?(event: "error", listener: (error: Error) => void): unknown;
}

/** A job as pg-boss's `fetch` returns it with `includeMetadata`. */
export interface FetchedJob {
  readonly id: string;
  readonly data: unknown;
  readonly retryCount: number;
}

/** What herald uses of a pg-boss 10 instance (`new PgBoss(...)`). */
export interface PgBossLike {
  start(): Promise<unknown>;
  stop(options?: { graceful?: boolean; wait?: boolean; close?: boolean; timeout?: number }): Promise<void>;
  on(event: "error", listener: (error: Error) => void): unknown;
  createQueue(name: string, options?: object): Promise<void>;
  getQueue(name: string): Promise<object | null>;
  updateQueue(name: string, options?: object): Promise<void>;
  subscribe(event: string, name: string): Promise<void>;
  fetch(name: string, options: { batchSize: number; includeMetadata: true }): Promise<FetchedJob[] | null | undefined>;
  fail(name: string, id: string | string[], data?: object | null): Promise<unknown>;
  complete(name: string, id: string | string[], data?: object | null): Promise<unknown>;
}
