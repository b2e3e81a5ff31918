// What a TypeScript app does with @pushauth/browser: every documented call, with the results
// narrowed as the README describes. Type-checked only (tsc --noEmit, never run) by
// tests/sdk/types.test.mjs, under tsconfig.json's strict settings.
import {
  PushAuth,
  version,
  type ChallengeData,
  type ChallengeStatus,
  type LaunchOptions,
  PushAuthError,
  init,
  type PushAuthErrorCode,
  type PushAuthOptions,
  type PushAuthResult,
  type PushAuthThrownCode,
  type TokenPayload,
  type VerifyData,
  type WaitForResultParams,
} from "@pushauth/browser";

/** True only when A and B are the same type: `any` is not `string`, `string` is not `"a"`. */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Compiles only when `value`'s type is exactly `Expected`; otherwise "Expected 2 arguments". */
function exactly<Expected>() {
  return <Actual>(value: Actual, ..._sameType: Equals<Actual, Expected> extends true ? [] : [never]) => value;
}

declare function fetchTrackToken(): Promise<string>;
declare function sendToBackend(token: string): Promise<void>;
declare const trackUrl: string;

// --- The client -----------------------------------------------------------------------------

const options: PushAuthOptions = {
  baseUrl: "https://auth.example.com/v1",
  tenantId: "acme",
  // An async callback is fine where `() => void` is expected.
  onTokenExpired: async () => pushauth.setToken(await fetchTrackToken()),
};
const pushauth = new PushAuth(options);
new PushAuth({ baseUrl: "https://auth.example.com/v1" }); // tenantId and onTokenExpired are optional
pushauth.setToken(await fetchTrackToken());
pushauth.setToken(null); // forget the token
pushauth.setToken();
exactly<string>()(pushauth.baseUrl);
exactly<string>()(pushauth.tenantId);
exactly<string>()(version());

// --- push.challenge -------------------------------------------------------------------------

const started = await pushauth.push.challenge({ action: "signIn" });
exactly<PushAuthResult<ChallengeData>>()(started);
await pushauth.push.challenge({}); // action is optional: the track token names it

// Optional chaining works on either branch.
const maybeId: string | undefined = started.data?.challengeId;
const code: string | undefined = started.data?.verificationCode;
console.log(maybeId, code, started.data?.expiresAt);

let challengeId: string;
if (started.data) {
  // Narrowed to the success branch: data is there, the error fields are not.
  exactly<string>()(started.data.challengeId);
  exactly<string | undefined>()(started.data.verificationCode);
  exactly<number | undefined>()(started.data.expiresAt);
  exactly<undefined>()(started.errorCode);
  challengeId = started.data.challengeId;
} else {
  // Narrowed to the error branch: a code to switch on and a sentence for people.
  exactly<undefined>()(started.data);
  exactly<string>()(started.error);
  exactly<string>()(started.errorDescription);
  throw new Error(`${started.errorCode}: ${started.errorDescription}`);
}

// --- push.verify ----------------------------------------------------------------------------

const once = await pushauth.push.verify({ challengeId });
exactly<PushAuthResult<VerifyData>>()(once);
if (once.data) {
  exactly<boolean>()(once.data.isConsumed);
  exactly<boolean>()(once.data.isVerified);
  exactly<ChallengeStatus | undefined>()(once.data.status);
  exactly<string | undefined>()(once.data.token);
  const why: string | undefined = once.data.failureReason;
  if (once.data.failureReason === "too_many_attempts") console.log("too many wrong numbers", why);
  if (once.data.isVerified && once.data.token) await sendToBackend(once.data.token);
}
// The other way round: test for the error first.
if (once.errorCode !== undefined) {
  exactly<string>()(once.errorDescription);
} else {
  exactly<VerifyData>()(once.data);
}

// --- push.waitForResult ---------------------------------------------------------------------

const abort = new AbortController();
const waitParams: WaitForResultParams = {
  challengeId,
  signal: abort.signal,
  onPoll: ({ attempt, result }) => {
    exactly<number>()(attempt);
    exactly<PushAuthResult<VerifyData>>()(result);
    console.log(attempt, result.data?.status ?? result.errorCode);
  },
  timeoutMs: 120_000,
};
const result = await pushauth.push.waitForResult(waitParams);
await pushauth.push.waitForResult({ challengeId }); // only challengeId is required
exactly<PushAuthResult<VerifyData>>()(result);

if (result.data?.isVerified && result.data.token) {
  await sendToBackend(result.data.token);
} else if (result.data) {
  // Finished without approval: which way?
  const status: ChallengeStatus | undefined = result.data.status;
  switch (status) {
    case "approved":
    case "denied":
    case "expired":
    case "cancelled":
    case "pending":
    case undefined:
      console.log(status);
      break;
    default: {
      const unreachable: never = status; // every ChallengeStatus is handled
      throw unreachable;
    }
  }
} else {
  // API errors are results: switch on the code, SDK codes and the Worker's alike.
  exactly<PushAuthErrorCode | (string & {})>()(result.errorCode);
  switch (result.errorCode) {
    case "aborted":
    case "timeout":
      console.log("gave up", result.errorDescription);
      break;
    case "token_not_set":
    case "expired_token":
      pushauth.setToken(await fetchTrackToken());
      break;
    case "network_error":
    case "too_many_requests":
    case "server_error":
    case "unexpected_response":
      console.log("try again later");
      break;
    case "no_authenticator": // a Worker code: any string is accepted
    case "origin_not_allowed":
      console.log(result.errorCode);
      break;
    default:
      console.log(result.error); // the deprecated copy of the code
  }
}

// --- launch ---------------------------------------------------------------------------------

const popup = await pushauth.launch(trackUrl, {
  mode: "popup",
  popupOptions: { width: "420px", height: "min(640px, 90vh)", isClosable: false },
  onError: ({ errorCode, statusCode }) => {
    exactly<string | undefined>()(errorCode);
    exactly<number | undefined>()(statusCode);
  },
});
exactly<TokenPayload>()(popup);
exactly<string | undefined>()(popup.token);
if (popup.token) await sendToBackend(popup.token);

const windowOptions: LaunchOptions = { mode: "window", windowOptions: { width: 420, height: 640 } };
const { token } = await pushauth.launch(trackUrl, windowOptions);
if (token !== undefined) await sendToBackend(token);
await pushauth.launch(trackUrl); // redirect, the default
await pushauth.launch(trackUrl, { mode: "redirect" });

// --- Thrown errors --------------------------------------------------------------------------

// Loading the WebAssembly ahead of the first call (optional: every call waits for it).
await init();
await init("/assets/pushauth_browser_bg.wasm").catch((e: unknown) => {
  if (e instanceof PushAuthError) exactly<PushAuthThrownCode>()(e.code);
});

try {
  new PushAuth({ baseUrl: "ftp://nope" });
  await pushauth.launch(trackUrl, { mode: "window" });
} catch (e) {
  if (!(e instanceof PushAuthError)) throw e;
  exactly<"PushAuthError">()(e.name);
  console.log(e.message, e.stack);
  switch (e.code) {
    case "invalid_argument":
    case "popup_blocked":
    case "popup_already_open":
    case "sdk_load_failed":
    case "browser_required":
      console.log(e.code);
      break;
    default: {
      const unreachable: never = e.code; // every thrown code is handled
      throw unreachable;
    }
  }
}
