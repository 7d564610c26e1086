// A complete, valid environment for parseEnv: each test adds, replaces or unsets what it is about.
export const baseEnv = {
  NEXT_PUBLIC_SUPABASE_URL: "https://abcd.supabase.co",
  NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: "sb_publishable_abcdefghijklmnopqrstuvwxyz",
  DATABASE_URL: "postgres://postgres:secretpw@db.example.com:6543/postgres",
  STRIPE_SECRET_KEY: "sk_test_51AbcDEF",
  APP_URL: "https://app.example.com",
};
