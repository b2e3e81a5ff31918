//! How the CLI shows a challenge and turns API errors into plain sentences.

use pushauth_core::challenge::ChallengeView;
use pushauth_device::ClientError;

/// Seconds as "1m 05s" / "42s".
pub fn remaining(ms: u64) -> String {
    let secs = ms / 1000;
    if secs >= 60 {
        format!("{}m {:02}s", secs / 60, secs % 60)
    } else {
        format!("{secs}s")
    }
}

/// A challenge as the person reads it.
pub fn describe(tenant: &str, view: &ChallengeView, now_ms: u64) -> String {
    let mut out = String::new();
    let expires = remaining(view.expires_at.saturating_sub(now_ms));
    out.push_str(&format!("┌ {tenant}: {} for {}   (expires in {expires})\n", view.action, view.user_id));
    if !view.content.is_empty() {
        for line in view.content.lines() {
            out.push_str(&format!("│ {line}\n"));
        }
    }
    let ctx = &view.context;
    let from: Vec<&str> =
        [&ctx.ip_address, &ctx.user_agent, &ctx.location].iter().filter_map(|v| v.as_deref()).collect();
    if !from.is_empty() {
        out.push_str(&format!("│ From {}\n", from.join(" · ")));
    }
    if let Some(tx) = &view.transaction_id {
        out.push_str(&format!("│ Transaction {tx}\n"));
    }
    if let Some(code) = &view.confirmation_code {
        out.push_str(&format!("│ Confirmation code {code} (check it matches the other screen)\n"));
    }
    if view.number_match_required {
        out.push_str("│ To approve, type the number shown on the sign-in screen.\n");
    }
    let buttons: Vec<String> =
        view.buttons.as_slice().iter().enumerate().map(|(i, b)| format!("[{}] {}", i + 1, b.title)).collect();
    out.push_str(&format!("└ {}   [n] I didn't start this\n", buttons.join("   ")));
    out
}

/// A client error as a sentence for the person at the terminal.
pub fn explain(error: &ClientError) -> String {
    match error {
        ClientError::Api { code, message, .. } => match code.as_str() {
            "challenge_expired" => "this request has expired; start the sign-in again".into(),
            "challenge_not_pending" => "this request was already answered or cancelled".into(),
            "number_mismatch" => "the number does not match the one on the sign-in screen".into(),
            "too_many_attempts" => {
                "the number was wrong too many times, so the request was cancelled; start the sign-in again"
                    .into()
            }
            "number_match_required" => "this request needs the number shown on the sign-in screen".into(),
            "invalid_credential" => "this device is not enrolled (any more): enroll it again".into(),
            "expired_token" => "the enrolment link has expired: ask for a new one".into(),
            "insufficient_scope" => "this link is not an enrolment link".into(),
            "key_already_enrolled" => "this key is already enrolled for another account".into(),
            _ => message.clone(),
        },
        other => other.to_string(),
    }
}
