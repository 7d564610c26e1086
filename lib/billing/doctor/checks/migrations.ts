import { readdir } from "node:fs/promises";
import { redact } from "@/lib/log";
import { fail, pass, type DoctorCheck } from "@/lib/billing/doctor/types";

const FIX = "Apply them: supabase db push (Supabase CLI, linked project), or DATABASE_URL=… npm run db:migrate.";

/** Migration files (supabase/migrations/<version>_<name>.sql) whose version the database lacks. */
export function pendingMigrations(files: string[], applied: Set<string>): string[] {
  return files
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .filter((f) => !applied.has(f.split("_")[0]!));
}

export const migrationsCheck: DoctorCheck = {
  id: "migrations",
  title: "Database migrations",
  async run(ctx) {
    const files = await readdir(ctx.migrationsDir);
    let table;
    try {
      [table] = await ctx.sql<{ name: string | null }[]>`
        select to_regclass('supabase_migrations.schema_migrations')::text as name`;
    } catch (err) {
      return fail(
        `the database did not answer (${redact(err instanceof Error ? err.message : String(err))})`,
        "Check DATABASE_URL (or POSTGRES_URL): Supabase → Project Settings → Database → Connection string, transaction pooler.",
      );
    }
    if (!table?.name) return fail("no migration has been applied to this database", FIX);
    const applied = new Set(
      (await ctx.sql<{ version: string }[]>`select version from supabase_migrations.schema_migrations`).map(
        (r) => r.version,
      ),
    );
    const pending = pendingMigrations(files, applied);
    const total = files.filter((f) => f.endsWith(".sql")).length;
    if (!pending.length) return pass(`all ${total} applied`);
    return fail(`${pending.length} of ${total} not applied: ${pending.join(", ")}`, FIX);
  },
};
