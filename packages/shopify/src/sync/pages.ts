import type { AdminClient } from "../admin-client.ts";

export interface Page<T> {
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** The page of a connection that is not there (its parent was not found). */
export const emptyPage = { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } };

/**
 * The nodes of a paginated query, a page at a time; `pick` finds the connection in the answer.
 * Paging starts after `variables.after` when given.
 */
export async function* pages<T>(
  client: AdminClient,
  document: string,
  variables: { after?: string | null; [name: string]: unknown },
  pick: (data: Record<string, unknown>) => Page<T>,
): AsyncGenerator<T[]> {
  let after = variables.after ?? null;
  for (;;) {
    const page = pick(
      await client.request<Record<string, unknown>>(document, { ...variables, after }),
    );
    yield page.nodes;
    if (!page.pageInfo.hasNextPage) return;
    after = page.pageInfo.endCursor;
  }
}

/**
 * Every node of a nested connection whose first page came with its parent: that page's nodes,
 * then the pages after it, read by `document` for the parent `id` (`pick` finds the connection).
 */
export async function allNodes<T>(
  client: AdminClient,
  first: Page<T>,
  document: string,
  id: string,
  pick: (data: Record<string, unknown>) => Page<T> | undefined,
): Promise<T[]> {
  const nodes = [...first.nodes];
  if (!first.pageInfo.hasNextPage) return nodes;
  const rest = pages<T>(
    client,
    document,
    { id, after: first.pageInfo.endCursor },
    (data) => pick(data) ?? emptyPage,
  );
  for await (const page of rest) nodes.push(...page);
  return nodes;
}
