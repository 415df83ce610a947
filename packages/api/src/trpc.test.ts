import { describe, expect, it } from "vitest";
import { z } from "zod";
import { answer } from "./answer.ts";
import { createCallerFactory, publicProcedure, router, toApiError } from "./trpc.ts";

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
