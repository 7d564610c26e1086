-- Where each company stands with Stripe, kept current by signed webhooks (and the backfill,
-- `npm run billing:sync`), so the billing page renders without calling Stripe.
-- Each row remembers the `created` time of the Stripe event that last wrote it
-- (stripe_event_at): an older event never overwrites newer state.

create table public.billing_customers (
  company_id uuid primary key references public.companies (id) on delete cascade,
  stripe_customer_id text not null unique,
  default_payment_method_id text,
  deleted boolean not null default false,
  stripe_event_at timestamptz not null,
  synced_at timestamptz not null default now()
);

create table public.billing_subscriptions (
  stripe_subscription_id text primary key,
  company_id uuid not null references public.companies (id) on delete cascade,
  status text not null check (status in ('active', 'trialing', 'past_due', 'canceled', 'unpaid', 'incomplete', 'incomplete_expired', 'paused')),
  plan_name text,
  price_id text,
  amount bigint,
  currency text,
  interval text,
  current_period_end timestamptz,
  cancel_at_period_end boolean not null default false,
  cancel_at timestamptz,
  canceled_at timestamptz,
  trial_end timestamptz,
  stripe_created_at timestamptz not null,
  stripe_event_at timestamptz not null,
  synced_at timestamptz not null default now()
);
create index billing_subscriptions_company_idx on public.billing_subscriptions (company_id);

create table public.billing_payment_methods (
  stripe_payment_method_id text primary key,
  company_id uuid not null references public.companies (id) on delete cascade,
  brand text,
  last4 text,
  exp_month int,
  exp_year int,
  detached boolean not null default false,
  stripe_event_at timestamptz not null,
  synced_at timestamptz not null default now()
);
create index billing_payment_methods_company_idx on public.billing_payment_methods (company_id);

create table public.billing_invoices (
  stripe_invoice_id text primary key,
  company_id uuid not null references public.companies (id) on delete cascade,
  number text,
  status text,
  amount_due bigint not null default 0,
  amount_paid bigint not null default 0,
  currency text,
  hosted_invoice_url text,
  stripe_created_at timestamptz not null,
  stripe_event_at timestamptz not null,
  synced_at timestamptz not null default now()
);
create index billing_invoices_company_idx on public.billing_invoices (company_id, stripe_created_at desc);

-- Every webhook event id once. A repeated delivery finds its id here and is not applied again;
-- the insert and the change it records commit together.
create table public.stripe_events (
  id text primary key,
  type text not null,
  stripe_created_at timestamptz not null,
  outcome text not null check (outcome in ('applied', 'ignored', 'stale', 'flagged')),
  detail text,
  received_at timestamptz not null default now()
);

alter table public.billing_customers enable row level security;
alter table public.billing_subscriptions enable row level security;
alter table public.billing_payment_methods enable row level security;
alter table public.billing_invoices enable row level security;
alter table public.stripe_events enable row level security;

create policy "members read their billing" on public.billing_customers
  for select to authenticated using (company_id in (select private.my_company_ids()));
create policy "members read their subscriptions" on public.billing_subscriptions
  for select to authenticated using (company_id in (select private.my_company_ids()));
create policy "members read their payment methods" on public.billing_payment_methods
  for select to authenticated using (company_id in (select private.my_company_ids()));
create policy "members read their invoices" on public.billing_invoices
  for select to authenticated using (company_id in (select private.my_company_ids()));
-- stripe_events: no policy, so nobody but the server's own connection reads it.

revoke all on public.billing_customers, public.billing_subscriptions, public.billing_payment_methods,
  public.billing_invoices, public.stripe_events from anon, authenticated;
grant select (company_id, default_payment_method_id, deleted, synced_at) on public.billing_customers to authenticated;
grant select on public.billing_subscriptions, public.billing_payment_methods, public.billing_invoices to authenticated;
