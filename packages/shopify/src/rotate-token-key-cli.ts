import { createDatabase, readDatabaseEnv, resolveDatabaseUrl } from "@roestify/db";
import { readTokenKeys } from "./env.ts";
import { rotateTokenKey } from "./token-rotation.ts";

// `pnpm db:rotate-token-key`: every token re-encrypted under TOKEN_ENCRYPTION_KEY (the old key in
// TOKEN_ENCRYPTION_KEY_PREVIOUS), in batches; run it again after an interruption.
try {
  const keys = readTokenKeys();
  const database = await resolveDatabaseUrl(readDatabaseEnv().databaseUrl);
  const db = createDatabase(database.url);
  try {
    const count = await rotateTokenKey(db, keys, {
      onBatch: ({ rotated, current }) => console.log(`… ${rotated} rotated, ${current} current`),
    });
    console.log(
      `rotated ${count.rotated} connections' tokens; ${count.current} were already under the current key; ${count.unreadable.length} unreadable`,
    );
    if (count.unreadable.length) {
      console.error(`neither key decrypts the tokens of: ${count.unreadable.join(", ")}`);
      process.exitCode = 1;
    }
  } finally {
    await db.close();
    await database.stop();
  }
} catch (error) {
  console.error(`db:rotate-token-key failed: ${(error as Error).message}`);
  process.exit(1);
}
