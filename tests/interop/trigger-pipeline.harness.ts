import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { BuildManifest, TaskRunExecutionResult, WorkerManifest } from "@trigger.dev/core/v3/schemas";

// the CLI exports only its bin: its build, index and run modules are loaded from its dist, as its own e2e suite uses them
const cliDist = join(dirname(createRequire(import.meta.url).resolve("trigger.dev/package.json")), "dist/esm");
const loadCli = (path: string): Promise<any> => import(pathToFileURL(join(cliDist, path)).href);

/** What Trigger.dev's pipeline made of a project: the bundle, its build manifest, and the indexer's worker manifest. */
export interface IndexedWorker {
  readonly destination: string;
  readonly buildManifest: BuildManifest;
  readonly workerManifest: WorkerManifest;
  readonly indexerOutput: string;
}

/**
 * Bundles the project at `projectDir` (its trigger.config.ts) with the CLI's own `buildWorker`, as
 * `trigger deploy` does, then indexes the bundle in the CLI's index worker (a child process that
 * imports every task file). Offline: no login, no API. Rejects with the indexer's error (for
 * example `TaskIndexingImportError`, whose `importErrors` name the file and message).
 */
export async function buildAndIndex(projectDir: string): Promise<IndexedWorker> {
  const [{ loadConfig }, { buildWorker }, { indexWorkerManifest }] = await Promise.all([
    loadCli("config.js"),
    loadCli("build/buildWorker.js"),
    loadCli("indexing/indexWorkerManifest.js"),
  ]);
  const resolvedConfig = await loadConfig({ cwd: projectDir });
  const destination = await mkdtemp(join(tmpdir(), "herald-trigger-pipeline-"));
  const buildManifest: BuildManifest = await buildWorker({
    target: "deploy",
    environment: "test",
    destination,
    resolvedConfig,
    rewritePaths: false,
    plain: true,
  });
  let indexerOutput = "";
  const workerManifest: WorkerManifest = await indexWorkerManifest({
    runtime: buildManifest.runtime,
    indexWorkerPath: buildManifest.indexWorkerEntryPoint,
    buildManifestPath: join(destination, "build.json"),
    nodeOptions: buildManifest.loaderEntryPoint ? `--import=${buildManifest.loaderEntryPoint}` : undefined,
    env: {},
    handleStdout: (data: string) => void (indexerOutput += data),
    handleStderr: (data: string) => void (indexerOutput += data),
  }).catch(async (error: unknown) => {
    await rm(destination, { recursive: true, force: true });
    throw error;
  });
  // the managed run worker reads the worker manifest from ./index.json, as in a deployed image
  await writeFile(join(destination, "index.json"), JSON.stringify(workerManifest));
  return { destination, buildManifest, workerManifest, indexerOutput };
}

/** A run worker process of the built bundle. */
export interface RunWorker {
  /** Runs one attempt of `taskId` with `payload` (the run's payload string as the platform stores it). */
  run(
    taskId: string,
    payload: { data: string; type: "application/json" | "application/super+json" },
  ): Promise<TaskRunExecutionResult>;
  close(): Promise<void>;
}

const machine = { name: "small-1x", cpu: 1, memory: 256, centsPerMs: 0 } as const;

/**
 * Starts the bundle's own run worker (the managed run worker `trigger deploy` ships) through the CLI's
 * `TaskRunProcess`, which forks it and speaks its IPC protocol (EXECUTE_TASK_RUN, TASK_RUN_COMPLETED).
 * API calls go to `apiUrl`; telemetry to a local sink that accepts everything. Runs reuse the
 * process, as a warm start does.
 */
export async function startRunWorker(worker: IndexedWorker, apiUrl: string): Promise<RunWorker> {
  const { TaskRunProcess } = await loadCli("executions/taskRunProcess.js");
  const sink = await startSink();
  let runs = 0;
  const child = new TaskRunProcess({
    workerManifest: worker.workerManifest,
    cwd: worker.destination,
    env: {
      TRIGGER_SECRET_KEY: "tr_dev_testkey123",
      TRIGGER_API_URL: apiUrl,
      TRIGGER_OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      TRIGGER_OTEL_METRICS_ENDPOINT: `${sink.url}/v1/metrics`,
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
    },
    serverWorker: { id: "worker_test", version: "20261130.1", contentHash: worker.buildManifest.contentHash },
    machineResources: machine,
  }).initialize();
  return {
    async run(taskId, payload) {
      const task = worker.workerManifest.tasks.find((entry) => entry.id === taskId);
      if (!task) throw new Error(`no task ${taskId} in the worker manifest`);
      const id = `run_pipeline_${++runs}`;
      const now = new Date();
      return child.execute({
        payload: {
          traceContext: {},
          environment: {},
          execution: {
            task: { id: taskId, filePath: task.filePath },
            attempt: { number: 1, startedAt: now },
            run: {
              id,
              payload: payload.data,
              payloadType: payload.type,
              tags: [],
              isTest: false,
              createdAt: now,
              startedAt: now,
              durationMs: 0,
              costInCents: 0,
              baseCostInCents: 0,
              version: "20261130.1",
            },
            queue: { id: "queue_test", name: `task/${taskId}` },
            environment: { id: "env_test", slug: "prod", type: "PRODUCTION" },
            organization: { id: "org_test", slug: "herald", name: "herald" },
            project: { id: "proj_test", ref: "proj_herald_example", slug: "herald", name: "herald" },
            machine,
          },
        },
        messageId: id,
      });
    },
    async close() {
      await child.cleanup(true);
      await sink.close();
    },
  };
}

// an OTLP endpoint that takes every export, so the worker's telemetry neither leaves the machine nor logs errors
async function startSink(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
