import { type Columns, type Plan, type Queryable, typed } from "@roestify/db";
import { ApiError } from "./errors.ts";

/** Manual syncs per UTC day; `null` is unlimited. */
export const manualSyncQuota: Record<Plan, number | null> = { free: 3, pro: 30, business: null };

/**
 * Counts one manual sync against the organisation's quota for today (UTC), or throws
 * `plan_limit_reached`. The conditional upsert is atomic: two requests cannot both take the last
 * slot.
 */
export async function useManualSync(db: Queryable, organizationId: string): Promise<void> {
  const org = await typed(db)
    .selectFrom("organizations")
    .select("plan")
    .where("id", "=", organizationId)
    .$narrowType<{ plan: Plan }>()
    .executeTakeFirst();
  const limit = manualSyncQuota[org?.plan ?? "free"];
  const used = await db.query<Columns<"plan_usage", "manual_syncs">>(
    `INSERT INTO plan_usage (organization_id, day, manual_syncs)
     VALUES ($1, (now() AT TIME ZONE 'UTC')::date, 1)
     ON CONFLICT (organization_id, day) DO UPDATE SET manual_syncs = plan_usage.manual_syncs + 1
       WHERE $2::int IS NULL OR plan_usage.manual_syncs < $2::int
     RETURNING manual_syncs`,
    [organizationId, limit],
  );
  if (used.rowCount || limit === null) return;
  const resetsAt = new Date();
  resetsAt.setUTCHours(24, 0, 0, 0);
  throw new ApiError("plan_limit_reached", {
    details: { limit, used: limit, resets_at: resetsAt.toISOString() },
  });
}
