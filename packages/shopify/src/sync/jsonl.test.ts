import { once } from "node:events";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { ExpiredResultError, readJsonl, TruncatedDownloadError } from "./jsonl.ts";

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
  "/expired": (res) => {
    res.writeHead(403, { "content-type": "application/xml" });
    res.end("<Error><Code>ExpiredToken</Code></Error>");
  },
};

const server = createServer((req, res) => answers[req.url ?? ""]?.(res));
server.listen(0, "127.0.0.1");
await once(server, "listening");
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

async function read(path: string) {
  const nodes = [];
  for await (const lines of readJsonl(`${base}${path}`)) {
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
});
