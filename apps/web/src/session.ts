import type { ApiEnv } from "@roestify/api";
import { parseCookie } from "cookie";
import type { Request, Response } from "express";

/** The browser's session: the same JWT a bearer token holds, set at login. */
export const sessionCookie = "roestify_session";

/** The session token a browser sent, if any. */
export const sessionToken = (req: Request) => parseCookie(req.headers.cookie ?? "")[sessionCookie];

/** The caller's credentials: an `Authorization` header wins over the session cookie. */
export function requestCredentials(req: Request) {
  const header = req.headers.authorization;
  const token = header === undefined ? sessionToken(req) : undefined;
  return {
    authorization: header ?? (token === undefined ? undefined : `Bearer ${token}`),
    cookieSession: token !== undefined,
    origin: req.headers.origin,
  };
}

/** HttpOnly (no script reads it), SameSite=Lax (no cross-site subrequest sends it), Secure on https. */
export function setSessionCookie(res: Response, token: string, env: Pick<ApiEnv, "APP_URL">) {
  res.cookie(sessionCookie, token, {
    httpOnly: true,
    sameSite: "lax",
    secure: new URL(env.APP_URL).protocol === "https:",
    path: "/",
  });
}
