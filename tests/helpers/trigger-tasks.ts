import { resourceCatalog } from "@trigger.dev/core/v3";
import { runInMockTaskContext } from "@trigger.dev/core/v3/test";
import { StandardResourceCatalog } from "@trigger.dev/core/v3/workers";

/**
 * Installs the resource catalog a Trigger.dev worker uses, so tasks defined after this call
 * register their run and parse functions, as they do when the worker imports a task file.
 */
export function installTaskCatalog(file = "trigger/tasks.ts"): void {
  resourceCatalog.setGlobalResourceCatalog(new StandardResourceCatalog());
  resourceCatalog.setCurrentFileContext(file, file);
}

/**
 * Runs a registered task the way the worker's executor does: the payload through the task's
 * parse function, then its run function, inside a mock task context (so `taskContext.ctx` is set
 * and triggers from inside carry the parent run id).
 */
export async function runTask(id: string, payload: unknown, run: { id?: string; attempt?: number } = {}): Promise<unknown> {
  const task = resourceCatalog.getTask(id);
  if (!task) throw new Error(`Task ${id} is not registered: call installTaskCatalog() before defining it`);
  return runInMockTaskContext(
    async ({ ctx }) => {
      const parsed = task.fns.parsePayload ? await task.fns.parsePayload(payload) : payload;
      return task.fns.run(parsed, { ctx, signal: new AbortController().signal });
    },
    { ctx: { run: { id: run.id ?? "run_parent", createdAt: new Date("2026-01-02T03:04:05.000Z") }, attempt: { number: run.attempt ?? 1 } } },
  );
}
