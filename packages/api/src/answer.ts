import type { z } from "zod";
import { checkAnswers } from "#answer-checks";

/**
 * An answer already rendered as its REST route sends it, `{"data": …}` (kept by an
 * `AnswerCache`): the REST shim sends these bytes as they are; tRPC, which serializes answers
 * itself, sends what `toJSON()` gives. Procedures return it in place of the value it renders.
 */
export class RenderedAnswer {
  readonly body: Buffer;

  constructor(body: Buffer) {
    this.body = body;
  }

  toJSON(): unknown {
    return (JSON.parse(this.body.toString()) as { data: unknown }).data;
  }
}

/**
 * A procedure's answer schema, as `.output()` takes it; `schema` documents its route. The
 * procedure returns the value or that value rendered (types only: tRPC reads what a procedure may
 * return from `_input`, what it answers from `_output`).
 */
export interface Answer<Schema extends z.ZodType> {
  (value: unknown): z.output<Schema>;
  schema: Schema;
  _input: z.output<Schema> | RenderedAnswer;
  _output: z.output<Schema>;
}

/**
 * `.output(answer(schema))`: the schema types the procedure (`RouterOutputs`) and documents its
 * route. The tests (the `test` condition) parse every answer against it, a rendered one as it is
 * sent; production does not: the views build answers from typed rows, and the parse was the
 * largest share of a list's CPU (docs/ARCHITECTURE.md, "Answers").
 */
export function answer<Schema extends z.ZodType>(schema: Schema): Answer<Schema> {
  const check = checkAnswers
    ? (value: unknown) => {
        if (!(value instanceof RenderedAnswer)) return schema.parse(value);
        schema.parse(value.toJSON());
        return value as z.output<Schema>;
      }
    : (value: unknown) => value as z.output<Schema>;
  return Object.assign(check, { schema }) as Answer<Schema>;
}
