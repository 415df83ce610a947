import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import { CallbackNotice } from "./CallbackNotice.tsx";
import { ConnectForm } from "./ConnectForm.tsx";
import { ConnectionPanel } from "./ConnectionPanel.tsx";
import { StockTable } from "./StockTable.tsx";
import { SyncJobs } from "./SyncJobs.tsx";
import { errorMessage, useTRPC } from "./trpc.ts";
import { useJobChanges } from "./useJobChanges.ts";

export const usableMark = "roestify:usable";

/** /dashboard/settings?tab=shopify: the roastery's Shopify connection, syncs and stock. */
export function SettingsPage() {
  const trpc = useTRPC();
  const status = useQuery(trpc.shopify.status.queryOptions());
  // Asked for together with the status (one batched request), not after it.
  useQuery(trpc.inventory.list.queryOptions());
  useJobChanges();
  const connection = status.data?.connection;
  const shown = status.isSuccess;
  useEffect(() => {
    // When the page became usable (the connection's state shown), for the browser test's budget.
    if (shown) performance.mark(usableMark);
  }, [shown]);
  return (
    <>
      <header className="top">
        <p className="brand">Roestify</p>
        <nav aria-label="Einstellungen">
          <a href="/dashboard/settings?tab=shopify" aria-current="page">
            Shopify
          </a>
        </nav>
      </header>
      <main>
        <h1>Shopify-Einstellungen</h1>
        <CallbackNotice params={new URLSearchParams(window.location.search)} />
        {status.isPending ? (
          <p aria-busy="true">Verbindung wird geladen …</p>
        ) : status.isError ? (
          <p role="alert">{errorMessage(status.error)}</p>
        ) : (
          <>
            {connection && (
              <ConnectionPanel connection={connection} counts={status.data.mirror_counts} />
            )}
            {connection?.status !== "active" && <ConnectForm shop={connection?.shop ?? ""} />}
            {connection && <SyncJobs jobs={status.data.jobs} />}
            <StockTable />
          </>
        )}
      </main>
    </>
  );
}
