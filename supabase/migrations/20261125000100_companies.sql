-- Companies, their members, and who may open the Stripe Customer Portal.
-- The Stripe customer id is readable only through private.portal_access(), and only for
-- roles that may manage billing: a member (or PostgREST with the anon key) never sees it.

create type public.company_role as enum ('owner', 'admin', 'billing', 'member');

create table public.companies (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 200),
  stripe_customer_id text unique check (stripe_customer_id ~ '^cus_[A-Za-z0-9]+$'),
  has_billing_account boolean generated always as (stripe_customer_id is not null) stored,
  created_at timestamptz not null default now()
);

create table public.company_members (
  company_id uuid not null references public.companies (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.company_role not null default 'member',
  created_at timestamptz not null default now(),
  primary key (company_id, user_id)
);
create index company_members_user_id_idx on public.company_members (user_id);

alter table public.companies enable row level security;
alter table public.company_members enable row level security;

create schema if not exists private;
grant usage on schema private to authenticated;

-- security definer so policies on company_members can ask "which companies am I in"
-- without recursing into company_members' own policy.
create function private.my_company_ids() returns setof uuid
language sql stable security definer set search_path = '' as $$
  select company_id from public.company_members where user_id = auth.uid()
$$;
revoke all on function private.my_company_ids() from public;
grant execute on function private.my_company_ids() to authenticated;

create policy "members read their companies" on public.companies
  for select to authenticated using (id in (select private.my_company_ids()));

create policy "members read their companies' members" on public.company_members
  for select to authenticated using (company_id in (select private.my_company_ids()));

-- Column grants: stripe_customer_id stays out of reach of direct selects.
revoke all on public.companies from anon, authenticated;
revoke all on public.company_members from anon, authenticated;
grant select (id, name, has_billing_account, created_at) on public.companies to authenticated;
grant select on public.company_members to authenticated;

-- Everything one portal click needs, in one statement: the caller's memberships (one
-- company, or all when p_company_id is null), their role, and the Stripe customer only
-- when that role may manage billing.
create function private.portal_access(p_company_id uuid)
returns table (company_id uuid, company_name text, role public.company_role, stripe_customer_id text)
language sql stable security definer set search_path = '' as $$
  select c.id, c.name, m.role,
         case when m.role in ('owner', 'admin', 'billing') then c.stripe_customer_id end
  from public.company_members m
  join public.companies c on c.id = m.company_id
  where m.user_id = auth.uid()
    and (p_company_id is null or c.id = p_company_id)
  order by c.name
$$;
revoke all on function private.portal_access(uuid) from public;
grant execute on function private.portal_access(uuid) to authenticated;

-- "Whom to ask": the billing managers of a company the caller belongs to.
create function private.billing_contacts(p_company_id uuid)
returns table (email text, role public.company_role)
language sql stable security definer set search_path = '' as $$
  select u.email::text, m.role
  from public.company_members m
  join auth.users u on u.id = m.user_id
  where m.company_id = p_company_id
    and m.role in ('owner', 'admin', 'billing')
    and p_company_id in (select company_id from public.company_members where user_id = auth.uid())
  order by m.role, u.email
$$;
revoke all on function private.billing_contacts(uuid) from public;
grant execute on function private.billing_contacts(uuid) to authenticated;
