// What a server-rendered page's module does when the server renders it (SvelteKit, Nuxt and
// Next.js import client libraries on the server): import the SDK, make a client, and maybe
// call it. Loaded by Vite's ssrLoadModule and by plain Node; nothing may throw.
import { PushAuth, PushAuthError, init, version } from "@pushauth/browser";

export async function render() {
  const pushauth = new PushAuth({ baseUrl: "https://auth.example.com/v1" });
  pushauth.setToken("t");
  const started = await pushauth.push.challenge({ action: "signIn" });
  const loaded = await init().then(
    () => "loaded",
    (e) => (e instanceof PushAuthError ? e.code : `not a PushAuthError: ${e}`),
  );
  return { version: version(), errorCode: started.errorCode, loaded };
}
