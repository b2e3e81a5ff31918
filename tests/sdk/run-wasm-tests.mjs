// Runs the browser SDK's wasm-bindgen tests (crates/pushauth-browser/tests/browser.rs) in
// headless Chromium against the real Worker: starts the fixture (tests/sdk/fixture.mjs), passes
// its URL into the test build (PUSHAUTH_FIXTURE_URL, read with option_env!), and runs
// `cargo test --target wasm32-unknown-unknown` with wasm-bindgen-test-runner and Debian's
// chromedriver. Run it under tests/support/with-worker.mjs:
//
//   node tests/support/with-worker.mjs node tests/sdk/run-wasm-tests.mjs [test name filter]
//
// Or any command in that environment (fixture started, CHROMEDRIVER set), e.g. wasm-pack's own:
//
//   node tests/support/with-worker.mjs node tests/sdk/run-wasm-tests.mjs -- \
//     wasm-pack test --headless --chrome --mode no-install crates/pushauth-browser
import { spawn } from "node:child_process";
import { homedir } from "node:os";
import { join } from "node:path";
import { root } from "../support/api.mjs";
import { startFixture } from "./fixture.mjs";

const fixture = await startFixture();
console.error(`SDK fixture at ${fixture.url}`);
const env = {
  ...process.env,
  PATH: `${join(homedir(), ".cargo", "bin")}:${process.env.PATH}`,
  PUSHAUTH_FIXTURE_URL: fixture.url,
  CHROMEDRIVER: process.env.CHROMEDRIVER || "/usr/bin/chromedriver",
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER: "wasm-bindgen-test-runner",
  // The whole browser run (the expiry test alone waits ~11 s, the network-error one ~15 s).
  WASM_BINDGEN_TEST_TIMEOUT: process.env.WASM_BINDGEN_TEST_TIMEOUT || "240",
  // The runner serves its page cross-origin isolated (COOP same-origin, COEP require-corp) by
  // default, which severs window.opener and blocks cross-origin iframes: a customer's page is
  // not like that, and launch() needs both.
  WASM_BINDGEN_TEST_NO_ORIGIN_ISOLATION: "1",
};
const given = process.argv.slice(2);
let command = ["cargo", "test", "--locked", "-p", "pushauth-browser", "--target", "wasm32-unknown-unknown", "--test", "browser"];
if (given[0] === "--") command = given.slice(1);
else if (given.length > 0) command.push("--", ...given);
// wasm-bindgen-test-runner's own page server has been seen to stall on one script of the test
// page (the page stuck at "Loading scripts...", no test started, the runner's timeout never
// firing). So: once the runner has started the browser, a run that has not exited by the
// runner's timeout and a minute more is stopped and run once more; a second hang fails.
const hangMs = (Number(env.WASM_BINDGEN_TEST_TIMEOUT) + 60) * 1000;

/** Runs the command once: its exit code, or "hung". */
function runOnce() {
  const run = spawn(command[0], command.slice(1), { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let timer = null;
  let hung = false;
  const watch = (chunk, out) => {
    out.write(chunk);
    if (!timer && String(chunk).includes("Running headless tests")) {
      timer = setTimeout(() => {
        hung = true;
        try {
          process.kill(-run.pid, "SIGKILL");
        } catch {}
      }, hangMs);
    }
  };
  run.stdout.on("data", (c) => watch(c, process.stdout));
  run.stderr.on("data", (c) => watch(c, process.stderr));
  return new Promise((resolve) =>
    run.on("exit", (c) => {
      clearTimeout(timer);
      resolve(hung ? "hung" : (c ?? 1));
    }),
  );
}

let code = await runOnce();
if (code === "hung") {
  console.error(`run-wasm-tests: the browser run did not end within ${hangMs / 1000} s (the runner hung); running it once more`);
  code = await runOnce();
  if (code === "hung") code = 1;
}
await fixture.close();
process.exit(code);
