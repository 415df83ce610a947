import type { AnyProcedure } from "@trpc/server";
import { z } from "zod";
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponsesObject,
} from "zod-openapi";
import type { Answer } from "./answer.ts";
import { type ApiErrorCode, apiErrors } from "./errors.ts";
import { appRouter } from "./root.ts";
import { oauthFailureReasons } from "./shopify/oauth-callback.ts";
import type { ProcedureMeta } from "./trpc.ts";

type RestMeta = NonNullable<ProcedureMeta["rest"]>;

/** A procedure that is also a REST route: what the REST shim and the document are made from. */
export interface RestRoute {
  /** Its path in the router, e.g. `shopify.job`. */
  procedure: string;
  /** The procedure itself, called as tRPC's caller calls it. */
  call: AnyProcedure;
  method: RestMeta["method"];
  /** OpenAPI form, `{id}` for a path parameter. */
  path: string;
  status: number;
  pathParameters: string[];
  /** Request header → input field. */
  headers: Record<string, string>;
  /** Whether the rest of the input comes from the JSON body (else from the query string). */
  body: boolean;
  input: z.ZodObject | undefined;
  output: z.ZodType;
  meta: ProcedureMeta & { rest: RestMeta };
}

/** Every procedure of the router that has `rest` metadata, as a route. */
export function restRoutes(router: { _def: { procedures: object } } = appRouter): RestRoute[] {
  return Object.entries(router._def.procedures as Record<string, AnyProcedure>).flatMap(
    ([procedure, call]) => {
      const { _def } = call;
      const meta = _def.meta as ProcedureMeta | undefined;
      if (!meta?.rest) return [];
      const { rest } = meta;
      const input = _def.inputs[0] as z.ZodObject | undefined;
      const output = (_def as { output?: Partial<Answer<z.ZodType>> }).output?.schema;
      if (!output) throw new Error(`${procedure}: a REST procedure answers as .output(answer(…))`);
      if (_def.inputs.length > 1 || (input && !(input instanceof z.ZodObject))) {
        throw new Error(`${procedure}: a REST procedure's input is one z.object()`);
      }
      return [
        {
          procedure,
          call,
          method: rest.method,
          path: rest.path,
          status: rest.status ?? 200,
          pathParameters: [...rest.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string),
          headers: rest.headers ?? {},
          body: rest.method !== "GET" && rest.method !== "DELETE",
          input,
          output,
          meta: { ...meta, rest },
        },
      ];
    },
  );
}

const errorDetails: Partial<Record<ApiErrorCode, z.ZodType>> = {
  invalid_request: z
    .array(z.looseObject({ path: z.array(z.union([z.string(), z.number()])), message: z.string() }))
    .meta({ description: "Was an der Anfrage ungültig ist" }),
  plan_limit_reached: z.object({
    limit: z.number().int(),
    used: z.number().int(),
    resets_at: z.iso.datetime(),
  }),
};

/** The contract's error envelope of a code: one schema object each, a component of the document. */
const errorBodies = new Map<ApiErrorCode, z.ZodObject>();
function errorBody(code: ApiErrorCode): z.ZodObject {
  let body = errorBodies.get(code);
  if (!body) {
    body = z
      .object({
        error: z.object({
          code: z.literal(code),
          message: z.string(),
          details: (errorDetails[code] ?? z.unknown()).optional(),
        }),
      })
      .meta({ id: `error_${code}`, description: apiErrors[code].message });
    errorBodies.set(code, body);
  }
  return body;
}

const rateLimitHeaders = z.object({
  "Retry-After": z.string().meta({ description: "Sekunden, bis wieder eine Anfrage frei ist" }),
  "RateLimit-Limit": z.string(),
  "RateLimit-Remaining": z.string(),
  "RateLimit-Reset": z.string(),
});

/** The error responses of an operation: its codes grouped by HTTP status. */
function errorResponses(codes: ApiErrorCode[]): ZodOpenApiResponsesObject {
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = apiErrors[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, group]) => {
      const bodies = group.map(errorBody);
      const schema = bodies.length > 1 ? z.union(bodies) : (bodies[0] as z.ZodObject);
      return [
        String(status),
        {
          description: group.join(", "),
          ...(status === 429 ? { headers: rateLimitHeaders } : {}),
          content: {
            "application/json": { schema },
          },
        },
      ];
    }),
  );
}

/** The errors every route of its kind may answer, besides those its metadata names. */
function implicitErrors(route: RestRoute): ApiErrorCode[] {
  return [
    ...(route.input || route.body ? (["invalid_request"] as const) : []),
    ...(route.meta.auth ? (["unauthorized"] as const) : []),
    ...(route.body ? (["payload_too_large"] as const) : []),
    ...(route.meta.rateLimit ? (["rate_limited"] as const) : []),
    "internal_error",
  ];
}

function operation(route: RestRoute): ZodOpenApiOperationObject {
  const { input, meta } = route;
  const shape = input?.shape ?? {};
  const pick = (keys: string[]) =>
    z.object(Object.fromEntries(keys.map((key) => [key, shape[key] as z.ZodType])));
  const headerFields = Object.values(route.headers);
  const rest = Object.keys(shape).filter(
    (key) => !route.pathParameters.includes(key) && !headerFields.includes(key),
  );
  const headers = z.object(
    Object.fromEntries(
      Object.entries(route.headers).map(([header, field]) => [header, shape[field] as z.ZodType]),
    ),
  );
  return {
    operationId: route.procedure,
    summary: meta.rest.summary,
    tags: [route.procedure.split(".")[0] as string],
    ...(meta.auth ? { security: [{ bearer: [] }] } : {}),
    requestParams: {
      path: pick(route.pathParameters),
      header: headers,
      ...(route.body ? {} : { query: pick(rest) }),
    },
    ...(route.body && input
      ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: pick(rest) } },
          },
        }
      : {}),
    responses: {
      [String(route.status)]: {
        description: "Erfolg",
        content: {
          "application/json": {
            schema: meta.rest.paged ? route.output : z.object({ data: route.output }),
          },
        },
      },
      ...errorResponses([...implicitErrors(route), ...(meta.rest.errors ?? [])]),
    },
  };
}

/**
 * The /api/v1 routes that are no procedure: the OAuth redirect target, Shopify's webhooks (their
 * HMAC covers the raw body) and this document.
 */
const otherPaths: ZodOpenApiPathsObject = {
  "/api/v1/shopify/webhooks": {
    post: {
      operationId: "shopify.webhook",
      summary: "Webhooks von Shopify (jedes Topic; HMAC statt Anmeldung, bis 5 MB)",
      tags: ["shopify"],
      requestParams: {
        header: z.object({
          "X-Shopify-Topic": z.string(),
          "X-Shopify-Hmac-Sha256": z.string(),
          "X-Shopify-Shop-Domain": z.string(),
          "X-Shopify-Webhook-Id": z.string(),
          "X-Shopify-Event-Id": z.string().optional(),
          "X-Shopify-Triggered-At": z.string().optional(),
          "X-Shopify-API-Version": z.string(),
        }),
      },
      requestBody: {
        required: true,
        content: { "application/json": { schema: z.looseObject({}) } },
      },
      responses: {
        "200": {
          description: "Angenommen (`accepted` false: dieses Ereignis war schon angenommen)",
          content: {
            "application/json": { schema: z.object({ data: z.object({ accepted: z.boolean() }) }) },
          },
        },
        ...errorResponses([
          "invalid_request",
          "invalid_shop",
          "unauthorized",
          "payload_too_large",
          "internal_error",
        ]),
      },
    },
  },
  "/api/v1/shopify/oauth/callback": {
    get: {
      operationId: "shopify.oauthCallback",
      summary: "Rückkehr von Shopifys Zustimmungsseite (ohne Anmeldung)",
      tags: ["shopify"],
      requestParams: {
        query: z.object({
          code: z.string(),
          hmac: z.string(),
          shop: z.string(),
          state: z.string(),
          timestamp: z.string(),
          host: z.string().optional(),
        }),
      },
      responses: {
        "302": {
          description: `Zurück zu den Einstellungen: \`shopify=connected\`, oder \`shopify=error&reason=\` mit einem von ${oauthFailureReasons.join(", ")}`,
          headers: z.object({ Location: z.string() }),
        },
        ...errorResponses(["rate_limited", "internal_error"]),
      },
    },
  },
  "/api/v1/openapi.json": {
    get: {
      operationId: "openapi",
      summary: "Dieses Dokument (OpenAPI 3.1)",
      tags: ["docs"],
      responses: {
        "200": {
          description: "OpenAPI 3.1",
          content: { "application/json": { schema: z.looseObject({ openapi: z.string() }) } },
        },
      },
    },
  },
  "/api/v1/docs": {
    get: {
      operationId: "docs",
      summary: "Dieses Dokument als lesbare Referenz",
      tags: ["docs"],
      responses: { "200": { description: "HTML", content: { "text/html": {} } } },
    },
  },
};

/** The OpenAPI 3.1 document of every /api/v1 route, its schemas made from the procedures' zod. */
export function openApiDocument(routes: RestRoute[] = restRoutes()) {
  const paths: ZodOpenApiPathsObject = { ...otherPaths };
  for (const route of routes) {
    const method = route.method.toLowerCase() as "get";
    paths[route.path] = { ...paths[route.path], [method]: operation(route) };
  }
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "Roestify × Shopify",
      version: "1",
      description:
        'Antworten: `{"data": …}`; Fehler: `{"error": {"code", "message", "details"?}}`. Angemeldete Routen erwarten `Authorization: Bearer <JWT>`.',
    },
    paths,
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
  });
}
