-- Which company each Stripe event was about, so owners and admins can see on /billing when
-- Stripe last reached the app for them. stripe_events itself stays unreadable to users: the
-- page asks private.last_stripe_event_at(), which answers only those who may see the audit.
-- Events recorded before this migration name no company.

alter table public.stripe_events
  add column company_id uuid references public.companies (id) on delete set null;
create index stripe_events_company_idx on public.stripe_events (company_id, received_at desc);

create function private.last_stripe_event_at(p_company_id uuid) returns timestamptz
language sql stable security definer set search_path = '' as $$
  select max(e.received_at)
  from public.stripe_events e
  where e.company_id = p_company_id
    and exists (select 1 from public.company_members m
                where m.company_id = p_company_id and m.user_id = auth.uid() and private.may_see_audit(m.role))
$$;
revoke all on function private.last_stripe_event_at(uuid) from public;
grant execute on function private.last_stripe_event_at(uuid) to authenticated;
