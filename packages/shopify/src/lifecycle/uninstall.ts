import { type AdminClient, ShopifyApiError } from "../admin-client.ts";
import { appUninstallMutation } from "../documents/index.ts";
import { refuseUserErrors, type UserErrors } from "./subscriptions.ts";

/** Uninstalls the app from the shop (`appUninstall`); throws when Shopify refuses. */
export async function uninstallApp(client: AdminClient): Promise<void> {
  const { appUninstall } = await client.request<{ appUninstall: UserErrors | null }>(
    appUninstallMutation,
  );
  if (!appUninstall) throw new ShopifyApiError("permanent", "appUninstall answered nothing");
  refuseUserErrors("appUninstall", appUninstall);
}
