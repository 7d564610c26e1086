-- Which roles may do what with a company's billing, decided in one place. Every policy and
-- function below, and the app (through the columns they return), asks these two functions;
-- no role list is spelled out anywhere else.

create function private.may_manage_billing(p_role public.company_role) returns boolean
language sql immutable set search_path = '' as $$
  select p_role in ('owner', 'admin', 'billing')
$$;

create function private.may_see_audit(p_role public.company_role) returns boolean
language sql immutable set search_path = '' as $$
  select p_role in ('owner', 'admin')
$$;

revoke all on function private.may_manage_billing(public.company_role) from public;
revoke all on function private.may_see_audit(public.company_role) from public;
grant execute on function private.may_manage_billing(public.company_role) to authenticated;
grant execute on function private.may_see_audit(public.company_role) to authenticated;

create or replace function private.portal_access(p_company_id uuid)
returns table (company_id uuid, company_name text, role public.company_role, stripe_customer_id text)
language sql stable security definer set search_path = '' as $$
  select c.id, c.name, m.role,
         case when private.may_manage_billing(m.role) then c.stripe_customer_id end
  from public.company_members m
  join public.companies c on c.id = m.company_id
  where m.user_id = auth.uid()
    and (p_company_id is null or c.id = p_company_id)
  order by c.name
$$;

create or replace function private.billing_contacts(p_company_id uuid)
returns table (email text, role public.company_role)
language sql stable security definer set search_path = '' as $$
  select u.email::text, m.role
  from public.company_members m
  join auth.users u on u.id = m.user_id
  where m.company_id = p_company_id
    and private.may_manage_billing(m.role)
    and p_company_id in (select company_id from public.company_members where user_id = auth.uid())
  order by m.role, u.email
$$;

drop policy "owners and admins read their company's portal attempts" on public.portal_audit;
create policy "owners and admins read their company's portal attempts" on public.portal_audit
  for select to authenticated using (
    company_id in (
      select company_id from public.company_members
      where user_id = (select auth.uid()) and private.may_see_audit(role)
    )
  );

create or replace function private.member_emails(p_company_id uuid)
returns table (user_id uuid, email text)
language sql stable security definer set search_path = '' as $$
  select m.user_id, u.email::text
  from public.company_members m
  join auth.users u on u.id = m.user_id
  where m.company_id = p_company_id
    and exists (select 1 from public.company_members me
                where me.company_id = p_company_id and me.user_id = auth.uid() and private.may_see_audit(me.role))
$$;

-- begin_portal_session: the same, plus whether the caller may manage billing, so the app asks
-- no role list of its own. The return type changes, so it is dropped and made again.
drop function private.begin_portal_session(uuid, int, boolean);
create function private.begin_portal_session(p_company_id uuid, p_limit int, p_consume boolean)
returns table (company_id uuid, company_name text, role public.company_role, may_manage_billing boolean,
               stripe_customer_id text, subscription_id text, subscription_status text,
               subscription_cancel_at_period_end boolean, rate_limited boolean, retry_after_seconds int)
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
    may_manage_billing := private.may_manage_billing(r.role);
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

