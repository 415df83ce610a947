import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId } from "react";
import { DisconnectButton } from "./DisconnectButton.tsx";
import { connectionStatusLabels, dateTime, mirrorLabels, number } from "./labels.ts";
import { type Connection, errorMessage, type Status, useTRPC } from "./trpc.ts";

/** The connected shop: its state, the location stock is pushed to, and what is mirrored. */
export function ConnectionPanel({
  connection,
  counts,
}: {
  connection: Connection;
  counts: Status["mirror_counts"];
}) {
  const id = useId();
  return (
    <section aria-labelledby={`${id}-heading`} className="card">
      <h2 id={`${id}-heading`}>Verbundener Shop</h2>
      <dl className="facts">
        <div>
          <dt>Shop</dt>
          <dd>{connection.shop}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>
            <span className={`badge ${connection.status}`}>
              {connectionStatusLabels[connection.status] ?? connection.status}
            </span>
          </dd>
        </div>
        <div>
          <dt>Verbunden seit</dt>
          <dd>{dateTime.format(new Date(connection.connected_at))}</dd>
        </div>
      </dl>
      <LocationSelect connection={connection} />
      <h3>Gespiegelte Daten</h3>
      <dl className="counts">
        {Object.entries(mirrorLabels).map(([table, label]) => (
          <div key={table}>
            <dt>{label}</dt>
            <dd>{number.format(counts[table as keyof typeof mirrorLabels] ?? 0)}</dd>
          </div>
        ))}
      </dl>
      <DisconnectButton connected={connection.status !== "disconnected"} />
    </section>
  );
}

/** `Lagerort`: choosing a location saves it at once. */
function LocationSelect({ connection }: { connection: Connection }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const save = useMutation(
    trpc.shopify.updateConnection.mutationOptions({
      onSuccess: (updated) =>
        queryClient.setQueryData(trpc.shopify.status.queryKey(), (status) =>
          status ? { ...status, connection: updated } : status,
        ),
    }),
  );
  const selected = save.isPending
    ? save.variables.inventory_location_id
    : (connection.inventory_location_id ?? "");
  return (
    <div className="field">
      <label htmlFor={`${id}-location`}>Lagerort</label>
      <select
        id={`${id}-location`}
        value={selected}
        disabled={save.isPending}
        aria-describedby={`${id}-location-hint`}
        onChange={(event) => save.mutate({ inventory_location_id: event.target.value })}
      >
        {connection.inventory_location_id === null && <option value="">Bitte wählen</option>}
        {connection.locations.map((location) => (
          <option key={location.id} value={location.id}>
            {location.name}
            {location.is_primary ? " (Hauptstandort)" : ""}
          </option>
        ))}
      </select>
      <p id={`${id}-location-hint`} className="hint">
        Roestifys Bestand wird an diesen Shopify-Standort übertragen.
      </p>
      {save.isSuccess && (
        <p role="status" className="success">
          Lagerort gespeichert.
        </p>
      )}
      {save.isError && (
        <p role="alert" className="error">
          {errorMessage(save.error)}
        </p>
      )}
    </div>
  );
}
