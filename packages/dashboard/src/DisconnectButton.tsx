import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useRef } from "react";
import { errorMessage, useTRPC } from "./trpc.ts";

/**
 * `Verbindung trennen` (while not disconnected): asks in a modal dialog first, then uninstalls the
 * app from the shop and ends the connection (the mirrored data stays), and confirms it.
 */
export function DisconnectButton({ connected }: { connected: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const disconnect = useMutation(
    trpc.shopify.disconnect.mutationOptions({
      onSuccess: () => {
        dialog.current?.close();
        void queryClient.invalidateQueries({ queryKey: trpc.shopify.status.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.inventory.list.queryKey() });
      },
    }),
  );
  return (
    <div className="disconnect">
      {connected && (
        <button type="button" className="danger" onClick={() => dialog.current?.showModal()}>
          Verbindung trennen
        </button>
      )}
      <dialog ref={dialog} aria-labelledby={`${id}-title`} aria-describedby={`${id}-text`}>
        <h3 id={`${id}-title`}>Verbindung zu Shopify trennen?</h3>
        <p id={`${id}-text`}>
          Roestify wird aus dem Shop deinstalliert, synchronisiert nichts mehr und überträgt keinen
          Bestand mehr. Die gespiegelten Daten bleiben erhalten; du kannst den Shop später wieder
          verbinden.
        </p>
        {disconnect.isError && (
          <p role="alert" className="error">
            {errorMessage(disconnect.error)}
          </p>
        )}
        <div className="actions">
          <button
            type="button"
            className="danger"
            disabled={disconnect.isPending}
            onClick={() => disconnect.mutate({ purge: false })}
          >
            Ja, Verbindung trennen
          </button>
          <button type="button" className="secondary" onClick={() => dialog.current?.close()}>
            Abbrechen
          </button>
        </div>
      </dialog>
      {disconnect.isSuccess && (
        <p role="status" className="success">
          Die Verbindung wurde getrennt.
          {disconnect.data.details.uninstall === "failed" &&
            " Shopify war nicht erreichbar: Bitte entferne die App dort zusätzlich unter „Apps“."}
        </p>
      )}
    </div>
  );
}
