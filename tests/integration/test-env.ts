// The Stripe key setTestEnv gives the app; a stand-in a test starts must be given it too.
export const TEST_STRIPE_KEY = "sk_test_integration_tests";

// The variables lib/env.ts requires, for integration tests that import lib/ directly.
export function setTestEnv(overrides: Record<string, string>) {
  Object.assign(process.env, {
    NEXT_PUBLIC_SUPABASE_URL: "http://127.0.0.1:1",
    NEXT_PUBLIC_SUPABASE_PUBLISHABLE_KEY: "sb_publishable_integration_tests_0000",
    STRIPE_SECRET_KEY: TEST_STRIPE_KEY,
    APP_URL: "http://localhost:3000",
    ...overrides,
  });
}
