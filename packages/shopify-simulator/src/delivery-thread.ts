/**
 * The simulator's webhook deliveries go out from a thread of their own, as Shopify's delivery
 * service is apart from its API servers: each is timed from its request's start to its answer's
 * last byte on an event loop that does nothing else, so a GraphQL query or bulk export the
 * simulator serves meanwhile does not count as the app's answer time.
 */
import { isMainThread, parentPort, Worker } from "node:worker_threads";

interface DeliveryRequest {
  id: number;
  uri: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/** The answer's HTTP status (0 for a network error or a timeout) and how long it took. */
export interface DeliveryAnswer {
  status: number;
  durationMs: number;
}

/** The main thread's side: `send` hands a delivery to the thread, started on first use. */
export class DeliveryThread {
  #worker: Worker | undefined;
  #lastId = 0;
  readonly #pending = new Map<number, (answer: DeliveryAnswer) => void>();

  get busy(): boolean {
    return this.#pending.size > 0;
  }

  send(request: Omit<DeliveryRequest, "id">): Promise<DeliveryAnswer> {
    const id = ++this.#lastId;
    const answered = new Promise<DeliveryAnswer>((resolve) => this.#pending.set(id, resolve));
    this.#thread().postMessage({ ...request, id } satisfies DeliveryRequest);
    return answered;
  }

  /** Ends the thread; deliveries still under way count as not answered. */
  close(): void {
    void this.#worker?.terminate();
    this.#ended();
  }

  #ended(): void {
    this.#worker = undefined;
    for (const resolve of this.#pending.values()) resolve({ status: 0, durationMs: 0 });
    this.#pending.clear();
  }

  #thread(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL(import.meta.url));
    worker.on("message", ({ id, ...answer }: DeliveryAnswer & { id: number }) => {
      this.#pending.get(id)?.(answer);
      this.#pending.delete(id);
    });
    worker.on("error", () => this.#ended());
    // It must not keep a process alive whose simulator was closed.
    worker.unref();
    this.#worker = worker;
    return worker;
  }
}

if (!isMainThread) {
  parentPort?.on("message", async (request: DeliveryRequest) => {
    const started = performance.now();
    let status = 0;
    try {
      const response = await fetch(request.uri, {
        method: "POST",
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(request.timeoutMs),
      });
      await response.arrayBuffer();
      status = response.status;
    } catch {
      // A network error or no answer in time: Shopify retries it.
    }
    parentPort?.postMessage({ id: request.id, status, durationMs: performance.now() - started });
  });
}
