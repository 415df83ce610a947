import { loadAdminSchema } from "@roestify/shopify/admin-schema";
import { isObjectType, isInterfaceType, isInputObjectType, isEnumType, isUnionType } from "graphql";
const s = loadAdminSchema();
for (const n of process.argv.slice(2)) {
  const t: any = s.getType(n);
  if (!t) { console.log("NO", n); continue; }
  if (isEnumType(t)) { console.log(`enum ${n}: ${t.getValues().map((v: any) => v.name + (v.deprecationReason ? "(dep)" : "")).join(" ")}`); continue; }
  if (isUnionType(t)) { console.log(`union ${n} = ${t.getTypes().join("|")}`); continue; }
  const ifs = isObjectType(t) ? " implements " + t.getInterfaces().map((i: any) => i.name).join(",") : isInterfaceType(t) ? " (interface)" : " (input)";
  console.log(`type ${n}${ifs}`);
  for (const f of Object.values(t.getFields()) as any[]) {
    const args = f.args?.length ? `(${f.args.map((a: any) => `${a.name}: ${a.type}${a.defaultValue !== undefined ? "=" + JSON.stringify(a.defaultValue) : ""}`).join(", ")})` : "";
    console.log(`  ${f.name}${args}: ${f.type}${f.deprecationReason ? " DEP" : ""}${f.defaultValue !== undefined ? " =" + JSON.stringify(f.defaultValue) : ""}`);
  }
}
