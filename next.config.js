import { PHASE_PRODUCTION_BUILD } from "next/constants.js";
import { checkEnvForBuild } from "./lib/env-schema.ts";

/** @type {(phase: string) => import('next').NextConfig} */
export default function nextConfig(phase) {
  // A bad value set where the build runs (Vercel, CI) fails the build, naming the variable;
  // the server's start checks everything again (instrumentation.ts).
  if (phase === PHASE_PRODUCTION_BUILD) checkEnvForBuild(process.env);
  return {
    poweredByHeader: false,
    async headers() {
      return [
        {
          source: "/:path*",
          headers: [
            // No other origin may frame a page of this app (clickjacking the Manage Billing button).
            { key: "Content-Security-Policy", value: "frame-ancestors 'none'" },
            { key: "X-Frame-Options", value: "DENY" },
            { key: "X-Content-Type-Options", value: "nosniff" },
            { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          ],
        },
      ];
    },
  };
}
