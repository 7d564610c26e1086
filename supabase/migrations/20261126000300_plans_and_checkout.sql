-- The plans a company can choose, and starting a subscription through Stripe Checkout.
--
-- The catalog mirrors Stripe's products and prices, kept by product.* / price.* webhooks and by
-- `npm run billing:sync`, so the billing page lists plans without calling Stripe. Rows are
-- versioned like the other billing tables (stripe_event_at): an older event never overwrites
-- newer state. Which prices are on offer is decided here (private.offered_plans), for the page
-- and for the click alike.

create table public.billing_products (
  stripe_product_id text primary key,
  name text not null,
  description text,
  active boolean not null,
  -- The product's marketing_features, as a JSON array of their names.
  marketing_features jsonb not null default '[]'::jsonb,
  -- metadata.billing_plan = 'false': a product that is sold some other way, never listed as a plan.
  hidden boolean not null default false,
  -- metadata.trial_days, for every price of the product that has none of its own.
  trial_days int check (trial_days between 1 and 730),
  deleted boolean not null default false,
  stripe_event_at timestamptz not null,
  synced_at timestamptz not null default now()
);

create table public.billing_prices (
  stripe_price_id text primary key,
  -- No foreign key: a price's event may arrive before its product's.
  stripe_product_id text not null,
  active boolean not null,
  type text not null,
  currency text not null,
  -- Null for tiered or customer-chosen amounts, which are not offered as plans.
  unit_amount bigint,
  interval text check (interval in ('day', 'week', 'month', 'year')),
  interval_count int,
  usage_type text,
  lookup_key text,
  nickname text,
  -- metadata.trial_days of the price (Stripe has no trial field on prices in current API versions).
  trial_days int check (trial_days between 1 and 730),
  deleted boolean not null default false,
  stripe_event_at timestamptz not null,
  synced_at timestamptz not null default now()
);
create index billing_prices_product_idx on public.billing_prices (stripe_product_id);

alter table public.billing_products enable row level security;
alter table public.billing_prices enable row level security;
-- The catalog is the same for everyone; a signed-in user who belongs to no company has nothing to buy.
create policy "members of any company read the plans" on public.billing_products
  for select to authenticated using (exists (select 1 from private.my_company_ids()));
create policy "members of any company read the prices" on public.billing_prices
  for select to authenticated using (exists (select 1 from private.my_company_ids()));
revoke all on public.billing_products, public.billing_prices from anon, authenticated;
grant select on public.billing_products, public.billing_prices to authenticated;

-- Checkout saves the card on the subscription, not as the customer's default: the page shows the
-- live subscription's payment method first, as Stripe charges it first.
alter table public.billing_subscriptions add column default_payment_method_id text;

-- A subscription in one of these states is the company's one subscription: Subscribe sends the
-- company to the portal instead of making a second one.
create function private.is_live_subscription(p_status text) returns boolean
language sql immutable set search_path = '' as $$
  select p_status in ('active', 'trialing', 'past_due', 'unpaid', 'paused')
$$;
revoke all on function private.is_live_subscription(text) from public;
grant execute on function private.is_live_subscription(text) to authenticated;

-- Prices on offer: active, recurring, licensed, with a fixed amount, of an active product that
-- is not hidden; and, when p_allow is given (STRIPE_PLAN_PRICES), only those price ids or lookup keys.
-- Security invoker: the page reads it through row level security.
create function private.offered_plans(p_allow text[])
returns table (price_id text, product_id text, product_name text, description text, features jsonb,
               amount bigint, currency text, "interval" text, interval_count int, trial_days int, lookup_key text)
language sql stable set search_path = '' as $$
  select pr.stripe_price_id, p.stripe_product_id, p.name, p.description, p.marketing_features,
         pr.unit_amount, pr.currency, pr.interval, coalesce(pr.interval_count, 1),
         coalesce(pr.trial_days, p.trial_days), pr.lookup_key
  from public.billing_prices pr
  join public.billing_products p on p.stripe_product_id = pr.stripe_product_id
  where pr.active and not pr.deleted and pr.type = 'recurring' and coalesce(pr.usage_type, 'licensed') = 'licensed'
    and pr.unit_amount is not null and pr.interval is not null
    and p.active and not p.deleted and not p.hidden
    and (p_allow is null or pr.stripe_price_id = any (p_allow) or pr.lookup_key = any (p_allow))
  order by p.name, pr.stripe_price_id
$$;
revoke all on function private.offered_plans(text[]) from public;
grant execute on function private.offered_plans(text[]) to authenticated;

-- The one claim to create a company's Stripe customer. Written and committed before the Stripe
-- call, it pins the idempotency key and the parameters, so whoever clicks next (after a crash
-- between Stripe's answer and our write) sends the same request and Stripe answers with the same
-- customer instead of making a second one. Removed once the company is linked.
create table private.billing_customer_claims (
  company_id uuid primary key references public.companies (id) on delete cascade,
  idempotency_key text not null,
  name text not null,
  email text,
  claimed_by uuid,
  claimed_at timestamptz not null default now()
);

-- The rate limit of private.begin_portal_session, shared with it: portal and checkout sessions
-- count together per user and company. The advisory lock makes concurrent clicks count in turn.
create function private.take_billing_session_slot(p_company_id uuid, p_limit int,
                                                  out rate_limited boolean, out retry_after_seconds int)
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_count int;
  v_oldest timestamptz;
begin
  perform pg_advisory_xact_lock(hashtextextended(auth.uid()::text || p_company_id::text, 0));
  delete from private.portal_session_grants g
    where g.user_id = auth.uid() and g.company_id = p_company_id and g.granted_at < clock_timestamp() - interval '1 minute';
  select count(*), min(g.granted_at) into v_count, v_oldest
    from private.portal_session_grants g where g.user_id = auth.uid() and g.company_id = p_company_id;
  rate_limited := v_count >= p_limit;
  if rate_limited then
    retry_after_seconds := greatest(1, ceil(extract(epoch from (v_oldest + interval '1 minute' - clock_timestamp())))::int);
  else
    insert into private.portal_session_grants (user_id, company_id) values (auth.uid(), p_company_id);
  end if;
end
$$;
revoke all on function private.take_billing_session_slot(uuid, int) from public;

-- Everything one Subscribe click needs, in one statement (one round trip): the caller's
-- memberships (one company, or all), whether the role may manage billing, the customer, the live
-- subscription, the chosen price if it is on offer, a rate-limit slot and, when the company has
-- no customer yet, the claim to create it. Only a click that resolved to one company, may manage
-- billing and will go on to Stripe takes a slot or a claim.
create function private.begin_checkout(p_company_id uuid, p_price text, p_allow text[], p_limit int, p_consume boolean)
returns table (company_id uuid, company_name text, role public.company_role, may_manage_billing boolean,
               stripe_customer_id text, subscription_id text, subscription_status text,
               subscription_cancel_at_period_end boolean, price_id text, trial_days int,
               claim_key text, claim_name text, claim_email text, rate_limited boolean, retry_after_seconds int)
language plpgsql volatile security definer set search_path = '' as $$
declare
  r record;
  v_rows int;
begin
  select count(*) into v_rows from private.portal_access(p_company_id);
  for r in select * from private.portal_access(p_company_id) loop
    company_id := r.company_id;
    company_name := r.company_name;
    role := r.role;
    may_manage_billing := private.may_manage_billing(r.role);
    stripe_customer_id := r.stripe_customer_id;
    subscription_id := null;
    subscription_status := null;
    subscription_cancel_at_period_end := null;
    price_id := null;
    trial_days := null;
    claim_key := null;
    claim_name := null;
    claim_email := null;
    rate_limited := false;
    retry_after_seconds := null;
    if may_manage_billing then
      select s.stripe_subscription_id, s.status, s.cancel_at_period_end
        into subscription_id, subscription_status, subscription_cancel_at_period_end
        from public.billing_subscriptions s
        where s.company_id = r.company_id and r.stripe_customer_id is not null and private.is_live_subscription(s.status)
        order by s.stripe_created_at desc
        limit 1;
      select o.price_id, o.trial_days into price_id, trial_days
        from private.offered_plans(p_allow) o
        where o.price_id = p_price or o.lookup_key = p_price
        order by (o.price_id = p_price) desc
        limit 1;
    end if;
    if p_consume and v_rows = 1 and may_manage_billing and (subscription_id is not null or price_id is not null) then
      select s.rate_limited, s.retry_after_seconds into rate_limited, retry_after_seconds
        from private.take_billing_session_slot(r.company_id, p_limit) s;
      if not rate_limited and r.stripe_customer_id is null and subscription_id is null then
        -- A concurrent click waits here on the other's uncommitted claim, then keeps it. The key is
        -- random: the claim row, not a formula, is what makes every attempt send the same one.
        insert into private.billing_customer_claims (company_id, idempotency_key, name, email, claimed_by)
          values (r.company_id, 'customer:create:' || r.company_id || ':' || gen_random_uuid(),
                  r.company_name, (select u.email::text from auth.users u where u.id = auth.uid()), auth.uid())
          on conflict on constraint billing_customer_claims_pkey do nothing;
        -- Read afresh: a click that linked the customer since this statement began removed its
        -- claim in the same commit, so a claim made just now would be a second customer.
        select c.stripe_customer_id into stripe_customer_id from public.companies c where c.id = r.company_id;
        if stripe_customer_id is not null then
          delete from private.billing_customer_claims cl where cl.company_id = r.company_id;
        else
          select c.idempotency_key, c.name, c.email into claim_key, claim_name, claim_email
            from private.billing_customer_claims c where c.company_id = r.company_id;
        end if;
      end if;
    end if;
    return next;
  end loop;
end
$$;
revoke all on function private.begin_checkout(uuid, text, text[], int, boolean) from public;
grant execute on function private.begin_checkout(uuid, text, text[], int, boolean) to authenticated;

-- Links a company to its Stripe customer only if it has none yet, and answers the customer the
-- company is linked to afterwards (ours, or one linked first by a webhook or another click).
-- For the server's own connection (webhooks, the return from Checkout).
create function private.link_company_customer(p_company_id uuid, p_customer text) returns text
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_linked text;
begin
  update public.companies set stripe_customer_id = p_customer
    where id = p_company_id and stripe_customer_id is null
    returning stripe_customer_id into v_linked;
  if v_linked is null then
    select c.stripe_customer_id into v_linked from public.companies c where c.id = p_company_id;
  end if;
  delete from private.billing_customer_claims where company_id = p_company_id;
  return v_linked;
end
$$;
revoke all on function private.link_company_customer(uuid, text) from public;

-- The same for a Subscribe click, as the signed-in user: only a billing manager of the company,
-- and only while the claim made by private.begin_checkout stands.
create function private.link_checkout_customer(p_company_id uuid, p_customer text) returns text
language plpgsql volatile security definer set search_path = '' as $$
begin
  if not exists (select 1 from public.company_members m
                 where m.company_id = p_company_id and m.user_id = auth.uid() and private.may_manage_billing(m.role)) then
    return null;
  end if;
  if not exists (select 1 from private.billing_customer_claims c where c.company_id = p_company_id) then
    return (select c.stripe_customer_id from public.companies c where c.id = p_company_id);
  end if;
  return private.link_company_customer(p_company_id, p_customer);
end
$$;
revoke all on function private.link_checkout_customer(uuid, text) from public;
grant execute on function private.link_checkout_customer(uuid, text) to authenticated;
