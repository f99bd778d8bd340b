import type { AnyCatalog } from "../../catalog/types.js";
import { InvalidOptionsError } from "../../core/errors.js";

interface TaskEntry {
  readonly events: AnyCatalog;
  readonly id: string;
  readonly event: string;
}

interface DispatcherEntry {
  readonly events: AnyCatalog;
  readonly id: string;
  readonly subscribers: ReadonlyMap<string, readonly string[]>;
}

interface Registry {
  readonly tasks: TaskEntry[];
  readonly dispatchers: DispatcherEntry[];
}

// on globalThis under a registered symbol: a worker bundle may hold two copies of herald, and each must see the other's tasks
const REGISTRY = Symbol.for("herald.trigger.subscriptions");

function registry(): Registry {
  const holder = globalThis as { [REGISTRY]?: Registry };
  return (holder[REGISTRY] ??= { tasks: [], dispatchers: [] });
}

/**
 * True inside Trigger.dev's index worker, the one process that imports every task file (`trigger dev` and
 * `trigger deploy` both set `TRIGGER_INDEXING=1` on it). A run imports only its own task's file, so only there
 * can the dispatcher's subscribers be compared with every event task.
 */
export function isIndexing(): boolean {
  return (
    (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TRIGGER_INDEXING === "1"
  );
}

/**
 * Records an event task. While Trigger.dev indexes, throws if a dispatcher of the same catalog does not list
 * it under its event: the indexer reports the error as an import error of the task's file and fails the build.
 * @throws InvalidOptionsError while indexing, for a task a dispatcher would skip
 */
export function recordEventTask(events: AnyCatalog, id: string, event: string): void {
  const task = { events, id, event };
  registry().tasks.push(task);
  if (!isIndexing()) return;
  for (const dispatcher of registry().dispatchers) {
    if (dispatcher.events !== events) continue;
    const problem = skipProblem(dispatcher, task);
    if (problem) throw new InvalidOptionsError(problem);
  }
}

/**
 * Records a dispatcher and its subscribers. While Trigger.dev indexes, throws if an event task of the same
 * catalog, imported before it, is missing from its subscribers.
 * @throws InvalidOptionsError while indexing, naming every task the dispatcher would skip
 */
export function recordDispatcher(
  events: AnyCatalog,
  id: string,
  subscribers: ReadonlyMap<string, readonly string[]>,
): void {
  const dispatcher = { events, id, subscribers };
  registry().dispatchers.push(dispatcher);
  if (!isIndexing()) return;
  const problems = registry()
    .tasks.filter((task) => task.events === events)
    .map((task) => skipProblem(dispatcher, task))
    .filter((problem): problem is string => problem !== undefined);
  if (problems.length > 0) throw new InvalidOptionsError(problems.join("\n"));
}

function skipProblem(dispatcher: DispatcherEntry, task: TaskEntry): string | undefined {
  if (dispatcher.subscribers.get(task.event)?.includes(task.id)) return undefined;
  const listedUnder = [...dispatcher.subscribers].find(([, ids]) => ids.includes(task.id))?.[0];
  const where = listedUnder === undefined ? "does not list it" : `lists it under ${JSON.stringify(listedUnder)}`;
  return (
    `eventTask ${JSON.stringify(task.id)} receives ${JSON.stringify(task.event)}, but dispatcher ` +
    `${JSON.stringify(dispatcher.id)} ${where}: add ${JSON.stringify(task.id)} to its ${JSON.stringify(task.event)} ` +
    `subscribers, or the dispatcher never starts it`
  );
}
