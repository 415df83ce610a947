import { createHash } from "node:crypto";
import type { Columns, Queryable } from "@roestify/db";
import { z } from "zod";
import { ApiError } from "./errors.ts";
import { protectedProcedure } from "./trpc.ts";

/** The `Idempotency-Key` header: 1–255 visible ASCII characters; an empty header is no key. */
export const idempotencyKey = z.preprocess(
  (value) => (value === "" ? undefined : value),
  z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, "1 bis 255 sichtbare ASCII-Zeichen")
    .optional(),
);

/**
 * A signed-in procedure that takes an `Idempotency-Key` (input field `idempotencyKey`), with the
 * body as it was sent (`ctx.requestBody`, without the key): a repetition must send the same JSON
 * value, not one that validates to the same input (trimmed, or with other unknown fields).
 */
export const keyedProcedure = protectedProcedure.use(async ({ getRawInput, next }) => {
  const raw = await getRawInput();
  const requestBody =
    raw !== null && typeof raw === "object" && !Array.isArray(raw)
      ? Object.fromEntries(Object.entries(raw).filter(([name]) => name !== "idempotencyKey"))
      : raw;
  return next({ ctx: { requestBody } });
});

/** A JSON value in one spelling (object keys sorted): equal values hash equal, whatever their bytes. */
const canonicalJson = (value: unknown) =>
  JSON.stringify(value, (_, nested) =>
    nested && typeof nested === "object" && !Array.isArray(nested)
      ? Object.fromEntries(Object.entries(nested).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : nested,
  );

/**
 * Performs a request once per organisation and `Idempotency-Key`, in the caller's transaction.
 * The same key with the same request (operation and body) answers the stored first answer; with
 * another request it is refused with `idempotency_key_reused` (a key stored before bodies were
 * compared answers its first answer to any body). Only answers are stored: a request
 * refused by a thrown error leaves its key free. Concurrent repetitions wait for the first.
 */
export async function performOnce<T>(
  tx: Queryable,
  organizationId: string,
  key: string | undefined,
  request: { operation: string; body: unknown },
  perform: () => Promise<T>,
): Promise<T> {
  if (!key) return perform();
  await tx.query("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))", [organizationId, key]);
  const requestHash = createHash("sha256").update(canonicalJson(request)).digest("hex");
  const earlier = await tx.query<
    Columns<"idempotent_requests", "request_hash" | "response", { response: T }>
  >(
    "SELECT request_hash, response FROM idempotent_requests WHERE organization_id = $1 AND key = $2",
    [organizationId, key],
  );
  const first = earlier.rows[0];
  if (first) {
    // A key stored before bodies were compared has no hash: its body cannot be compared, so it
    // answers as it always did (refusing it would turn a safe retry into an error).
    if (first.request_hash !== null && first.request_hash !== requestHash) {
      throw new ApiError("idempotency_key_reused");
    }
    return first.response;
  }
  const answer = await perform();
  await tx.query(
    `INSERT INTO idempotent_requests (organization_id, key, request_hash, status_code, response)
     VALUES ($1, $2, $3, 201, $4)`,
    [organizationId, key, requestHash, JSON.stringify(answer)],
  );
  return answer;
}
