import { LRUCache } from "lru-cache";
import type { RenderedAnswer } from "./answer.ts";

interface Kept {
  version: string;
  answer: RenderedAnswer;
}

/**
 * Rendered answers of one process, each kept under the version of the data it was rendered
 * from (a version the database moves with every change of that data): an answer is served again
 * only while the version read for the request is the same. The least recently used go first
 * when they take more than `maxBytes`; 0 keeps none.
 */
export class AnswerCache {
  readonly #kept: LRUCache<string, Kept> | undefined;

  constructor(maxBytes: number) {
    this.#kept =
      maxBytes > 0
        ? new LRUCache<string, Kept>({
            maxSize: maxBytes,
            sizeCalculation: (kept) => kept.answer.body.byteLength || 1,
          })
        : undefined;
  }

  /**
   * The answer kept under `key` if it was rendered at `version`, else `render()`'s, kept. The
   * caller reads `version` before `render` reads the data, so a kept answer is never older than
   * its version says (at worst newer: the next request renders it again).
   */
  async answer(key: string, version: string, render: () => Promise<RenderedAnswer>) {
    const kept = this.#kept?.get(key);
    if (kept?.version === version) return kept.answer;
    const answer = await render();
    this.#kept?.set(key, { version, answer });
    return answer;
  }
}
