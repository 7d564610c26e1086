// The Stripe key setTestEnv gives the app; a stand-in a test starts must be given it too.
export const TEST_STRIPE_KEY = "sk_test_integration_tests";
// The publishable key setTestEnv gives the app, and the Auth stand-in's anon key.
export const TEST_PUBLISHABLE_KEY = "sb_publishable_integration_tests_0000";

/** Sets the variables lib/env.ts requires, for tests that import lib/ afterwards; answers what it set. */
export function setTestEnv(overrides: Record<string, string>): Record<string, string> {
  const env = {
    NEXT_PUBLIC_SUPABASE_URL: "http://127.0.0.1:1",
    NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: TEST_PUBLISHABLE_KEY,
    STRIPE_SECRET_KEY: TEST_STRIPE_KEY,
    APP_URL: "http://localhost:3000",
    ...overrides,
  };
  Object.assign(process.env, env);
  return env;
}
