import { JsonText } from "./mirror-rows.ts";

/** The PostgreSQL types the mirrors' columns have, as a COPY line spells their values. */
export type ColumnType =
  | "bigint"
  | "integer"
  | "numeric"
  | "text"
  | "text[]"
  | "timestamptz"
  | "uuid"
  | "jsonb";

const copySpecial = /[\\\n\r\t]/;
const copySpecials = new RegExp(copySpecial.source, "g");
const copyEscapes: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** A value as COPY's text format reads it: backslash, newline, return and tab escaped. */
const copyEscape = (text: string) =>
  copySpecial.test(text) ? text.replace(copySpecials, (char) => copyEscapes[char] as string) : text;

/** A text array's literal: every element quoted, so commas, braces and `NULL` stay text. */
const arrayLiteral = (items: unknown[]) =>
  `{${items
    .map((item) => (item == null ? "NULL" : `"${String(item).replace(/["\\]/g, "\\$&")}"`))
    .join(",")}}`;

function field(value: unknown, type: ColumnType): string {
  if (value === null || value === undefined) return "\\N";
  switch (type) {
    case "jsonb":
      return copyEscape(value instanceof JsonText ? value.text : JSON.stringify(value));
    case "text[]":
      return copyEscape(arrayLiteral(value as unknown[]));
    default:
      return copyEscape(String(value));
  }
}

/** One row as a line of `COPY … FROM STDIN` in text format, its columns in the given order. */
export function copyLine(row: Record<string, unknown>, columns: [string, ColumnType][]): string {
  return `${columns.map(([column, type]) => field(row[column], type)).join("\t")}\n`;
}
