/**
 * The timed requests of `pnpm bench:inventory`'s stock list, in a process that holds nothing
 * else. In the bench's own process, which holds the simulator's shop (a heap of ~70 MB), the 3.7 MB
 * answers' bytes set off a full collection of that heap about every tenth request, 30–60 ms of
 * the bench's time counted as the web process's. Each request is read to its last byte; the
 * chunks are counted, not kept. Asked over IPC: `{url, authorization, bytes, runs}` → the times.
 */
import { Agent, get } from "node:http";

interface ListRequests {
  url: string;
  authorization: string;
  bytes: number;
  runs: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

const request = (url: string, authorization: string) =>
  new Promise<number>((resolve, reject) => {
    get(url, { agent, headers: { authorization } }, (answer) => {
      let read = 0;
      answer.on("data", (chunk: Buffer) => {
        read += chunk.byteLength;
      });
      answer.on("end", () => resolve(read));
      answer.on("error", reject);
    }).on("error", reject);
  });

process.on("message", async ({ url, authorization, bytes, runs }: ListRequests) => {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const read = await request(url, authorization);
    times.push(performance.now() - started);
    if (read !== bytes) throw new Error(`the list has ${read} bytes, not ${bytes}`);
  }
  process.send?.(times);
});
