import { router } from "../trpc.ts";
import { authorize } from "./authorize.ts";
import { cancelJob } from "./cancel-job.ts";
import { dataRequests } from "./data-requests.ts";
import { disconnect } from "./disconnect.ts";
import { job } from "./job.ts";
import { jobChanges } from "./job-changes.ts";
import { jobs } from "./jobs.ts";
import { retryJob } from "./retry-job.ts";
import { status } from "./status.ts";
import { sync } from "./sync.ts";
import { updateConnection } from "./update-connection.ts";

export const shopifyRouter = router({
  authorize,
  cancelJob,
  dataRequests,
  disconnect,
  job,
  jobChanges,
  jobs,
  retryJob,
  status,
  sync,
  updateConnection,
});
