/**
 * COPY TO STDOUT / FROM STDIN on a plain `pg` client, without a copy-streams dependency: a
 * submittable query that handles the copy messages itself (the way pg-copy-streams does).
 */
import type pg from "pg";

/** A table's rows in COPY's binary format, as the server sent them. */
export type CopyRows = Buffer[];

interface Connection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

function copy(db: pg.Client, sql: string, input: CopyRows = []): Promise<CopyRows> {
  return new Promise((resolve, reject) => {
    const output: CopyRows = [];
    let failure: Error | null = null;
    const ignore = () => {};
    const submittable = {
      submit: (connection: Connection) => connection.query(sql),
      handleCopyInResponse(connection: Connection) {
        for (const chunk of input) connection.sendCopyFromChunk(chunk);
        connection.endCopyFrom();
      },
      // The parser reuses its buffer: each chunk is copied before the next message arrives.
      handleCopyData: (message: { chunk: Buffer }) => output.push(Buffer.from(message.chunk)),
      handleError: (error: Error) => {
        failure = error;
      },
      handleReadyForQuery: () => (failure ? reject(failure) : resolve(output)),
      handleCommandComplete: ignore,
      handleRowDescription: ignore,
      handleDataRow: ignore,
      handleEmptyQuery: ignore,
      handlePortalSuspended: ignore,
    };
    db.query(submittable as unknown as pg.Submittable);
  });
}

export const copyOut = (db: pg.Client, table: string) =>
  copy(db, `COPY ${table} TO STDOUT (FORMAT binary)`);

export const copyIn = (db: pg.Client, table: string, rows: CopyRows) =>
  copy(db, `COPY ${table} FROM STDIN (FORMAT binary)`, rows);
