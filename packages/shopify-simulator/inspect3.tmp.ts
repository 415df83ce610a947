import { loadAdminSchema } from "@roestify/shopify/admin-schema";
import { isEnumType } from "graphql";
const s = loadAdminSchema();
for (const n of process.argv.slice(2)) {
  const [tn, fn] = n.split(".");
  const t: any = s.getType(tn!);
  if (isEnumType(t)) { for (const v of t.getValues()) if (!fn || v.name === fn) console.log(`${tn}.${v.name}: ${v.description}`); continue; }
  const fs = t.getFields();
  for (const f of Object.values(fs) as any[]) if (!fn || f.name === fn) { console.log(`${tn}.${f.name}: ${f.description}`); for (const a of f.args ?? []) console.log(`   arg ${a.name}: ${a.description}`); }
}
