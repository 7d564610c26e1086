// dev/db-snapshot.ts, which the e2e reset stands on: whatever a test did to the rows, restoring
// puts back exactly the rows of the snapshot, sequences included, whatever the table's shape.
import postgres from "postgres";
import { afterAll, beforeAll, expect, it } from "vitest";
import { restoreSnapshot, takeSnapshot } from "../../dev/db-snapshot.ts";
import { startEmbeddedPostgres, type RunningPostgres } from "../../dev/postgres.ts";
import { freePort } from "../../dev/free-port.ts";

let pg: RunningPostgres;
let sql: postgres.Sql;

beforeAll(async () => {
  pg = await startEmbeddedPostgres({ port: await freePort() });
  sql = postgres(pg.url, { max: 1, onnotice: () => {} });
  // Shapes the app's schemas have or may get: identity ids, generated columns, foreign keys
  // (both directions of the cascade), a trigger, two schemas.
  await sql.unsafe(`
    create schema app;
    create table app.parents (id bigint generated always as identity primary key, name text not null,
      shout text generated always as (upper(name)) stored);
    create table public.children (parent_id bigint not null references app.parents (id) on delete cascade,
      n int not null, primary key (parent_id, n));
    create table public.log (id serial primary key, what text);
    create function public.log_child() returns trigger language plpgsql as $$
      begin insert into public.log (what) values ('child ' || new.n); return new; end $$;
    create trigger log_child after insert on public.children for each row execute function public.log_child();
    insert into app.parents (name) values ('a'), ('b');
    insert into public.children values (1, 1), (2, 1);
  `);
});

afterAll(async () => {
  await sql.end();
  await pg.stop();
});

const rows = () =>
  sql`select
    (select json_agg(p order by id) from app.parents p) as parents,
    (select json_agg(c order by parent_id, n) from public.children c) as children,
    (select json_agg(l order by id) from public.log l) as log`;

it("restores every row of every table, and the sequences where they were", async () => {
  expect(await takeSnapshot(sql, "start")).toBe(3);
  const atStart = await rows();

  await sql`delete from app.parents where name = 'a'`;
  await sql`update app.parents set name = 'changed'`;
  await sql`insert into app.parents (name) values ('c')`;
  await sql`insert into public.children values (2, 2)`;
  await restoreSnapshot(sql, "start");

  expect(await rows()).toEqual(atStart);
  // The next id is the one it would have been at the snapshot, not one the test used up.
  const [next] = await sql`insert into app.parents (name) values ('d') returning id, shout`;
  expect(next).toEqual({ id: "3", shout: "D" });
});

it("keeps snapshots apart by name, and names a missing one", async () => {
  await restoreSnapshot(sql, "start");
  await sql`insert into app.parents (name) values ('later')`;
  await takeSnapshot(sql, "later");
  await restoreSnapshot(sql, "start");
  expect(await sql`select name from app.parents order by id`).toEqual([{ name: "a" }, { name: "b" }]);
  await restoreSnapshot(sql, "later");
  expect((await sql`select name from app.parents order by id`).map((r) => r.name)).toEqual(["a", "b", "later"]);
  await expect(restoreSnapshot(sql, "never_taken")).rejects.toThrow('no database snapshot named "never_taken"');
});
