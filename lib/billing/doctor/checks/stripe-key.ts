import { pass, type DoctorCheck } from "@/lib/billing/doctor/types";
import { stripeAccessProblem } from "@/lib/billing/doctor/checks/stripe-problem";

export const keyMode = (key: string): "test" | "live" => (/^(sk|rk)_live_/.test(key) ? "live" : "test");

// The portal configuration is read anyway: reading it is the key's test, at no extra call.
export const stripeKeyCheck: DoctorCheck = {
  id: "stripe-key",
  title: "Stripe key",
  async run(ctx) {
    const key = ctx.env.stripeSecretKey;
    try {
      await ctx.portalConfiguration();
    } catch (err) {
      const problem = stripeAccessProblem(err);
      if (problem) return problem;
      throw err;
    }
    return pass(`Stripe accepts it (${keyMode(key)} mode${key.startsWith("rk_") ? ", restricted key" : ""})`);
  },
};
