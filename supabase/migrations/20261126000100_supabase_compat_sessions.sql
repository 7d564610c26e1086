-- Supabase Auth keeps each signed-in session in auth.sessions and its refresh tokens in
-- auth.refresh_tokens; signing out (any scope) deletes the session row, its refresh tokens go
-- with it. On a plain PostgreSQL this creates the same tables, with GoTrue's column names and
-- types, only where they are missing: the Auth stand-in keeps its sessions there, and the app
-- checks them exactly as it does on Supabase. On Supabase it creates nothing.

do $$
begin
  if to_regtype('auth.aal_level') is null then
    create type auth.aal_level as enum ('aal1', 'aal2', 'aal3');
  end if;

  if to_regclass('auth.sessions') is null then
    create table auth.sessions (
      id uuid primary key,
      user_id uuid not null references auth.users (id) on delete cascade,
      created_at timestamptz,
      updated_at timestamptz,
      factor_id uuid,
      aal auth.aal_level,
      not_after timestamptz,
      refreshed_at timestamp,
      user_agent text,
      ip inet,
      tag text
    );
    create index sessions_user_id_idx on auth.sessions (user_id);
    create index sessions_not_after_idx on auth.sessions (not_after desc);
  end if;

  if to_regclass('auth.refresh_tokens') is null then
    create table auth.refresh_tokens (
      instance_id uuid,
      id bigserial primary key,
      token varchar(255) unique,
      user_id varchar(255),
      revoked boolean,
      created_at timestamptz,
      updated_at timestamptz,
      parent varchar(255),
      session_id uuid references auth.sessions (id) on delete cascade
    );
    create index refresh_tokens_session_id_revoked_idx on auth.refresh_tokens (session_id, revoked);
    create index refresh_tokens_parent_idx on auth.refresh_tokens (parent);
  end if;
end
$$;
