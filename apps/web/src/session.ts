import { ApiError, trpcErrorShape } from "@roestify/api";
import type { ApiEnv } from "@roestify/runtime";
import { parseCookie } from "cookie";
import type { Request, RequestHandler, Response } from "express";

/** The browser's session: the same JWT a bearer token holds, set at login. */
export const sessionCookie = "roestify_session";

/** The session token a browser sent, if any. */
export const sessionToken = (req: Request) => parseCookie(req.headers.cookie ?? "")[sessionCookie];

/** The caller's credentials: an `Authorization` header wins over the session cookie. */
export function requestAuthorization(req: Request): string | undefined {
  if (req.headers.authorization !== undefined) return req.headers.authorization;
  const token = sessionToken(req);
  return token === undefined ? undefined : `Bearer ${token}`;
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

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Cross-site request forgery: another site can make a browser send the cookie, but not forge
 * `Origin`. A state-changing request whose credential is the cookie must come from `APP_URL`'s
 * origin, else `403 forbidden` (tRPC's error shape on /trpc). Checked before the body is read, so
 * whatever the body (a form post, say) the answer is the same.
 */
export function refuseCrossOriginCookieWrites(env: Pick<ApiEnv, "APP_URL">): RequestHandler {
  const appOrigin = new URL(env.APP_URL).origin;
  return (req, res, next) => {
    const byCookie = req.headers.authorization === undefined && sessionToken(req) !== undefined;
    if (safeMethods.has(req.method) || !byCookie || req.headers.origin === appOrigin) return next();
    const error = new ApiError("forbidden");
    if (!req.path.startsWith("/trpc/")) return next(error);
    res
      .status(error.status)
      .json({ error: trpcErrorShape(error, req.path.slice("/trpc/".length)) });
  };
}
