-- Signed out means signed out. An access token verifies until it expires, but once its session
-- is gone from auth.sessions (signed out with any scope, revoked, its user deleted) or past
-- not_after, the database answers nothing it asks. The check rides in the statement each
-- request already sends: no extra round trip.

create function private.session_is_active() returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (
    select 1 from auth.sessions s
    where s.id = (select case when j ->> 'session_id' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                              then (j ->> 'session_id')::uuid end
                  from (select auth.jwt() as j) claims)
      and s.user_id = auth.uid()
      and (s.not_after is null or s.not_after > now())
  )
$$;

-- Raises PT401 (PostgREST answers it with HTTP 401; lib/billing/queries.ts with unauthenticated).
create function private.assert_session_active() returns void
language plpgsql stable security definer set search_path = '' as $$
begin
  if not private.session_is_active() then
    raise exception 'the session of this access token has ended' using errcode = 'PT401';
  end if;
end
$$;

revoke all on function private.session_is_active() from public;
revoke all on function private.assert_session_active() from public;
grant execute on function private.session_is_active() to authenticated;
grant execute on function private.assert_session_active() to authenticated;

-- begin_portal_session as 20261126000000_billing_permissions.sql made it, checking the session first.
create or replace function private.begin_portal_session(p_company_id uuid, p_limit int, p_consume boolean)
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
  -- Before anything else, and before a rate-limit slot is taken.
  perform private.assert_session_active();
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
