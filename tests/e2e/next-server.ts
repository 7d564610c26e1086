// Another `next start` of the same production build, with an environment of the test's own
// (dependencies behind fault proxies, a bad configuration), for the specs that need one.
import { spawn } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..", "..");
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");

export type NextServer = { url: string; output(): string; stop(): Promise<void> };

function spawnNext(port: number, env: Record<string, string>) {
  const child = spawn(process.execPath, [nextBin, "start", "-p", String(port)], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so stop() ends Next and anything it started, and nothing else.
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, output: () => output };
}

/** Starts Next and resolves once it answers /login. */
export async function startNext(port: number, env: Record<string, string>): Promise<NextServer> {
  const { child, exited, output } = spawnNext(port, env);
  const url = `http://localhost:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(-child.pid!, "SIGTERM");
    await exited;
  };
  const giveUp = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${output()}`);
    const status = await fetch(`${url}/login`, { redirect: "manual" }).then(
      (r) => r.status,
      () => 0,
    );
    if (status > 0 && status < 500) return { url, output, stop };
    if (Date.now() > giveUp) {
      await stop();
      throw new Error(`next start did not answer on ${url}:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Starts Next expecting it to stop by itself; resolves with its exit code and output. */
export async function nextUntilExit(
  port: number,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ code: number | null; output: string }> {
  const { child, exited, output } = spawnNext(port, env);
  const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), timeoutMs);
  const code = await exited;
  clearTimeout(timer);
  return { code, output: output() };
}
