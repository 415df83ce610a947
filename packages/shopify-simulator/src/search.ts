/**
 * The subset of Shopify's search syntax (https://shopify.dev/docs/api/usage/search-syntax) the
 * simulator understands: `field:value`, comparators `:>` `:>=` `:<` `:<=`, quoted values,
 * comma lists (`status:active,draft`), `*` for "has a value" and prefixes, `-field:value` /
 * `NOT`, implicit or explicit `AND`, `OR` between groups, and free text. Unknown fields are
 * ignored with a warning, as Shopify does.
 */

export type SearchField<T> =
  | { kind: "date"; get: (item: T) => string | null }
  | { kind: "number"; get: (item: T) => number }
  | { kind: "keyword"; get: (item: T) => string | null | readonly (string | null)[] }
  | { kind: "text"; get: (item: T) => string | null }
  | { kind: "match"; test: (item: T, value: string) => boolean };

export interface SearchFields<T> {
  /** Searched by free-text terms. */
  text: (item: T) => string;
  fields: Record<string, SearchField<T>>;
}

export interface SearchWarning {
  field: string;
  message: string;
}

export interface CompiledSearch<T> {
  matches: (item: T) => boolean;
  warnings: SearchWarning[];
}

type Predicate<T> = (item: T) => boolean;
type Comparator = ">" | ">=" | "<" | "<=" | "=";

export function compileSearch<T>(query: string, spec: SearchFields<T>): CompiledSearch<T> {
  const warnings: SearchWarning[] = [];
  const groups: Predicate<T>[][] = [[]];
  let negateNext = false;
  for (const token of tokenize(query)) {
    if (token === "AND") continue;
    if (token === "OR") {
      groups.push([]);
      continue;
    }
    if (token === "NOT") {
      negateNext = true;
      continue;
    }
    const negate = negateNext || (token.startsWith("-") && token.length > 1);
    negateNext = false;
    const term = compileTerm(token.startsWith("-") ? token.slice(1) : token, spec, warnings);
    if (term)
      (groups[groups.length - 1] as Predicate<T>[]).push(negate ? (item) => !term(item) : term);
  }
  const active = groups.filter((group) => group.length > 0);
  if (active.length === 0) return { matches: () => true, warnings };
  return {
    matches: (item) => active.some((group) => group.every((term) => term(item))),
    warnings,
  };
}

function tokenize(query: string): string[] {
  const tokens: string[] = [];
  let current = "";
  let quote: string | null = null;
  for (const char of query) {
    if (quote) {
      current += char;
      if (char === quote) quote = null;
    } else if (char === "'" || char === '"') {
      quote = char;
      current += char;
    } else if (/\s/.test(char)) {
      if (current) tokens.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  if (current) tokens.push(current);
  return tokens;
}

function unquote(value: string): string {
  return value.replace(/^(['"])(.*)\1$/s, "$2");
}

function compileTerm<T>(
  token: string,
  spec: SearchFields<T>,
  warnings: SearchWarning[],
): Predicate<T> | undefined {
  const colon = token.indexOf(":");
  if (colon <= 0) {
    const needle = unquote(token).toLowerCase().replace(/\*$/, "");
    return (item) => spec.text(item).toLowerCase().includes(needle);
  }
  const name = token.slice(0, colon);
  const field = spec.fields[name];
  if (!field) {
    warnings.push({ field: name, message: "Invalid search field for this query." });
    return undefined;
  }
  const match = /^(>=|<=|>|<|=)?(.*)$/s.exec(token.slice(colon + 1)) as RegExpExecArray;
  const comparator = (match[1] ?? "=") as Comparator;
  const raw = unquote(match[2] as string);
  switch (field.kind) {
    case "date":
      return dateTerm(field.get, comparator, raw, name, warnings);
    case "number": {
      const value = Number(raw.replace(/^gid:\/\/shopify\/\w+\//, ""));
      if (Number.isNaN(value)) {
        warnings.push({ field: name, message: `Invalid value '${raw}'.` });
        return undefined;
      }
      return (item) => compare(field.get(item), value, comparator);
    }
    case "keyword": {
      if (raw === "*") return (item) => [field.get(item)].flat().some((v) => v != null && v !== "");
      const wanted = raw.split(",").map((v) => v.toLowerCase());
      return (item) =>
        [field.get(item)].flat().some((v) => v != null && wanted.includes(v.toLowerCase()));
    }
    case "text": {
      if (raw === "*") return (item) => Boolean(field.get(item));
      const needle = raw.toLowerCase().replace(/\*$/, "");
      return (item) => (field.get(item) ?? "").toLowerCase().includes(needle);
    }
    case "match": {
      const values = raw.split(",");
      return (item) => values.some((value) => field.test(item, value.toLowerCase()));
    }
  }
}

function dateTerm<T>(
  get: (item: T) => string | null,
  comparator: Comparator,
  raw: string,
  name: string,
  warnings: SearchWarning[],
): Predicate<T> | undefined {
  const at = Date.parse(raw);
  if (Number.isNaN(at)) {
    warnings.push({ field: name, message: `Invalid date '${raw}'.` });
    return undefined;
  }
  // A bare date means the whole day.
  const wholeDay = /^\d{4}-\d{2}-\d{2}$/.test(raw);
  return (item) => {
    const value = get(item);
    if (value === null) return false;
    const ms = Date.parse(value);
    if (wholeDay && comparator === "=") return ms >= at && ms < at + 86_400_000;
    if (wholeDay && comparator === ">") return ms >= at + 86_400_000;
    if (wholeDay && comparator === "<=") return ms < at + 86_400_000;
    return compare(ms, at, comparator);
  };
}

function compare(a: number, b: number, comparator: Comparator): boolean {
  switch (comparator) {
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case "=":
      return a === b;
  }
}
