import { EventEmitter, on } from "node:events";
import type { Logger } from "@roestify/runtime";
import pg from "pg";
import { z } from "zod";
import { jobView } from "./views.ts";

const channel = "shopify_sync_jobs";
const reconnectDelayMs = 1000;
// Organisation ids are any strings; the prefix keeps them apart from the emitter's own `error`.
const organizationPrefix = "organization:";
const organizationKey = (organizationId: string) => `${organizationPrefix}${organizationId}`;

// The payload of the `shopify_sync_jobs` trigger (migration 20261206130000_sync_job_notify): the
// organisation and the job's row as JSON.
const notification = z.object({
  organization_id: z.string(),
  id: z.string(),
  type: z.string(),
  status: z.string(),
  attempts: z.number(),
  max_attempts: z.number(),
  progress: z.record(z.string(), z.string()),
  last_error: z.string().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  rows_written: z.record(z.string(), z.number()),
});

/** What a subscriber receives: a changed job, or `resync` after the listening session was lost. */
export type JobEvent = { job: ReturnType<typeof jobView> } | { resync: true };

/**
 * The changes of sync jobs for this process: ONE listening database session, fanned out in memory
 * to every subscriber of an organisation, so open dashboards cost the database nothing while
 * nothing changes. A lost session is reopened; subscribers then hear `resync` (they may have
 * missed changes meanwhile). `close` ends every subscription.
 */
export interface JobEvents {
  /** The organisation's job events until `signal` aborts. */
  subscribe(organizationId: string, signal: AbortSignal): AsyncGenerator<JobEvent>;
  close(): Promise<void>;
}

export async function listenForJobChanges(
  connectionString: string,
  log: Logger,
): Promise<JobEvents> {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let client: pg.Client | undefined;
  const closing = new AbortController();
  let retry: NodeJS.Timeout | undefined;

  const deliver = (payload: string | undefined) => {
    const parsed = notification.safeParse(JSON.parse(payload ?? "null"));
    if (!parsed.success) return log.warn({ channel }, "unreadable job notification");
    const { organization_id, ...row } = parsed.data;
    emitter.emit(organizationKey(organization_id), { job: jobView(row) } satisfies JobEvent);
  };

  const connect = async (): Promise<void> => {
    const session = new pg.Client({ connectionString });
    session.on("notification", (message) => deliver(message.payload));
    const lost = (error?: Error) => {
      if (client !== session) return;
      log.warn({ err: error }, "job notification session lost");
      void session.end().catch(() => {});
      scheduleReconnect();
    };
    session.on("error", lost);
    session.on("end", () => lost());
    await session.connect();
    await session.query(`LISTEN ${channel}`);
    client = session;
  };

  const scheduleReconnect = () => {
    client = undefined;
    if (closing.signal.aborted || retry) return;
    retry = setTimeout(async () => {
      retry = undefined;
      try {
        await connect();
        for (const key of emitter.eventNames()) {
          if (String(key).startsWith(organizationPrefix)) emitter.emit(key, { resync: true });
        }
      } catch (error) {
        log.warn({ err: error }, "job notification session could not be reopened");
        scheduleReconnect();
      }
    }, reconnectDelayMs);
  };

  await connect();
  return {
    async *subscribe(organizationId, signal) {
      const until = AbortSignal.any([signal, closing.signal]);
      try {
        for await (const [event] of on(emitter, organizationKey(organizationId), {
          signal: until,
        })) {
          yield event as JobEvent;
        }
      } catch (error) {
        if (!(error instanceof Error && error.name === "AbortError")) throw error;
      }
    },
    async close() {
      closing.abort();
      clearTimeout(retry);
      const session = client;
      client = undefined;
      await session?.end();
    },
  };
}
