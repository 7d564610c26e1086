-- The portal audit, kept through a database blip and bounded against floods.
--
-- 1. A click that takes a rate-limit slot (it goes on to Stripe) is audited in the same
--    transaction as the slot, inside the click's one round trip, as outcome 'started'. The app
--    completes the row after its response (ok, or what Stripe answered); if the database is away
--    until the app gives up, the row stays 'started' but is never lost. This is a trigger on the
--    slots table, so private.begin_portal_session itself is unchanged: the app passes the click's
--    id, flow and user agent as transaction settings (app.attempt_id, app.flow, app.user_agent).
-- 2. Every other attempt (anonymous, refused, failed) is counted, not listed: one row per
--    (user or anonymous, company or none, outcome, minute) with a number of attempts, so a flood
--    adds at most one row per minute and outcome, and owners still see refusals in their list.

alter table public.portal_audit
  add column attempt_id uuid unique,
  add column attempts integer not null default 1 check (attempts > 0),
  add column minute timestamptz,
  add column last_attempt_at timestamptz not null default now();
update public.portal_audit set last_attempt_at = created_at;

comment on column public.portal_audit.attempt_id is 'the click that took a portal session slot; null for counted attempts';
comment on column public.portal_audit.attempts is 'how many attempts this row stands for (repeats within its minute)';
comment on column public.portal_audit.minute is 'for counted attempts: the minute they are counted in; null for a click with a slot';
comment on column public.portal_audit.last_attempt_at is 'the latest attempt this row stands for: what the audit list sorts by';

-- The audit list shows a company's latest attempts.
drop index public.portal_audit_company_idx;
create index portal_audit_company_idx on public.portal_audit (company_id, last_attempt_at desc);

-- NULLS NOT DISTINCT (PostgreSQL 15+): anonymous attempts, or attempts without a company, share a row.
create unique index portal_audit_counted_key on public.portal_audit (user_id, company_id, outcome, minute)
  nulls not distinct where minute is not null;

create function private.audit_portal_slot() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  insert into public.portal_audit (attempt_id, user_id, company_id, outcome, flow, user_agent)
  values (nullif(current_setting('app.attempt_id', true), '')::uuid, new.user_id, new.company_id, 'started',
          left(nullif(current_setting('app.flow', true), ''), 64),
          left(nullif(current_setting('app.user_agent', true), ''), 512));
  return null;
end
$$;
revoke all on function private.audit_portal_slot() from public;

create trigger portal_session_slot_audited after insert on private.portal_session_grants
  for each row execute function private.audit_portal_slot();
