import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { type Status, useTRPC } from "./trpc.ts";

const finished = new Set(["succeeded", "failed", "cancelled"]);

/**
 * Keeps the status up to date from the job subscription: a changed job replaces the shown one of
 * its type; when a job ends, the counts and the stock are read again.
 */
export function useJobChanges() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const statusKey = trpc.shopify.status.queryKey();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: statusKey });
    void queryClient.invalidateQueries({ queryKey: trpc.inventory.list.queryKey() });
  };
  useSubscription(
    trpc.shopify.jobChanges.subscriptionOptions(undefined, {
      // A change between a status read that ended before the subscription started and the start
      // would be lost: read it again then. A status still loading is newer than the start.
      onStarted() {
        if (queryClient.getQueryState(statusKey)?.status === "success") refresh();
      },
      onData(event) {
        if ("resync" in event) return refresh();
        const { job } = event;
        queryClient.setQueryData(statusKey, (status: Status | undefined) => {
          const shown = status?.jobs[job.type];
          if (!status || (shown && shown.created_at > job.created_at)) return status;
          return { ...status, jobs: { ...status.jobs, [job.type]: job } };
        });
        if (finished.has(job.status)) refresh();
      },
    }),
  );
}
