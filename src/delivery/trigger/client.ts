import { batch, tasks, TriggerClient } from "@trigger.dev/sdk";

/** The SDK's per-request options (`retry`, `additionalHeaders`); the SDK exports no name for them. */
export type TriggerRequestOptions = NonNullable<Parameters<TriggerClient["tasks"]["trigger"]>[3]>;

/** The two calls herald makes: what a `TriggerClient` instance and the SDK's global functions both offer. */
export interface TriggerApi {
  readonly tasks: Pick<TriggerClient["tasks"], "trigger">;
  readonly batch: Pick<TriggerClient["batch"], "trigger">;
}

/** Where a transport sends: a client, a URL and key for a client of its own, or neither (the SDK's global `configure()` and env). */
export interface TriggerClientOptions {
  /** A client made with `new TriggerClient({ baseURL, accessToken })`. */
  readonly client?: TriggerApi;
  /** API URL for a client of this transport's own. Default: `TRIGGER_API_URL`, else Trigger.dev Cloud. */
  readonly baseURL?: string;
  /** Secret key for a client of this transport's own. Default: `TRIGGER_SECRET_KEY`. */
  readonly accessToken?: string;
}

/** Picks the client: `client`, else a new one when `baseURL` or `accessToken` is given, else the SDK's global functions. */
export function resolveTriggerApi(options: TriggerClientOptions, requestOptions?: TriggerRequestOptions): TriggerApi {
  if (options.client) return options.client;
  if (options.baseURL === undefined && options.accessToken === undefined) return { tasks, batch };
  return new TriggerClient({
    ...(options.baseURL === undefined ? {} : { baseURL: options.baseURL }),
    ...(options.accessToken === undefined ? {} : { accessToken: options.accessToken }),
    ...(requestOptions === undefined ? {} : { requestOptions }),
  });
}
