import type { z } from "zod";
import { checkAnswers } from "#answer-checks";

/** A procedure's answer schema, as `.output()` takes it; `schema` documents its REST route. */
export interface Answer<Schema extends z.ZodType> {
  (value: unknown): z.output<Schema>;
  schema: Schema;
}

/**
 * `.output(answer(schema))`: the schema types the procedure (`RouterOutputs`) and documents its
 * route. The tests (the `test` condition) parse every answer against it; production does not:
 * the views build answers from typed rows, and the parse was the largest share of a list's CPU
 * (docs/ARCHITECTURE.md, "Answers").
 */
export function answer<Schema extends z.ZodType>(schema: Schema): Answer<Schema> {
  const check = checkAnswers
    ? (value: unknown) => schema.parse(value)
    : (value: unknown) => value as z.output<Schema>;
  return Object.assign(check, { schema });
}
