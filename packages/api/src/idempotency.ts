import { createHash } from "node:crypto";
import { type Queryable, transaction } from "@roestify/db";
import canonicalize from "canonicalize";
import type pg from "pg";
import { z } from "zod";
import { ApiError } from "./errors.ts";
import { protectedProcedure } from "./trpc.ts";

/** The `Idempotency-Key` header: 1–255 visible ASCII characters (RFC 5234 VCHAR). */
export const idempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, "1–255 sichtbare ASCII-Zeichen")
  .optional();

/**
 * A signed-in procedure that takes an `Idempotency-Key` (input field `idempotencyKey`). It keeps
 * the body as sent, before validation trims or drops anything: a repetition must send the same
 * JSON value to get the first answer.
 */
export const idempotentProcedure = protectedProcedure.use(async ({ getRawInput, next }) => {
  const raw = await getRawInput();
  const body =
    typeof raw === "object" && raw !== null && !Array.isArray(raw)
      ? Object.fromEntries(Object.entries(raw).filter(([name]) => name !== "idempotencyKey"))
      : raw;
  return next({ ctx: { requestBody: body } });
});

/** One request under a key: which operation, and the body it was sent with. */
export interface KeyedRequest {
  organizationId: string;
  key: string | undefined;
  /** Names the endpoint: a key used for one operation is refused for another. */
  operation: string;
  body: unknown;
}

/**
 * Runs `work` in one transaction, at most once per organisation and key. The first successful
 * answer is stored with the work's own writes (an error stores nothing, so the request can be
 * sent again) and returned for every repetition with the same operation and body (compared as
 * canonical JSON, RFC 8785); another body under the key is `idempotency_key_reused`. Keys are
 * shared by every operation of the organisation.
 */
export function idempotently<T>(
  pool: pg.Pool,
  request: KeyedRequest,
  work: (tx: Queryable) => Promise<T>,
): Promise<T> {
  return transaction(pool, async (tx) => {
    const { organizationId, key } = request;
    if (key === undefined) return work(tx);
    const fingerprint = createHash("sha256")
      .update(canonicalize({ operation: request.operation, body: request.body }) ?? "")
      .digest("hex");
    // Serialises concurrent repetitions of one key.
    await tx.query("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))", [
      organizationId,
      key,
    ]);
    const earlier = await tx.query<{ request_hash: string; response: T }>(
      "SELECT request_hash, response FROM idempotent_requests WHERE organization_id = $1 AND key = $2",
      [organizationId, key],
    );
    const stored = earlier.rows[0];
    if (stored) {
      if (stored.request_hash !== fingerprint) throw new ApiError("idempotency_key_reused");
      return stored.response;
    }
    const answer = await work(tx);
    await tx.query(
      `INSERT INTO idempotent_requests (organization_id, key, request_hash, status_code, response)
       VALUES ($1, $2, $3, 201, $4)`,
      [organizationId, key, fingerprint, JSON.stringify(answer)],
    );
    return answer;
  });
}
