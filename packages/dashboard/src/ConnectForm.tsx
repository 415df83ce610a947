import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { errorMessage, useTRPC } from "./trpc.ts";

/** Connects a shop: Shopify's consent page opens in this tab, and comes back to this page. */
export function ConnectForm({ shop: initialShop }: { shop: string }) {
  const trpc = useTRPC();
  const id = useId();
  const [shop, setShop] = useState(initialShop);
  const authorize = useMutation(
    trpc.shopify.authorize.mutationOptions({
      onSuccess: ({ authorize_url }) => window.location.assign(authorize_url),
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    authorize.mutate({ shop });
  };
  return (
    <section aria-labelledby={`${id}-heading`} className="card">
      <h2 id={`${id}-heading`}>Shop verbinden</h2>
      <form onSubmit={submit} className="connect">
        <label htmlFor={`${id}-shop`}>Shop-Domain</label>
        <input
          id={`${id}-shop`}
          name="shop"
          placeholder="deine-roesterei.myshopify.com"
          autoComplete="off"
          spellCheck={false}
          value={shop}
          onChange={(event) => setShop(event.target.value)}
          aria-describedby={authorize.isError ? `${id}-error` : undefined}
        />
        <button type="submit" disabled={authorize.isPending || authorize.isSuccess}>
          Verbinden
        </button>
      </form>
      {authorize.isError && (
        <p id={`${id}-error`} role="alert" className="error">
          {errorMessage(authorize.error)}
        </p>
      )}
    </section>
  );
}
