import { jobTypes } from "@roestify/db";
import { protectedProcedure } from "../trpc.ts";
import { connectionView, jobView, mirrorCounts } from "./views.ts";

/** The organisation's connection, the latest job of each type and the size of each mirror. */
export const status = protectedProcedure.query(async ({ ctx }) => {
  const { prisma } = ctx.db;
  const organizationId = ctx.user.organizationId;
  const connection = await prisma.shopifyConnection.findUnique({ where: { organizationId } });
  const locations = connection
    ? await prisma.shopifyLocation.findMany({
        where: { connectionId: connection.id },
        orderBy: { shopifyId: "asc" },
      })
    : [];
  const latest = await Promise.all(
    jobTypes.map((type) =>
      prisma.shopifySyncJob.findFirst({
        where: { organizationId, type },
        orderBy: { createdAt: "desc" },
      }),
    ),
  );
  return {
    connection: connection ? connectionView(connection, locations) : null,
    jobs: Object.fromEntries(
      jobTypes.map((type, index) => [type, latest[index] ? jobView(latest[index]) : null]),
    ),
    mirror_counts: await mirrorCounts(ctx.db, connection?.id),
  };
});
