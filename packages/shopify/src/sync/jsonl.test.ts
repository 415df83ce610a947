import { once } from "node:events";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import {
  type DownloadOptions,
  ExpiredResultError,
  readJsonl,
  TruncatedDownloadError,
  UnsafeDownloadError,
} from "./jsonl.ts";

const lines = [
  { id: "gid://shopify/Product/1", title: "Brasil Sul de Minas – Röstung 😀" },
  { id: "gid://shopify/ProductVariant/2", __parentId: "gid://shopify/Product/1" },
];
const file = `${lines.map((line) => JSON.stringify(line)).join("\n")}\n`;

const answers: Record<string, (res: ServerResponse) => void | Promise<void>> = {
  "/complete": (res) => {
    res.writeHead(200, { "content-length": Buffer.byteLength(file) });
    res.end(file);
  },
  // Pieces of 5 bytes, so lines and characters are split between chunks.
  "/dribble": async (res) => {
    const bytes = Buffer.from(file);
    res.writeHead(200, { "content-length": bytes.length });
    for (let at = 0; at < bytes.length; at += 5) {
      res.write(bytes.subarray(at, at + 5));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    res.end();
  },
  "/no-final-newline": (res) => {
    const text = file.trimEnd();
    res.writeHead(200, { "content-length": Buffer.byteLength(text) });
    res.end(text);
  },
  // The connection drops before the declared length arrives.
  "/cut": (res) => {
    res.writeHead(200, { "content-length": Buffer.byteLength(file) });
    res.write(file.slice(0, 30));
    setTimeout(() => res.destroy(), 10);
  },
  // A body that ends mid-line without saying how long it is.
  "/cut-line": (res) => {
    res.writeHead(200);
    res.end(file.slice(0, file.length - 10));
  },
  // Headers, a first line, then nothing more: a stalled server.
  "/stall": (res) => {
    res.writeHead(200, { "content-length": Buffer.byteLength(file) });
    res.write(`${JSON.stringify(lines[0])}\n`);
  },
  // Never answers at all.
  "/silent": () => {},
  "/elsewhere": (res) => {
    res.writeHead(302, { location: `http://localhost:${port()}/complete` });
    res.end();
  },
  "/moved": (res) => {
    res.writeHead(301, { location: "/complete" });
    res.end();
  },
  "/expired": (res) => {
    res.writeHead(403, { "content-type": "application/xml" });
    res.end("<Error><Code>ExpiredToken</Code></Error>");
  },
};

const server = createServer((req, res) => answers[req.url ?? ""]?.(res));
server.listen(0, "127.0.0.1");
await once(server, "listening");
const port = () => (server.address() as AddressInfo).port;
const base = `http://127.0.0.1:${port()}`;
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

async function read(path: string, options: DownloadOptions = {}) {
  const nodes = [];
  for await (const lines of readJsonl(`${base}${path}`, { allowLoopbackHttp: true, ...options })) {
    for (const { node, text } of lines) {
      expect(JSON.parse(text)).toEqual(node);
      nodes.push(node);
    }
  }
  return nodes;
}

describe("readJsonl", () => {
  it("yields every line of a complete file", async () => {
    expect(await read("/complete")).toEqual(lines);
  });

  it("puts lines and characters split between chunks together", async () => {
    expect(await read("/dribble")).toEqual(lines);
  });

  it("yields a last line that has no newline of its own", async () => {
    expect(await read("/no-final-newline")).toEqual(lines);
  });

  it("detects a download cut short", async () => {
    await expect(read("/cut")).rejects.toBeInstanceOf(TruncatedDownloadError);
  });

  it("detects a last line that is not JSON", async () => {
    await expect(read("/cut-line")).rejects.toThrow("not JSON");
  });

  it("tells an expired result link from a failed download", async () => {
    await expect(read("/expired")).rejects.toBeInstanceOf(ExpiredResultError);
  });

  it("fetches only https, and plain http only to this machine in development", async () => {
    await expect(read("/complete", { allowLoopbackHttp: false })).rejects.toBeInstanceOf(
      UnsafeDownloadError,
    );
    const remote = readJsonl("http://storage.example.com/result.jsonl", {
      allowLoopbackHttp: true,
    });
    await expect(remote.next()).rejects.toBeInstanceOf(UnsafeDownloadError);
  });

  it("follows a redirect within the host, never to another host", async () => {
    expect(await read("/moved")).toEqual(lines);
    await expect(read("/elsewhere")).rejects.toThrow(/another host/);
  });

  it("gives up on a server that does not answer or stops sending", async () => {
    const timeouts = { connectTimeoutMs: 200, idleTimeoutMs: 200 };
    await expect(read("/silent", timeouts)).rejects.toThrow(/no answer for 200 ms/);
    await expect(read("/stall", timeouts)).rejects.toThrow(/no data for 200 ms/);
    await expect(read("/stall", timeouts)).rejects.toBeInstanceOf(TruncatedDownloadError);
  });

  it("stops when its job is cancelled", async () => {
    const cancel = new AbortController();
    const cancelled = new Error("job cancelled");
    setTimeout(() => cancel.abort(cancelled), 100);
    await expect(read("/stall", { signal: cancel.signal })).rejects.toBe(cancelled);
  });
});
