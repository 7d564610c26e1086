import { PHASE_PRODUCTION_BUILD } from "next/constants.js";
import { checkEnvForBuild } from "./lib/env-schema.ts";

/** @type {(phase: string) => import('next').NextConfig} */
export default function nextConfig(phase) {
  // A bad value set where the build runs (Vercel, CI) fails the build, naming the variable;
  // the server's start checks everything again (instrumentation.ts).
  if (phase === PHASE_PRODUCTION_BUILD) checkEnvForBuild(process.env);
  return {
    poweredByHeader: false,
    // `npm test` runs `tsc --noEmit` and ESLint before the build; checking types again here
    // would only repeat it. Run `npm run typecheck` if you build on its own.
    typescript: { ignoreBuildErrors: true },
  };
}
