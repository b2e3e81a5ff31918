// The wrangler configuration of a local Worker, derived from the root wrangler.toml (the one
// `wrangler deploy` uses) so that the two cannot drift: paths made absolute, and for the
// development build (`variant: "dev"`, with the demo backend: scripts/build-worker.sh --dev) its
// `main` in crates/pushauth-worker/build-dev/. `build: false` drops the [build] table (the tests
// and the bench run the Worker as last built: with [build], every `wrangler dev` start rebuilds it
// and rewrites its folder, which makes any other Worker already running reload mid-test).
//
//   node scripts/dev-config.mjs > .dev/wrangler.toml    what scripts/dev.sh runs (dev build, [build] kept)
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The config text; `variant` is "dev" (with the demo) or "deploy" (as `wrangler deploy` builds). */
export function workerConfigText({ variant = "dev", build = false } = {}) {
  const folder = variant === "dev" ? "build-dev" : "build";
  if (variant !== "dev" && variant !== "deploy") throw new Error(`unknown variant ${variant}`);
  let text = readFileSync(join(root, "wrangler.toml"), "utf8")
    .replace(/^main = "crates\/pushauth-worker\/build\/(.*)"$/m, (_, file) => `main = "${join(root, "crates", "pushauth-worker", folder, file)}"`)
    .replace(/^directory = "(.*)"$/m, (_, p) => `directory = "${join(root, p)}"`);
  if (build) {
    const flag = variant === "dev" ? " --dev" : "";
    text = text
      .replace(/^command = "scripts\/build-worker.sh"$/m, `command = "${join(root, "scripts", "build-worker.sh")}${flag}"`)
      .replace(/^watch_dir = \[(.*)\]$/m, (_, list) => `watch_dir = [${list.replace(/"([^"]+)"/g, (_, p) => JSON.stringify(join(root, p)))}]`);
  } else {
    text = text.replace(/^\[build\]\n(?:(?!\[).*\n)*/m, "");
  }
  const ok =
    text.includes(`main = "${join(root, "crates", "pushauth-worker", folder)}/`) &&
    text.includes(`directory = "${root}/`) &&
    (build ? text.includes(`command = "${root}/scripts/build-worker.sh`) && !text.includes('watch_dir = ["crates') : !/^\[build\]/m.test(text));
  if (!ok) throw new Error("wrangler.toml's layout changed; update scripts/dev-config.mjs");
  return text;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(workerConfigText({ variant: "dev", build: true }));
}
