import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { number, pushStatusLabels } from "./labels.ts";
import { errorMessage, useTRPC } from "./trpc.ts";

/** Roestify's stock per SKU next to Shopify's quantity at the chosen location. */
export function StockTable() {
  const trpc = useTRPC();
  const id = useId();
  const stock = useQuery(trpc.inventory.list.queryOptions());
  return (
    <section aria-labelledby={`${id}-heading`} className="card">
      <h2 id={`${id}-heading`}>Bestand</h2>
      {stock.isPending ? (
        <p aria-busy="true">Bestand wird geladen …</p>
      ) : stock.isError ? (
        <p role="alert">{errorMessage(stock.error)}</p>
      ) : stock.data.length === 0 ? (
        <p className="hint">
          Noch keine SKUs. Sie entstehen beim ersten Sync aus den Shopify-Varianten.
        </p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">SKU</th>
              <th scope="col">Bestand</th>
              <th scope="col">Menge in Shopify</th>
              <th scope="col">Übertragung</th>
            </tr>
          </thead>
          <tbody>
            {stock.data.map((row) => (
              <tr key={row.sku}>
                <th scope="row">
                  {row.sku}
                  {row.title && <span className="hint"> {row.title}</span>}
                </th>
                <td className="number">{number.format(row.available)}</td>
                <td className="number">
                  {row.shopify_available === null ? "–" : number.format(row.shopify_available)}
                </td>
                <td>
                  {pushStatusLabels[row.push_status] ?? row.push_status}
                  {row.push_status === "conflict" && row.push_error && (
                    <span className="conflict"> {row.push_error}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
