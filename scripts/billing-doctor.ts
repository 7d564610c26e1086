// npm run billing:doctor — checks what a new install gets wrong (keys, portal settings, webhook
// endpoint and deliveries, migrations, JWT keys, linked customers) and says how to fix each
// problem. --json for CI. Exit 1 when a check fails. Reads the app's environment (.env.local too).
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

const root = path.join(import.meta.dirname, "..");
const envFile = path.join(root, ".env.local");
if (existsSync(envFile)) process.loadEnvFile(envFile);
const { values: args } = parseArgs({ options: { json: { type: "boolean", default: false } } });

const { EnvError, parseEnv } = await import("@/lib/env");
const { describeDoctor, runDoctor } = await import("@/lib/billing/doctor/run");

let envProblem: string | null = null;
try {
  parseEnv(process.env);
} catch (err) {
  if (!(err instanceof EnvError)) throw err;
  envProblem = err.message;
}

let report: Awaited<ReturnType<typeof runDoctor>>;
if (envProblem) {
  // Nothing else can be checked without a valid environment; the message names each variable.
  report = {
    ok: false,
    checks: [
      {
        id: "environment",
        title: "Environment",
        status: "fail",
        summary: envProblem,
        fix: "Set them in .env.local (see .env.local.example) or in the deployment's environment.",
      },
    ],
  };
} else {
  const { DOCTOR_CHECKS } = await import("@/lib/billing/doctor/checks");
  const { doctorContext } = await import("@/lib/billing/doctor/context");
  const { db } = await import("@/lib/db");
  try {
    report = await runDoctor(DOCTOR_CHECKS, doctorContext(path.join(root, "supabase", "migrations")));
  } finally {
    await db().end();
  }
  report.checks.unshift({
    id: "environment",
    title: "Environment",
    status: "pass",
    summary: "every variable is valid",
  });
}
console.log(args.json ? JSON.stringify(report, null, 2) : describeDoctor(report).join("\n"));
process.exit(report.ok ? 0 : 1);
