import { callbackErrorSentences, unknownCallbackError } from "./labels.ts";

/** What Shopify's redirect back to this page reported (`shopify=connected` or `error`). */
export function CallbackNotice({ params }: { params: URLSearchParams }) {
  const outcome = params.get("shopify");
  if (outcome === "connected") {
    return (
      <p role="status" className="notice success">
        Dein Shopify-Shop ist jetzt verbunden. Der erste Vollsync wurde eingeplant.
      </p>
    );
  }
  if (outcome === "error") {
    const reason = params.get("reason") ?? "";
    const sentence = Object.hasOwn(callbackErrorSentences, reason)
      ? callbackErrorSentences[reason as keyof typeof callbackErrorSentences]
      : unknownCallbackError;
    return (
      <p role="alert" className="notice error">
        {sentence}
      </p>
    );
  }
  return null;
}
