import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom, to as copyTo } from "pg-copy-streams";

/** A table's rows in COPY's binary format, as the server sent them. */
export type CopyRows = Buffer[];

export async function copyOut(db: pg.Client, table: string): Promise<CopyRows> {
  const rows: CopyRows = [];
  for await (const chunk of db.query(copyTo(`COPY ${table} TO STDOUT (FORMAT binary)`))) {
    rows.push(chunk as Buffer);
  }
  return rows;
}

export const copyIn = (db: pg.Client, table: string, rows: CopyRows) =>
  pipeline(Readable.from(rows), db.query(copyFrom(`COPY ${table} FROM STDIN (FORMAT binary)`)));
