import { createTestDatabase } from "@roestify/db/testing";
import { testSecrets, testServices } from "@roestify/runtime/testing";
import { TRPCError } from "@trpc/server";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { answer } from "./answer.ts";
import { ApiError } from "./errors.ts";
import {
  createCallerFactory,
  protectedProcedure,
  publicProcedure,
  router,
  toApiError,
} from "./trpc.ts";

const testRouter = router({
  echo: publicProcedure
    .input(z.object({ n: z.number() }))
    .output(answer(z.object({ n: z.number().int() })))
    .query(({ input }) => ({ n: input.n })),
});
const caller = createCallerFactory(testRouter)({} as never);

const apiErrorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => toApiError(error),
  );

describe("toApiError", () => {
  it("answers input that fails its schema with invalid_request and the issues", async () => {
    const error = await apiErrorOf(caller.echo({ n: "x" } as never));
    expect(error?.code).toBe("invalid_request");
    expect(error?.details).toEqual([expect.objectContaining({ path: ["n"] })]);
  });

  it("answers an output that fails its schema with internal_error, not the client's fault (answers are checked in tests)", async () => {
    const error = await apiErrorOf(caller.echo({ n: 1.5 }));
    expect(error?.code).toBe("internal_error");
    expect(error?.status).toBe(500);
  });
});

describe("protectedProcedure", async () => {
  const db = await createTestDatabase();
  const signedIn = createCallerFactory(
    router({
      whoami: protectedProcedure.query(({ ctx }) => ctx.user),
      missing: protectedProcedure.query((): never => {
        throw new ApiError("not_found");
      }),
    }),
  );
  const callerWith = (authorization: string | undefined) =>
    signedIn({ ...testServices(db), authorization, ip: "127.0.0.1" });
  const token = (secret: string) =>
    new SignJWT({ org: "org-signed-in" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("user-1")
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(secret));
  const trpcErrorOf = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error as TRPCError,
    );

  it("answers no token, or one signed with another secret, with 401 (tRPC's UNAUTHORIZED)", async () => {
    for (const authorization of [
      undefined,
      `Bearer ${await token("another-secret-of-32-characters!")}`,
    ]) {
      const error = await trpcErrorOf(callerWith(authorization).whoami());
      expect(error).toBeInstanceOf(TRPCError);
      expect(error?.code).toBe("UNAUTHORIZED");
      expect(toApiError(error).code).toBe("unauthorized");
    }
  });

  it("gives the procedure the signed-in user, and its ApiErrors keep their HTTP meaning", async () => {
    const caller = callerWith(`Bearer ${await token(testSecrets.AUTH_JWT_SECRET)}`);
    expect(await caller.whoami()).toEqual({ id: "user-1", organizationId: "org-signed-in" });
    const error = await trpcErrorOf(caller.missing());
    expect(error?.code).toBe("NOT_FOUND");
    expect(toApiError(error).code).toBe("not_found");
    const organization = await db.pool.query("SELECT plan FROM organizations WHERE id = $1", [
      "org-signed-in",
    ]);
    expect(organization.rows).toEqual([{ plan: "free" }]);
  });
});
