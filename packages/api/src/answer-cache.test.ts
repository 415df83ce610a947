import { describe, expect, it } from "vitest";
import { RenderedAnswer } from "./answer.ts";
import { AnswerCache } from "./answer-cache.ts";

const rendered = (data: unknown) => new RenderedAnswer(Buffer.from(JSON.stringify({ data })));

describe("AnswerCache", () => {
  it("answers the kept answer while the version stands, renders afresh when it moved", async () => {
    const cache = new AnswerCache(1000);
    let renders = 0;
    const render = async () => rendered(++renders);
    expect((await cache.answer("org-1", "1", render)).toJSON()).toBe(1);
    expect((await cache.answer("org-1", "1", render)).toJSON()).toBe(1);
    expect((await cache.answer("org-1", "2", render)).toJSON()).toBe(2);
    expect((await cache.answer("org-2", "2", render)).toJSON()).toBe(3);
    expect(renders).toBe(3);
  });

  it("keeps no more bytes than it may, the least recently used going first; 0 keeps none", async () => {
    const cache = new AnswerCache(120);
    // 51 bytes each: two fit, three do not.
    const big = async () => rendered("x".repeat(40));
    await cache.answer("a", "1", big);
    await cache.answer("b", "1", big);
    await cache.answer("a", "1", async () => rendered("neu"));
    await cache.answer("c", "1", big);
    // "b" was used least recently: it went for "c".
    expect((await cache.answer("a", "1", async () => rendered("neu"))).toJSON()).toHaveLength(40);
    expect((await cache.answer("b", "1", async () => rendered("neu"))).toJSON()).toBe("neu");

    const none = new AnswerCache(0);
    await none.answer("a", "1", big);
    expect((await none.answer("a", "1", async () => rendered("neu"))).toJSON()).toBe("neu");
  });
});
