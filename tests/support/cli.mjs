// Runs the project's CLI authenticator (target/debug/pushauth-device) and captures its output.
import { execFile, spawn } from "node:child_process";
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

function parsed(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * Runs `pushauth-device args… --json`; resolves to { code, json, error, stdout, stderr }: `json` is
 * the result on stdout, `error` the failure on stderr ({ errorCode, errorDescription, exitCode }).
 */
export async function cliJson(args) {
  const res = await cli([...args, "--json"]);
  return { ...res, json: parsed(res.stdout), error: parsed(res.stderr) };
}

/**
 * Starts `pushauth-device watch --json --key key`: `next(event)` waits for the next line with
 * that `event` and returns it, `send(line)` answers on stdin, `stop()` ends it.
 */
export function watchJson(key) {
  const child = spawn(deviceBin, ["watch", "--json", "--key", key], { stdio: ["pipe", "pipe", "pipe"] });
  const events = [];
  let buffered = "";
  let stderr = "";
  let wake = () => {};
  child.stdout.on("data", (chunk) => {
    buffered += chunk;
    const lines = buffered.split("\n");
    buffered = lines.pop();
    for (const line of lines) if (line.trim()) events.push(JSON.parse(line));
    wake();
  });
  child.stderr.on("data", (chunk) => (stderr += chunk));
  let seen = 0;
  return {
    events,
    async next(event, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (seen < events.length) {
          const e = events[seen++];
          if (e.event === event) return e;
        }
        if (Date.now() > deadline) throw new Error(`no ${event} event; saw ${JSON.stringify(events)} ${stderr}`);
        await new Promise((resolve) => {
          wake = resolve;
          setTimeout(resolve, 250);
        });
      }
    },
    send(line) {
      child.stdin.write(`${line}\n`);
    },
    stop() {
      child.stdin.end();
      child.kill();
    },
  };
}
