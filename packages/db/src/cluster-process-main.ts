// The process `startClusterProcess` forks: runs the cluster until told to stop or orphaned.
import { startEmbeddedPostgres } from "./embedded.ts";

const [dataDir, port] = process.argv.slice(2) as [string, string];
try {
  const cluster = await startEmbeddedPostgres({
    dataDir,
    port: port ? Number(port) : undefined,
    persistent: true,
  });
  const stop = async () => {
    await cluster.stop();
    process.exit(0);
  };
  // The parent disconnects to stop it, or ended (however it ended).
  process.once("disconnect", stop);
  process.once("SIGTERM", stop);
  process.send?.({ url: cluster.url });
} catch (error) {
  process.send?.({ error: (error as Error).message });
  process.exit(1);
}
