/**
 * `text` as one flat string. V8 keeps a concatenation as a rope and flattens it where it is
 * first read whole: for a generated shop that was its first bulk export, which then paid for
 * the ropes of all of its records and pushed their flat copies into the old generation.
 * Reading a string as a number flattens it in place.
 */
export function flat<T extends string | null | undefined>(text: T): T {
  if (typeof text === "string") Number(text);
  return text;
}
