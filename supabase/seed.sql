-- Demo data. Every demo login uses the password: password123
-- Stripe customer ids match the customers the local Stripe stand-in is seeded with
-- (dev/start.ts reads them from this table); cus_UmbrellaGone001 is deleted in Stripe.

insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
                        raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
select '00000000-0000-0000-0000-000000000000', u.id::uuid, 'authenticated', 'authenticated', u.email,
       crypt('password123', gen_salt('bf')), now(),
       '{"provider":"email","providers":["email"]}', u.meta::jsonb, now(), now()
from (values
  ('11111111-1111-4111-8111-000000000001', 'owner@acme.test',     '{"full_name":"Olivia Owner","locale":"en"}'),
  ('11111111-1111-4111-8111-000000000002', 'admin@acme.test',     '{"full_name":"Adam Admin"}'),
  ('11111111-1111-4111-8111-000000000003', 'billing@acme.test',   '{"full_name":"Bella Billing","locale":"fr"}'),
  ('11111111-1111-4111-8111-000000000004', 'member@acme.test',    '{"full_name":"Max Member"}'),
  ('11111111-1111-4111-8111-000000000005', 'owner@globex.test',   '{"full_name":"Grace Globex"}'),
  ('11111111-1111-4111-8111-000000000006', 'both@example.test',   '{"full_name":"Bo Both"}'),
  ('11111111-1111-4111-8111-000000000007', 'owner@initech.test',  '{"full_name":"Ian Initech"}'),
  ('11111111-1111-4111-8111-000000000008', 'owner@umbrella.test', '{"full_name":"Uma Umbrella"}')
) as u(id, email, meta);

insert into public.companies (id, name, stripe_customer_id) values
  ('22222222-2222-4222-8222-000000000001', 'Acme Inc',     'cus_AcmeDemo000001'),
  ('22222222-2222-4222-8222-000000000002', 'Globex Corp',  'cus_GlobexDemo0001'),
  ('22222222-2222-4222-8222-000000000003', 'Initech',      null),
  ('22222222-2222-4222-8222-000000000004', 'Umbrella Ltd', 'cus_UmbrellaGone001');

insert into public.company_members (company_id, user_id, role) values
  ('22222222-2222-4222-8222-000000000001', '11111111-1111-4111-8111-000000000001', 'owner'),
  ('22222222-2222-4222-8222-000000000001', '11111111-1111-4111-8111-000000000002', 'admin'),
  ('22222222-2222-4222-8222-000000000001', '11111111-1111-4111-8111-000000000003', 'billing'),
  ('22222222-2222-4222-8222-000000000001', '11111111-1111-4111-8111-000000000004', 'member'),
  ('22222222-2222-4222-8222-000000000002', '11111111-1111-4111-8111-000000000005', 'owner'),
  ('22222222-2222-4222-8222-000000000001', '11111111-1111-4111-8111-000000000006', 'admin'),
  ('22222222-2222-4222-8222-000000000002', '11111111-1111-4111-8111-000000000006', 'billing'),
  ('22222222-2222-4222-8222-000000000003', '11111111-1111-4111-8111-000000000007', 'owner'),
  ('22222222-2222-4222-8222-000000000004', '11111111-1111-4111-8111-000000000008', 'owner');
