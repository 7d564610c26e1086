// Applies supabase/migrations/*.sql in order (once each) and optionally supabase/seed.sql,
// the way `supabase db reset` does. Against a hosted Supabase project use the Supabase CLI.
import postgres from "postgres";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

export async function migrate(databaseUrl: string, opts: { seed?: boolean } = {}): Promise<string[]> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`create schema if not exists supabase_migrations`;
    await sql`create table if not exists supabase_migrations.schema_migrations (version text primary key, name text)`;
    const done = new Set(
      (await sql<{ version: string }[]>`select version from supabase_migrations.schema_migrations`).map(
        (r) => r.version,
      ),
    );
    const dir = path.join(root, "supabase", "migrations");
    const files = (await readdir(dir)).filter((f) => f.endsWith(".sql")).sort();
    const applied: string[] = [];
    for (const file of files) {
      const [version = file, ...rest] = file.replace(/\.sql$/, "").split("_");
      if (done.has(version)) continue;
      const text = await readFile(path.join(dir, file), "utf8");
      await sql.begin(async (tx) => {
        await tx.unsafe(text);
        await tx`insert into supabase_migrations.schema_migrations (version, name) values (${version}, ${rest.join("_")})`;
      });
      applied.push(file);
    }
    if (opts.seed) await sql.unsafe(await readFile(path.join(root, "supabase", "seed.sql"), "utf8"));
    return applied;
  } finally {
    await sql.end();
  }
}

// `npm run db:migrate [-- --seed]`: apply the migrations to DATABASE_URL (e.g. a fresh database).
if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const url = process.env.DATABASE_URL ?? process.env.POSTGRES_URL;
  if (!url) {
    console.error("Set DATABASE_URL to the database to migrate (for a Supabase project prefer `supabase db push`).");
    process.exit(1);
  }
  const applied = await migrate(url, { seed: process.argv.includes("--seed") });
  console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Already up to date.");
}
