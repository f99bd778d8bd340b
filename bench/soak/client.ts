// The soak's clients (run by run.ts in their own process): SOAK_CLIENTS loops, each on its own
// kept-alive socket, posting events with fresh ids until SOAK_SECONDS pass; reports counts by IPC.
import { Agent, request } from "node:http";

const port = Number(process.env.SOAK_PORT);
const seconds = Number(process.env.SOAK_SECONDS ?? 60);
const clients = Number(process.env.SOAK_CLIENTS ?? 50);
const agent = new Agent({ keepAlive: true, maxSockets: clients });
const counts = { sent: 0, accepted: 0, refused: 0 };
const until = Date.now() + seconds * 1000;

function post(n: number): Promise<number> {
  const body = JSON.stringify({ event: "order.placed", payload: { orderId: `o-${n}`, quantity: 1 }, id: `soak-${n}` });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: "/trigger",
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          authorization: "Bearer soak-token",
        },
      },
      (res) => {
        res.resume();
        res.once("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.once("error", reject);
    req.end(body);
  });
}

let next = 0;
async function client(): Promise<void> {
  while (Date.now() < until) {
    const n = next++;
    counts.sent++;
    const status = await post(n);
    if (status === 200) counts.accepted++;
    else counts.refused++;
  }
}

const report = setInterval(() => process.send?.(counts), 1_000);
await Promise.all(Array.from({ length: clients }, client));
clearInterval(report);
process.send?.(counts);
agent.destroy();
process.disconnect?.();
