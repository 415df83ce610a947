import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { authenticate, jwtKey } from "./auth.ts";

const secret = "auth-test-secret-0123456789abcdef0123456789";

const tokenExpiringIn = (seconds: number) =>
  new SignJWT({ org: "org-1" })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject("user-1")
    .setExpirationTime(Math.floor(Date.now() / 1000) + seconds)
    .sign(new TextEncoder().encode(secret));

describe("authenticate", () => {
  it("remembers a verified token only until it expires", async () => {
    const key = await jwtKey(secret);
    const authorization = `Bearer ${await tokenExpiringIn(1)}`;
    expect(await authenticate(authorization, key)).toEqual({
      id: "user-1",
      organizationId: "org-1",
    });
    expect(await authenticate(authorization, key)).toEqual({
      id: "user-1",
      organizationId: "org-1",
    });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await expect(authenticate(authorization, key)).rejects.toMatchObject({ code: "unauthorized" });
  });

  it("does not take a token verified with one key for another", async () => {
    const authorization = `Bearer ${await tokenExpiringIn(60)}`;
    await authenticate(authorization, await jwtKey(secret));
    const other = await jwtKey("another-secret-0123456789abcdef012345678");
    await expect(authenticate(authorization, other)).rejects.toMatchObject({
      code: "unauthorized",
    });
  });
});
