//! The TypeScript types of the package's `.d.ts` that wasm-bindgen cannot derive: option
//! objects, results and error codes. The exported classes reference them by name.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"/// <reference lib="esnext.disposable" />
/** Options of `new PushAuth(options)`. */
export interface PushAuthOptions {
  /** The Worker's API base URL, including the version: `https://auth.example.com/v1`. */
  baseUrl: string;
  /** The tenant's id (kept for `@authsignal/browser` compatibility; the token names the tenant). */
  tenantId?: string;
  /** Called when the Worker reports `expired_token`: fetch a new token from your backend and `setToken` it. */
  onTokenExpired?: () => void;
}

/** Codes the SDK itself reports. The Worker's own codes (`expired_token`, `no_authenticator`, …) pass through. */
export type PushAuthErrorCode =
  | "token_not_set"
  | "network_error"
  | "too_many_requests"
  | "server_error"
  | "unexpected_response"
  | "aborted"
  | "timeout"
  | "invalid_argument"
  | "popup_blocked"
  | "popup_already_open"
  | "expired_token";

/** An error as a result (API errors never throw). */
export interface PushAuthErrorResult {
  data?: undefined;
  /** The code again (`@authsignal/browser`'s deprecated `error`). */
  error: string;
  /** A stable code to switch on: a {@link PushAuthErrorCode} or the Worker's `errorCode`. */
  errorCode: PushAuthErrorCode | (string & {});
  /** A sentence for people. */
  errorDescription: string;
}

/** What every call resolves to: `{ data }` or an error result. */
export type PushAuthResult<T> =
  | { data: T; error?: undefined; errorCode?: undefined; errorDescription?: undefined }
  | PushAuthErrorResult;

/** A thrown or rejected error (wrong arguments, a blocked window): an `Error` with a stable `code`. */
export interface PushAuthError extends Error {
  name: "PushAuthError";
  code: "invalid_argument" | "popup_blocked" | "popup_already_open";
}

/** `push.challenge` parameters. */
export interface ChallengeParams {
  /** The action the token was tracked for (optional: the token names it). */
  action?: string;
}

/** A started push challenge. */
export interface ChallengeData {
  challengeId: string;
  /** The number the user enters on the device; present when the tenant requires number matching. Show it. */
  verificationCode?: string;
  /** When the challenge expires, in Unix milliseconds. */
  expiresAt?: number;
}

/** `push.verify` parameters. */
export interface VerifyParams {
  challengeId: string;
}

/** How a challenge stands. */
export type ChallengeStatus = "pending" | "approved" | "denied" | "expired" | "cancelled";

/** A challenge's state. `isConsumed` is true once finished, including expired. */
export interface VerifyData {
  isConsumed: boolean;
  isVerified: boolean;
  status?: ChallengeStatus;
  /** Why the service ended the challenge unanswered, if it did: `too_many_attempts` (the device sent too many wrong numbers; `status` is then `denied`). */
  failureReason?: "too_many_attempts" | (string & {});
  /** The single-use result token for your backend's `validate`, once approved. */
  token?: string;
}

/** `push.waitForResult` parameters. */
export interface WaitForResultParams {
  challengeId: string;
  /** Stops the wait; it then resolves to the `aborted` error result. */
  signal?: AbortSignal;
  /** Called after every poll with the poll's number (from 1) and its result. */
  onPoll?: (event: { attempt: number; result: PushAuthResult<VerifyData> }) => void;
  /** Gives up after this many milliseconds with the `timeout` error result. Default: no limit (the challenge's own expiry ends the wait). */
  timeoutMs?: number;
}

/** `launch` options. */
export interface LaunchOptions {
  /** `redirect` (default) navigates to the hosted UI; `popup` shows it in a dialog; `window` opens a window. */
  mode?: "redirect" | "popup" | "window";
  /** Popup size (CSS values) and whether Escape or a backdrop click closes it (default true). */
  popupOptions?: { width?: string; height?: string; isClosable?: boolean };
  /** Window size in pixels. */
  windowOptions?: { width?: number; height?: number };
  /** Called when the hosted UI reports an API error. */
  onError?: (error: { errorCode?: string; statusCode?: number }) => void;
}

/** What `launch` resolves to in popup and window modes: the result token, absent if the user closed the UI first. */
export interface TokenPayload {
  token?: string;
}
"#;
