// Mistakes the SDK's types must reject. tests/sdk/types.test.mjs type-checks this file on its
// own and requires exactly the errors marked `// expect TSnnnn`, each on its own line: a marked
// line that compiles means the types let that mistake through (an `any`, an optional field that
// should be required, a union that is too wide); an unmarked error means the types reject
// something they should not, or this file is out of date.
import {
  PushAuth,
  type ChallengeStatus,
  type PushAuthError,
  type PushAuthErrorCode,
} from "@pushauth/browser";
import init from "@pushauth/browser"; // expect TS2613

declare const trackUrl: string;
declare const thrown: PushAuthError;

// The constructor: baseUrl is required; a misspelt option is caught.
new PushAuth({ tenantId: "acme" }); // expect TS2345
new PushAuth({ baseUrl: "https://auth.example.com/v1", tenant: "acme" }); // expect TS2561
new PushAuth("https://auth.example.com/v1"); // expect TS2345

const pushauth = new PushAuth({ baseUrl: "https://auth.example.com/v1" });
pushauth.push = pushauth.push; // expect TS2540
pushauth.setToken(42); // expect TS2345
pushauth.push = pushauth.push; // expect TS2540
pushauth.baseUrl = "https://other.example.com/v1"; // expect TS2540

// push.challenge / push.verify / push.waitForResult parameters.
await pushauth.push.challenge({ action: 1 }); // expect TS2322
await pushauth.push.verify({}); // expect TS2345
await pushauth.push.verify({ challengeId: 42 }); // expect TS2322
await pushauth.push.verify("challenge-id"); // expect TS2345
await pushauth.push.waitForResult({ signal: new AbortController().signal }); // expect TS2345
await pushauth.push.waitForResult({ challengeId: "c", timeoutMs: "30s" }); // expect TS2322
await pushauth.push.waitForResult({ challengeId: "c", signal: new AbortController() }); // expect TS2740
await pushauth.push.waitForResult({ challengeId: "c", onPoll: (attempt: number) => attempt }); // expect TS2322

// Results: the data is only there after a check, and has only its documented fields.
const started = await pushauth.push.challenge({ action: "signIn" });
started.data.challengeId; // expect TS18048
if (started.data) {
  started.data.token; // expect TS2339
  started.errorDescription.length; // expect TS18048
}
const verified = await pushauth.push.verify({ challengeId: "c" });
if (verified.data) {
  verified.data.accessToken; // expect TS2339
  verified.data.challengeId; // expect TS2339
  const status: ChallengeStatus = verified.data.status; // expect TS2322
  verified.data.status === "verified"; // expect TS2367
  const token: string = verified.data.token; // expect TS2322
}
const notACode: PushAuthErrorCode = "nope"; // expect TS2322

// launch: only the three modes, and each size in its own unit.
await pushauth.launch(trackUrl, { mode: "modal" }); // expect TS2322
await pushauth.launch(trackUrl, { popupOptions: { width: 420 } }); // expect TS2322
await pushauth.launch(trackUrl, { windowOptions: { width: "420px" } }); // expect TS2322
await pushauth.launch(new URL(trackUrl)); // expect TS2345
const launched = await pushauth.launch(trackUrl, { mode: "popup" });
launched.token.length; // expect TS18048

// Thrown errors carry only the thrown codes, not the result codes.
thrown.code === "timeout"; // expect TS2367
