import { getDMMF } from "@prisma/get-dmmf";
import type { Queryable } from "./database.ts";

/** One table as both sides describe it, normalised so the two can be compared as strings. */
interface TableShape {
  columns: string[]; // "name type null|not null"
  indexes: string[]; // "primary|unique|index (a,b)"
  foreignKeys: string[]; // "(a) -> table(b) on delete x"
}

const scalarTypes: Record<string, string> = {
  String: "text",
  Int: "int4",
  BigInt: "int8",
  Boolean: "bool",
  DateTime: "timestamp(3)",
  Json: "jsonb",
  Bytes: "bytea",
  Decimal: "numeric(65,30)",
  Float: "float8",
};

const nativeTypes: Record<string, (args: string[]) => string> = {
  Uuid: () => "uuid",
  VarChar: (args) => `varchar(${args[0]})`,
  Timestamptz: (args) => `timestamptz(${args[0] ?? 6})`,
  Date: () => "date",
  Decimal: (args) => `numeric(${args[0]},${args[1]})`,
  Json: () => "json",
};

/** What `schema.prisma` says the database must look like. */
export function shapeFromPrismaSchema(schema: string): Map<string, TableShape> {
  const dmmf = getDMMF({ datamodel: schema });
  if ("error" in dmmf) throw dmmf.error;
  const { datamodel } = dmmf;
  const tables = new Map<string, TableShape>();
  const models = new Map(datamodel.models.map((model) => [model.name, model]));
  for (const model of datamodel.models) {
    const column = (fieldName: string) => {
      const field = model.fields.find((candidate) => candidate.name === fieldName);
      return field?.dbName ?? fieldName;
    };
    const columns = model.fields
      .filter((field) => field.kind === "scalar" || field.kind === "enum")
      .map((field) => {
        const [native, args] = (field.nativeType ?? []) as [string?, string[]?];
        const base = native ? nativeTypes[native]?.(args ?? []) : scalarTypes[field.type];
        const type = `${base ?? `unknown ${field.type}`}${field.isList ? "[]" : ""}`;
        // Prisma creates scalar lists as nullable arrays.
        const nullable = !field.isRequired || field.isList;
        return `${field.dbName ?? field.name} ${type} ${nullable ? "null" : "not null"}`;
      });
    const indexes = datamodel.indexes
      .filter((index) => index.model === model.name)
      .map((index) => {
        const kind = index.type === "id" ? "primary" : index.type === "unique" ? "unique" : "index";
        return `${kind} (${index.fields.map((field) => column(field.name)).join(",")})`;
      });
    const foreignKeys = model.fields
      .filter((field) => field.kind === "object" && field.relationFromFields?.length)
      .map((field) => {
        const target = models.get(field.type);
        const targetColumn = (name: string) =>
          target?.fields.find((candidate) => candidate.name === name)?.dbName ?? name;
        const from = (field.relationFromFields ?? []).map(column).join(",");
        const to = (field.relationToFields ?? []).map(targetColumn).join(",");
        const onDelete = (field.relationOnDelete ?? "NoAction").toLowerCase();
        return `(${from}) -> ${target?.dbName ?? field.type}(${to}) on delete ${onDelete}`;
      });
    tables.set(model.dbName ?? model.name, {
      columns: columns.sort(),
      indexes: indexes.sort(),
      foreignKeys: foreignKeys.sort(),
    });
  }
  return tables;
}

const onDeleteCodes: Record<string, string> = {
  a: "noaction",
  r: "restrict",
  c: "cascade",
  n: "setnull",
  d: "setdefault",
};

/**
 * What the migrated database looks like, in the same terms. Partial indexes are left out: Prisma
 * cannot express them, so the migrations may add them (they carry a comment saying why).
 */
export async function shapeFromDatabase(db: Queryable): Promise<Map<string, TableShape>> {
  const tables = new Map<string, TableShape>();
  const table = (name: string) => {
    let shape = tables.get(name);
    if (!shape) {
      shape = { columns: [], indexes: [], foreignKeys: [] };
      tables.set(name, shape);
    }
    return shape;
  };
  const columns = await db.query<{ table_name: string; line: string }>(`
    SELECT c.relname AS table_name,
           a.attname || ' ' ||
           CASE
             WHEN t.typname = 'timestamptz' THEN 'timestamptz(' || a.atttypmod || ')'
             WHEN t.typname = 'timestamp' THEN 'timestamp(' || a.atttypmod || ')'
             WHEN t.typname = 'varchar' THEN 'varchar(' || (a.atttypmod - 4) || ')'
             WHEN t.typname = 'numeric' THEN
               'numeric(' || ((a.atttypmod - 4) >> 16) || ',' || ((a.atttypmod - 4) & 65535) || ')'
             WHEN t.typname LIKE '\\_%' THEN substr(t.typname, 2) || '[]'
             ELSE t.typname
           END || ' ' ||
           CASE WHEN a.attnotnull THEN 'not null' ELSE 'null' END AS line
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_type t ON t.oid = a.atttypid
    WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
      AND c.relname <> '_prisma_migrations'`);
  for (const row of columns.rows) table(row.table_name).columns.push(row.line);
  const indexes = await db.query<{ table_name: string; line: string }>(`
    SELECT c.relname AS table_name,
           CASE WHEN i.indisprimary THEN 'primary' WHEN i.indisunique THEN 'unique' ELSE 'index' END
           || ' (' || (
             SELECT string_agg(a.attname, ',' ORDER BY k.ord)
             FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
           ) || ')' AS line
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND i.indpred IS NULL AND c.relname <> '_prisma_migrations'`);
  for (const row of indexes.rows) table(row.table_name).indexes.push(row.line);
  const foreignKeys = await db.query<{ table_name: string; line: string; on_delete: string }>(`
    SELECT c.relname AS table_name, con.confdeltype AS on_delete,
           '(' || (SELECT string_agg(a.attname, ',' ORDER BY k.ord)
                   FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum)
           || ') -> ' || fc.relname || '(' ||
           (SELECT string_agg(a.attname, ',' ORDER BY k.ord)
            FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum)
           || ')' AS line
    FROM pg_constraint con
    JOIN pg_class c ON c.oid = con.conrelid
    JOIN pg_class fc ON fc.oid = con.confrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND con.contype = 'f'`);
  for (const row of foreignKeys.rows) {
    table(row.table_name).foreignKeys.push(
      `${row.line} on delete ${onDeleteCodes[row.on_delete] ?? row.on_delete}`,
    );
  }
  for (const shape of tables.values()) {
    shape.columns.sort();
    shape.indexes.sort();
    shape.foreignKeys.sort();
  }
  return tables;
}

/** Every difference between the two shapes, as readable lines; empty when they agree. */
export function schemaDifferences(
  prisma: Map<string, TableShape>,
  database: Map<string, TableShape>,
): string[] {
  const differences: string[] = [];
  for (const name of new Set([...prisma.keys(), ...database.keys()])) {
    const expected = prisma.get(name);
    const actual = database.get(name);
    if (!expected || !actual) {
      differences.push(`table ${name}: only in ${expected ? "schema.prisma" : "the database"}`);
      continue;
    }
    for (const part of ["columns", "indexes", "foreignKeys"] as const) {
      for (const line of expected[part]) {
        if (!actual[part].includes(line)) differences.push(`${name}: ${line} missing in database`);
      }
      for (const line of actual[part]) {
        if (!expected[part].includes(line)) differences.push(`${name}: ${line} not in schema`);
      }
    }
  }
  return differences;
}
