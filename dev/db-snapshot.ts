// Named snapshots of the rows of the local stack's database, for e2e tests that each start from a
// known state. A snapshot covers every table of every schema but the system's, the migrations'
// and its own (so tables that later migrations add are covered without naming them), plus every
// sequence. Restoring is one statement: a function generated when the snapshot was taken.
// Only for a database the stack created itself: restoring empties every table it covers first.
import type postgres from "postgres";

const SCHEMA = "dev_snapshot";
const SKIPPED_SCHEMAS = ["pg_catalog", "information_schema", "pg_toast", "supabase_migrations", SCHEMA];

const INSTALL = /* sql */ `
create schema if not exists ${SCHEMA};
revoke all on schema ${SCHEMA} from public;

create or replace function ${SCHEMA}.take(p_name text) returns int language plpgsql as $take$
declare
  t record;
  s record;
  cols text;
  copy text;
  deletes text := '';
  inserts text := '';
  sequences text := '';
  n int := 0;
begin
  if p_name !~ '^[a-z][a-z0-9_]*$' then raise exception 'snapshot names are [a-z][a-z0-9_]*'; end if;
  for t in
    select c.oid, format('%I.%I', ns.nspname, c.relname) as qualified
    from pg_class c join pg_namespace ns on ns.oid = c.relnamespace
    where c.relkind in ('r', 'p') and not c.relispartition
      and ns.nspname <> all (${sqlArray(SKIPPED_SCHEMAS)}) and ns.nspname not like 'pg_temp%'
      and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype = 'e')
    order by ns.nspname, c.relname
  loop
    -- Generated columns can't be inserted; they are computed again.
    select string_agg(quote_ident(a.attname), ', ' order by a.attnum) into cols
    from pg_attribute a where a.attrelid = t.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = '';
    n := n + 1;
    copy := format('%I.%I', '${SCHEMA}', p_name || '_' || n);
    execute format('drop table if exists %s', copy);
    execute format('create table %s as select %s from %s', copy, cols, t.qualified);
    deletes := deletes || format(E'delete from %s;\\n', t.qualified);
    inserts := inserts || format(E'insert into %s (%s) overriding system value select %s from %s;\\n',
                                 t.qualified, cols, cols, copy);
  end loop;
  if n = 0 then raise exception 'no tables to snapshot'; end if;
  for s in
    select format('%I.%I', schemaname, sequencename) as qualified, last_value, start_value
    from pg_sequences where schemaname <> all (${sqlArray(SKIPPED_SCHEMAS)})
  loop
    sequences := sequences || format(E'perform setval(%L, %s, %L);\\n',
                                     s.qualified, coalesce(s.last_value, s.start_value), s.last_value is not null);
  end loop;
  -- replica: no triggers and no foreign key checks, so tables empty and fill in any order. Delete,
  -- not truncate: ten times faster on tables this small.
  execute format($f$
    create or replace function %I.%I() returns void language plpgsql
    set session_replication_role = replica set lock_timeout = '5s' as $body$
    begin
      %s
      %s
      %s
    end $body$ $f$, '${SCHEMA}', 'restore_' || p_name, deletes, inserts, sequences);
  return n;
end $take$;

create or replace function ${SCHEMA}.restore(p_name text) returns void language plpgsql as $restore$
begin
  if to_regproc(format('%I.%I', '${SCHEMA}', 'restore_' || p_name)) is null then
    raise exception 'no database snapshot named "%" (dev/start.ts takes "seed" once the stack is seeded, '
      'the e2e setup project "signed_in")', p_name;
  end if;
  execute format('select %I.%I()', '${SCHEMA}', 'restore_' || p_name);
end $restore$;
`;

function sqlArray(values: string[]): string {
  return `array[${values.map((v) => `'${v}'`).join(", ")}]`;
}

/** Copies every row now in the database under `name`; returns how many tables it covers. */
export async function takeSnapshot(sql: postgres.Sql, name: string): Promise<number> {
  await sql.unsafe(INSTALL);
  const [row] = await sql<{ tables: number }[]>`select dev_snapshot.take(${name}) as tables`;
  return row?.tables ?? 0;
}

/** Puts the rows of snapshot `name` back, in one round trip. */
export async function restoreSnapshot(sql: postgres.Sql, name: string): Promise<void> {
  await sql`select dev_snapshot.restore(${name})`;
}
