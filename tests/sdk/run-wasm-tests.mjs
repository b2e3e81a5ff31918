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
const run = spawn(command[0], command.slice(1), { cwd: root, env, stdio: "inherit" });
const code = await new Promise((resolve) => run.on("exit", (c) => resolve(c ?? 1)));
await fixture.close();
process.exit(code);
