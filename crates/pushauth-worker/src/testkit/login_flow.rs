//! The KV traffic of one whole sign-in, step by step (`cargo xtask kv-report`, the KV budget
//! test).

use pushauth_core::answer::Choice;
use pushauth_core::challenge::ChallengeView;
use pushauth_core::signature::DeviceSigningKey;
use serde_json::{json, Value};

use super::{pairs, tenant_secret, Client, World};
use crate::scope::HOME_HINT_HEADER;

/// Store traffic of one step of a flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepCount {
    /// The step.
    pub step: &'static str,
    /// KV reads.
    pub reads: u32,
    /// KV writes (puts and deletes).
    pub writes: u32,
    /// Requests to users' Durable Objects.
    pub object_requests: u32,
    /// Reads of a Durable Object's storage (each get, and each list, counts one).
    pub object_reads: u32,
    /// Rows written to a Durable Object's storage: puts and deletes, one row each, and each
    /// `setAlarm` (billed as a row written).
    pub object_writes: u32,
}

/// The label of the last step: the object's alarm runs over the rest of the login's life (the
/// sweeps that delete its expired entries), as requests, and the rows they delete or set.
pub const ALARMS_STEP: &str = "alarms (later)";

/// How far the simulated alarms run after the login: past the longest retention (a signed
/// answer's evidence, 400 days).
const LIFETIME_MS: u64 = 2 * 365 * 86_400_000;

/// Runs a whole sign-in (track → push.challenge → device fetch → answer → verify → validate) for
/// an enrolled device and returns the storage traffic of each step. `None` if any step failed.
///
/// `warm`: the isolates' configuration caches hold the tenant already (long-lived isolates, as
/// under steady traffic); otherwise every request reads its configuration afresh (cold).
pub fn login_flow_counts(warm: bool) -> Option<Vec<StepCount>> {
    // The browser's calls carry the page's Origin, as the SDK's do from a customer's page: the
    // origin check reads the tenant (once per request, with the handler's read).
    const BROWSER_ORIGIN: &str = "http://127.0.0.1:9999";
    let w = World::default();
    w.warm.set(warm);
    if w.tenant("acme", json!({ "numberMatching": true })).status != 201 {
        return None;
    }
    let secret = tenant_secret("acme");
    let auth = World::basic(&secret);
    let key = DeviceSigningKey::from_bytes(&[7; 32])?;
    // Enrolment (once per device, not part of a login).
    let enrol = w.json(
        "POST",
        "/v1/users/alice/actions/enroll",
        &[("authorization", &auth)],
        &json!({"scope": "add:authenticators"}),
    );
    let enrol_token = enrol.json["token"].as_str()?.to_owned();
    let r = w.json(
        "POST",
        "/v1/client/user-authenticators/push",
        &[("authorization", &format!("Bearer {enrol_token}"))],
        &World::enrolment_body(&enrol_token, &key, "phone"),
    );
    if r.status != 201 {
        return None;
    }
    // The device keeps its home hint and sends it on its calls: no KV read routes them.
    let home = r.json["home"].as_str()?.to_owned();
    // Enrolment's own expiring entries are swept before the login starts: the login is measured
    // on an object holding only its lasting records, as a returning user's is between logins.
    w.run_alarms(w.now.get() + LIFETIME_MS);
    w.now.set(w.now.get() + 86_400_000);
    // A read that warms the isolates' configuration caches again (their entries are short-lived).
    if w.send("GET", "/v1/users/alice", &[("authorization", &auth)], b"").status != 200 {
        return None;
    }
    let mut steps = Vec::new();
    let mut measure = |step: &'static str, f: &mut dyn FnMut() -> Option<Value>| -> Option<Value> {
        w.store.reset_counts();
        w.objects.reset_counts();
        let out = f();
        let (object_reads, object_writes) = w.objects.counts();
        let (alarm_sets, alarm_runs) = w.objects.alarm_counts();
        steps.push(StepCount {
            step,
            reads: w.store.reads.get(),
            writes: w.store.writes.get(),
            object_requests: w.objects.requests.get() + alarm_runs,
            object_reads,
            object_writes: object_writes + alarm_sets,
        });
        out
    };
    let track = measure("track", &mut || {
        let r = w.json("POST", "/v1/users/alice/actions/signIn", &[("authorization", &auth)], &json!({}));
        (r.status == 200).then_some(r.json)
    })?;
    let bearer = format!("Bearer {}", track["token"].as_str()?);
    let challenge = measure("push.challenge", &mut || {
        let r = w.json(
            "POST",
            "/v1/client/challenge/push",
            &[("authorization", &bearer), ("origin", BROWSER_ORIGIN)],
            &json!({"action": "signIn"}),
        );
        (r.status == 200).then_some(r.json)
    })?;
    let pending = measure("device fetch", &mut || {
        let mut headers = w.device_headers(&key, "acme", "GET", "/v1/device/challenges", b"");
        headers.push((HOME_HINT_HEADER.into(), home.clone()));
        let h = pairs(&headers);
        let r = w.send("GET", "/v1/device/challenges", &h, b"");
        (r.status == 200).then_some(r.json)
    })?;
    let view: ChallengeView = serde_json::from_value(pending["challenges"][0].clone()).ok()?;
    let code = challenge["verificationCode"].as_str().map(str::to_owned);
    measure("device answer", &mut || {
        let body = World::answer_body(&key, &view, &Choice { button: 0, code: code.clone(), reason: None });
        let path = format!("/v1/device/challenges/{}/answer", view.challenge_id);
        let r = w.json("POST", &path, &[(HOME_HINT_HEADER, &home)], &body);
        (r.status == 200).then_some(r.json)
    })?;
    let verified = measure("push.verify", &mut || {
        let r = w.json(
            "POST",
            "/v1/client/verify/push",
            &[("authorization", &bearer), ("origin", BROWSER_ORIGIN)],
            &json!({"challengeId": view.challenge_id}),
        );
        (r.status == 200).then_some(r.json)
    })?;
    let token = verified["accessToken"].as_str()?.to_owned();
    measure("validate", &mut || {
        let r = w.json("POST", "/v1/validate", &[("authorization", &auth)], &json!({"token": token}));
        (r.status == 200 && r.json["isValid"] == true).then_some(r.json)
    })?;
    measure(ALARMS_STEP, &mut || {
        w.run_alarms(w.now.get() + LIFETIME_MS);
        Some(Value::Null)
    })?;
    Some(steps)
}
