import { request } from "node:http";

/** A raw loopback request, for what `fetch` will not send (a foreign Host header). */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? "GET", headers: options.headers ?? {} }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/** An open server-sent event stream; `waitFor` sees each message's data, or each item of an array. */
export interface OpenStream {
  /** Resolves with the messages read so far once one matches `until`; rejects after `ms`. */
  waitFor(until: (data: any) => boolean, ms?: number): Promise<unknown[]>;
  close(): void;
}

/** Connects to a server-sent event stream and resolves once the server has answered. */
export async function openStream(url: string): Promise<OpenStream> {
  const abort = new AbortController();
  const response = await fetch(url, { signal: abort.signal });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const seen: unknown[] = [];
  return {
    async waitFor(until, ms = 5_000) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no matching message on ${url} within ${ms} ms`)), ms);
      });
      try {
        for (;;) {
          let end;
          while ((end = buffer.indexOf("\n\n")) !== -1) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block.split("\n").find((line) => line.startsWith("data: "));
            if (!data) continue;
            const parsed: unknown = JSON.parse(data.slice(6));
            for (const message of Array.isArray(parsed) ? parsed : [parsed]) {
              seen.push(message);
              if (until(message)) return seen;
            }
          }
          const { value, done } = await Promise.race([reader.read(), timeout]);
          if (done) throw new Error("the stream ended");
          buffer += value;
        }
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => abort.abort(),
  };
}
