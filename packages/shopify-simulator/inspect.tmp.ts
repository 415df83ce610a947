import { loadAdminSchema } from "@roestify/shopify/admin-schema";
import { isObjectType, isInterfaceType, isInputObjectType, isEnumType, isUnionType, printType } from "graphql";
const s = loadAdminSchema();
const names = process.argv.slice(2);
const q = s.getQueryType()!, m = s.getMutationType()!;
for (const n of names) {
  if (n.startsWith("Q.")) { const f = q.getFields()[n.slice(2)]; console.log(f ? `${f.name}(${f.args.map(a=>`${a.name}: ${a.type}${a.defaultValue!==undefined?"="+JSON.stringify(a.defaultValue):""}`).join(", ")}): ${f.type}\n  ${f.description}\n  dep: ${f.deprecationReason??""}` : "no " + n); continue; }
  if (n.startsWith("M.")) { const f = m.getFields()[n.slice(2)]; console.log(f ? `${f.name}(${f.args.map(a=>`${a.name}: ${a.type}`).join(", ")}): ${f.type}\n  ${f.description}` : "no " + n); continue; }
  if (n.startsWith("D.")) { const d = s.getDirective(n.slice(2)); console.log(d ? JSON.stringify({name:d.name, desc:d.description, locs:d.locations, args:d.args.map(a=>`${a.name}: ${a.type}`)}, null, 1) : "no"); continue;}
  const t = s.getType(n); console.log(t ? printType(t) : "no " + n);
}
