-- Who opened (or tried to open) the billing portal, and how often.

create table public.portal_audit (
  id bigint generated always as identity primary key,
  user_id uuid,
  company_id uuid references public.companies (id) on delete cascade,
  outcome text not null,
  flow text,
  user_agent text,
  created_at timestamptz not null default now()
);
create index portal_audit_company_idx on public.portal_audit (company_id, created_at desc);

alter table public.portal_audit enable row level security;
create policy "owners and admins read their company's portal attempts" on public.portal_audit
  for select to authenticated using (
    company_id in (
      select company_id from public.company_members
      where user_id = (select auth.uid()) and role in ('owner', 'admin')
    )
  );
revoke all on public.portal_audit from anon, authenticated;
grant select on public.portal_audit to authenticated;

-- Sessions granted per user and company in the last minute, shared by every server instance.
create table private.portal_session_grants (
  user_id uuid not null,
  company_id uuid not null,
  granted_at timestamptz not null default clock_timestamp()
);
create index portal_session_grants_key_idx on private.portal_session_grants (user_id, company_id, granted_at);

-- One call per click, in the click's single round trip: the caller's access (as
-- private.portal_access) plus, when the click may go on to Stripe, a sliding-window rate
-- limit. A per-key advisory lock makes concurrent clicks count one after another.
create function private.begin_portal_session(p_company_id uuid, p_limit int, p_consume boolean)
returns table (company_id uuid, company_name text, role public.company_role, stripe_customer_id text,
               subscription_id text, subscription_status text, subscription_cancel_at_period_end boolean,
               rate_limited boolean, retry_after_seconds int)
language plpgsql volatile security definer set search_path = '' as $$
declare
  r record;
  v_rows int;
  v_count int;
  v_oldest timestamptz;
begin
  -- Only a click that resolved to exactly one company may take a slot.
  select count(*) into v_rows from private.portal_access(p_company_id);
  for r in select * from private.portal_access(p_company_id) loop
    company_id := r.company_id;
    company_name := r.company_name;
    role := r.role;
    stripe_customer_id := r.stripe_customer_id;
    select s.stripe_subscription_id, s.status, s.cancel_at_period_end
      into subscription_id, subscription_status, subscription_cancel_at_period_end
      from public.billing_subscriptions s
      where s.company_id = r.company_id and r.stripe_customer_id is not null
      order by (s.status = 'canceled'), s.stripe_created_at desc
      limit 1;
    rate_limited := false;
    retry_after_seconds := null;
    if p_consume and v_rows = 1 and r.stripe_customer_id is not null then
      perform pg_advisory_xact_lock(hashtextextended(auth.uid()::text || r.company_id::text, 0));
      delete from private.portal_session_grants g
        where g.user_id = auth.uid() and g.company_id = r.company_id and g.granted_at < clock_timestamp() - interval '1 minute';
      select count(*), min(g.granted_at) into v_count, v_oldest
        from private.portal_session_grants g where g.user_id = auth.uid() and g.company_id = r.company_id;
      if v_count >= p_limit then
        rate_limited := true;
        retry_after_seconds := greatest(1, ceil(extract(epoch from (v_oldest + interval '1 minute' - clock_timestamp())))::int);
      else
        insert into private.portal_session_grants (user_id, company_id) values (auth.uid(), r.company_id);
      end if;
    end if;
    return next;
  end loop;
end
$$;
revoke all on function private.begin_portal_session(uuid, int, boolean) from public;
grant execute on function private.begin_portal_session(uuid, int, boolean) to authenticated;

-- Emails of a company's members, for the audit list; only owners and admins of that company get rows.
create function private.member_emails(p_company_id uuid)
returns table (user_id uuid, email text)
language sql stable security definer set search_path = '' as $$
  select m.user_id, u.email::text
  from public.company_members m
  join auth.users u on u.id = m.user_id
  where m.company_id = p_company_id
    and exists (select 1 from public.company_members me
                where me.company_id = p_company_id and me.user_id = auth.uid() and me.role in ('owner', 'admin'))
$$;
revoke all on function private.member_emails(uuid) from public;
grant execute on function private.member_emails(uuid) to authenticated;
