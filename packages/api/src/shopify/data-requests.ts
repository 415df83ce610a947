import { z } from "zod";
import { answer } from "../answer.ts";
import { protectedProcedure } from "../trpc.ts";

export const dataRequestSchema = z
  .object({
    id: z.string(),
    shopify_request_id: z.string().nullable(),
    customer: z.object({ id: z.string().nullable(), email: z.string().nullable() }),
    received_at: z.string(),
    /** The mirrored customer row and the requested orders, as stored when the request came. */
    export: z.object({
      customer: z.record(z.string(), z.unknown()).nullable(),
      orders: z.array(z.record(z.string(), z.unknown())),
    }),
  })
  .meta({ id: "DataRequest" });

/** The organisation's customer data requests (customers/data_request), newest first. */
export const dataRequests = protectedProcedure
  .meta({
    rest: {
      method: "GET",
      path: "/api/v1/shopify/data-requests",
      summary: "Auskunftsersuchen von Kunden (customers/data_request) mit ihrem Export",
    },
  })
  .output(answer(z.array(dataRequestSchema)))
  .query(async ({ ctx }) => {
    const requests = await ctx.db.prisma.shopifyDataRequest.findMany({
      where: { organizationId: ctx.user.organizationId },
      orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    });
    return requests.map((request) => ({
      id: request.id,
      shopify_request_id: request.shopifyRequestId,
      customer: {
        id: request.customerId === null ? null : String(request.customerId),
        email: request.customerEmail,
      },
      received_at: request.receivedAt.toISOString(),
      export: request.export as z.infer<typeof dataRequestSchema>["export"],
    }));
  });
