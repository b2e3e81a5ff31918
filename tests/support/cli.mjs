// Runs the project's CLI authenticator (target/debug/pushauth-device) and captures its output.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { root } from "./api.mjs";

export const deviceBin = join(root, "target", "debug", "pushauth-device");
const run = promisify(execFile);

/** Runs `pushauth-device args…`; resolves to { code, stdout, stderr } (never rejects). */
export async function cli(args) {
  try {
    const { stdout, stderr } = await run(deviceBin, args, { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
