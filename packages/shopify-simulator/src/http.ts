import type { IncomingMessage, ServerResponse } from "node:http";

/** A response that does not depend on Node's HTTP objects, so logic stays testable and reusable. */
export interface HttpAnswer {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON, strings as they are (HTML unless a content type is given). */
  body?: unknown;
}

export function json(status: number, body: unknown, headers?: Record<string, string>): HttpAnswer {
  return { status, body, headers };
}

export function redirect(location: string): HttpAnswer {
  return { status: 302, headers: { Location: location }, body: "" };
}

export function send(res: ServerResponse, answer: HttpAnswer): void {
  if (answer.body === undefined) {
    res.writeHead(answer.status, answer.headers);
    res.end();
    return;
  }
  const isText = typeof answer.body === "string";
  // Encoded once: measuring the string and then writing it would convert big pages twice.
  const payload = Buffer.from(isText ? (answer.body as string) : JSON.stringify(answer.body));
  res.writeHead(answer.status, {
    "Content-Type": isText ? "text/html; charset=utf-8" : "application/json; charset=utf-8",
    "Content-Length": payload.length,
    ...answer.headers,
  });
  res.end(payload);
}

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError(`request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** JSON or form-encoded bodies as a flat string map (what OAuth endpoints accept). */
export function parseForm(body: string, contentType: string | undefined): Record<string, string> {
  if (contentType?.includes("application/json")) {
    const parsed = JSON.parse(body || "{}") as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(parsed).map(([k, v]) => [k, v == null ? "" : String(v)]),
    );
  }
  return Object.fromEntries(new URLSearchParams(body));
}

const entities: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => entities[char] as string);
}
