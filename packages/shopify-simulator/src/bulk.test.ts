import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP, startWithShop, type TestSimulator } from "./test-helpers.ts";

let t: TestSimulator;

const run = `mutation($query: String!) {
  bulkOperationRunQuery(query: $query, groupObjects: false) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}`;
const poll = `query($id: ID!) { bulkOperation(id: $id) {
  id status errorCode objectCount rootObjectCount fileSize url partialDataUrl createdAt completedAt } }`;

async function runBulk(query: string) {
  const { body } = await t.gql(run, { query });
  return body.data.bulkOperationRunQuery;
}

async function finished(id: string) {
  for (;;) {
    const op = (await t.gql(poll, { id })).body.data.bulkOperation;
    if (!["CREATED", "RUNNING", "CANCELING"].includes(op.status)) return op;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function lines(url: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(url);
  const text = await res.text();
  expect(Number(res.headers.get("content-length"))).toBe(Buffer.byteLength(text));
  return text
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
}

beforeAll(async () => {
  t = await startWithShop({}, { products: 8, orders: 12, customers: 5 });
});
afterAll(() => t.sim.close());

describe("bulk queries", () => {
  it("writes products and their variants as JSONL lines with __parentId", async () => {
    const started = await runBulk(`{ products { edges { node { id title
      variants { edges { node { id sku inventoryItem { id tracked } } } } } } } }`);
    expect(started).toMatchObject({ bulkOperation: { status: "CREATED" }, userErrors: [] });
    const op = await finished(started.bulkOperation.id);
    expect(op).toMatchObject({
      status: "COMPLETED",
      errorCode: null,
      objectCount: "32",
      rootObjectCount: "8",
    });
    const rows = await lines(op.url);
    expect(Number(op.fileSize)).toBe(
      Buffer.byteLength(`${rows.map((r) => JSON.stringify(r)).join("\n")}\n`),
    );
    const products = rows.filter((r) => !("__parentId" in r));
    const variants = rows.filter((r) => "__parentId" in r);
    expect(products).toHaveLength(8);
    expect(variants).toHaveLength(24);
    expect(Object.keys(products[0] ?? {})).toEqual(["id", "title"]);
    // Nested non-connection objects stay inline; children follow their parent.
    expect(rows[1]).toEqual({
      id: expect.stringMatching(/ProductVariant/),
      sku: expect.any(String),
      inventoryItem: { id: expect.stringMatching(/InventoryItem/), tracked: true },
      __parentId: rows[0]?.id,
    });
  });

  it("splits orders into order, line item and (inline) fulfillment data", async () => {
    const started = await runBulk(`{ orders(query: "status:any") { edges { node { id name
      fulfillments { id status trackingInfo { number } }
      lineItems { edges { node { id sku quantity variant { id } } } } } } } }`);
    const op = await finished(started.bulkOperation.id);
    const rows = await lines(op.url);
    const orders = rows.filter((r) => String(r.id).includes("/Order/"));
    const items = rows.filter((r) => String(r.id).includes("/LineItem/"));
    expect(orders).toHaveLength(12);
    expect(items.length).toBeGreaterThanOrEqual(12);
    expect(new Set(items.map((i) => i.__parentId))).toEqual(new Set(orders.map((o) => o.id)));
    expect(orders.every((o) => Array.isArray(o.fulfillments))).toBe(true);
    expect(Number(op.objectCount)).toBe(rows.length);
  });

  it("validates the inner query into userErrors", async () => {
    expect((await runBulk("{ shop { name } }")).userErrors[0]).toMatchObject({
      field: ["query"],
      message: "Bulk queries must contain at least one connection.",
    });
    expect(
      (await runBulk("{ products { edges { node { titel } } } }")).userErrors[0].message,
    ).toContain("Field 'titel' doesn't exist on type 'Product'");
    expect(
      (
        await runBulk(
          "{ products { edges { node { title variants { edges { node { id } } } } } } }",
        )
      ).userErrors[0].message,
    ).toContain("must select the 'id' field");
  });

  it("runs at most five operations at once per shop", async () => {
    t.sim.updateShop(SHOP, { bulkDelayMs: 60_000 });
    const query = "{ products { edges { node { id } } } }";
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const started = await runBulk(query);
      expect(started.userErrors).toEqual([]);
      ids.push(started.bulkOperation.id);
    }
    const running = (await t.gql(poll, { id: ids[0] })).body.data.bulkOperation;
    expect(running.status).toBe("RUNNING");
    const sixth = await runBulk(query);
    expect(sixth.bulkOperation).toBeNull();
    expect(sixth.userErrors[0]).toMatchObject({ code: "OPERATION_IN_PROGRESS" });
    expect(sixth.userErrors[0].message).toContain(
      "A bulk query operation for this app and shop is already in progress",
    );

    const cancel = await t.gql(
      `mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { status } userErrors { message } } }`,
      { id: ids[0] },
    );
    expect(cancel.body.data.bulkOperationCancel).toEqual({
      bulkOperation: { status: "CANCELING" },
      userErrors: [],
    });
    expect((await finished(ids[0] as string)).status).toBe("CANCELED");
    expect((await runBulk(query)).userErrors).toEqual([]);
    const current = (await t.gql("{ currentBulkOperation { id status } }")).body.data
      .currentBulkOperation;
    expect(current.status).toBe("RUNNING");
    for (const id of ids.slice(1)) {
      await t.gql(
        `mutation($id: ID!) { bulkOperationCancel(id: $id) { userErrors { message } } }`,
        { id },
      );
    }
    await t.gql(`mutation($id: ID!) { bulkOperationCancel(id: $id) { userErrors { message } } }`, {
      id: current.id,
    });
    t.sim.updateShop(SHOP, { bulkDelayMs: 0 });
  });

  it("fails operations and cuts downloads short when those faults are injected", async () => {
    t.sim.setFaults(SHOP, { bulkFail: 1 });
    const failed = await finished(
      (await runBulk("{ products { edges { node { id } } } }")).bulkOperation.id,
    );
    expect(failed).toMatchObject({
      status: "FAILED",
      errorCode: "INTERNAL_SERVER_ERROR",
      url: null,
    });
    expect(failed.partialDataUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/_bulk\/\d+\.jsonl$/);

    t.sim.setFaults(SHOP, {});
    const op = await finished(
      (await runBulk("{ products { edges { node { id title } } } }")).bulkOperation.id,
    );
    t.sim.setFaults(SHOP, { bulkTruncate: 1 });
    const res = await fetch(op.url);
    expect(Number(res.headers.get("content-length"))).toBe(Number(op.fileSize));
    await expect(res.text()).rejects.toThrow();
    t.sim.setFaults(SHOP, {});

    t.sim.setFaults(SHOP, { bulkRepeat: 1 });
    const repeated = await finished(
      (await runBulk("{ products { edges { node { id } } } }")).bulkOperation.id,
    );
    t.sim.setFaults(SHOP, {});
    const lines = (await (await fetch(repeated.url)).text()).trim().split("\n");
    expect(lines.length).toBe(new Set(lines).size + 1);
  });

  it("expires result URLs after seven days", async () => {
    const op = await finished(
      (await runBulk("{ products { edges { node { id } } } }")).bulkOperation.id,
    );
    expect((await fetch(op.url)).status).toBe(200);
    t.sim.advanceClock(7 * 86_400_000 + 1000);
    expect((await t.gql(poll, { id: op.id })).body.data.bulkOperation.url).toBeNull();
    expect((await fetch(op.url)).status).toBe(400);
  });
});
