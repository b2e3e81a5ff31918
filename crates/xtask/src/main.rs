//! Repository tasks.
//!
//! `cargo xtask vectors` writes `tests/vectors/*.json` from the core's own code, with fixed keys
//! and inputs, so every implementation (core, browser SDK, device crate, web authenticator) can
//! check the same bytes. `cargo xtask vectors --check` fails if the committed files differ from
//! what the code generates now: the files are never edited by hand.
//! `cargo xtask error-codes [--check]` writes (or checks) every generated copy of the error-code
//! table: see [`error_codes`].
//! `cargo xtask kv-report` prints the KV reads and writes of one successful login.
//! `cargo xtask cycles [CRATES_DIR]` fails when top-level modules of a crate import each other in a cycle:
//! see [`cycles`].

mod cycles;
mod error_codes;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pushauth_core::answer::{answer_message, context_digest, Choice};
use pushauth_core::button::{Button, Buttons};
use pushauth_core::challenge::{Challenge, ChallengeSpec, DenyReason, Dialect, Randomness, Status};
use pushauth_core::device_request::{device_request_message, DeviceRequest};
use pushauth_core::encoding::{b64, b64url, hex};
use pushauth_core::enrolment_proof::{enrolment_message, token_digest};
use pushauth_core::evidence::{self, Evidence, EvidenceResult, EVIDENCE_VERSION};
use pushauth_core::signature::DeviceSigningKey;
use pushauth_core::token::{self, Claims, TokenKind};
use pushauth_core::webhook::{v2_header, StandardSecret};
use serde_json::{json, Value};

/// Fixed device secrets: vectors must be reproducible. Never use these keys for anything else.
const DEVICE_SECRETS: [[u8; 32]; 2] = [[0x42; 32], [0x17; 32]];
const NOW: u64 = 1_800_000_000_000;

fn key(i: usize) -> Result<DeviceSigningKey, String> {
    DeviceSigningKey::from_bytes(&DEVICE_SECRETS[i])
        .ok_or_else(|| format!("vector key {i} is not a valid scalar"))
}

fn keys() -> Result<Value, String> {
    let mut list = Vec::new();
    for i in 0..DEVICE_SECRETS.len() {
        let k = key(i)?;
        let public = k.public_key();
        list.push(json!({
            "secretHex": hex(&k.to_bytes()),
            "publicKeySpki": public.to_base64(),
            "keyId": public.key_id().as_str(),
        }));
    }
    Ok(
        json!({ "description": "Device keys used by the other vector files (test-only secrets).", "keys": list }),
    )
}

fn challenge(case: &str) -> Result<Challenge, String> {
    let mut spec = ChallengeSpec::new(Dialect::Authsignal, "acme", "alice@example.com", "signIn");
    spec.content = "Sign in to Acme from Firefox on Linux?".into();
    spec.context.ip_address = Some("203.0.113.7".into());
    spec.context.user_agent = Some("Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0".into());
    spec.context.location = Some("Berlin, DE".into());
    if case == "custom-buttons" {
        spec.dialect = Dialect::Privakey;
        spec.action = "payment".into();
        spec.content = "Pay €50.00 to Bob's Bikes?\nReference: INV-2231".into();
        spec.transaction_id = Some("INV-2231".into());
        spec.show_confirmation_code = true;
        spec.notification_title = Some("Approve payment".into());
        spec.buttons = Some(
            Buttons::new(vec![
                Button { title: "Pay".into(), strong_auth: true, style: Some("primary".into()) },
                Button { title: "Not now".into(), strong_auth: false, style: None },
                Button { title: "Report fraud".into(), strong_auth: false, style: Some("danger".into()) },
            ])
            .map_err(|e| e.to_string())?,
        );
    }
    if case == "number-match" {
        spec.number_match_digits = Some(3);
    }
    Challenge::new(spec, NOW, &Randomness::from_bytes(&[0x07; 48])).map_err(|e| e.to_string())
}

fn answers() -> Result<Value, String> {
    let cases = [
        ("approve", "default", Choice { button: 0, code: None, reason: None }),
        ("deny-not-me", "default", Choice { button: 1, code: None, reason: Some(DenyReason::NotMe) }),
        ("number-match-approve", "number-match", Choice { button: 0, code: None, reason: None }),
        (
            "custom-button",
            "custom-buttons",
            Choice { button: 2, code: None, reason: Some(DenyReason::Other) },
        ),
    ];
    let device = key(0)?;
    let key_id = device.public_key().key_id();
    let mut out = Vec::new();
    for (name, which, mut choice) in cases {
        let c = challenge(which)?;
        if let Some(code) = &c.number_match {
            choice.code = Some(code.as_str().to_owned());
        }
        let view = c.view();
        let message = answer_message(&view, &key_id, &choice);
        let signature = device.sign(&message);
        out.push(json!({
            "name": name,
            "view": view,
            "keyId": key_id.as_str(),
            "choice": choice,
            "contextDigest": b64url(&context_digest(&view)),
            "messageHex": hex(&message),
            "signatureDer": b64(&signature.to_der()),
            "signatureRaw": b64url(&signature.to_raw()),
        }));
    }
    Ok(json!({
        "description": "Answer messages (docs/protocol.md, 'Answer message'), signed by keys[0] of keys.json.",
        "cases": out,
    }))
}

/// A change to an evidence document, given another key's SPKI and id.
type Tamper = fn(&mut Evidence, &str, &str);

/// Evidence documents (docs/protocol.md, "Evidence"): one valid, and tampered copies, each with
/// the verdict `evidence::verify` gives (`valid` or the reason's name).
fn evidences() -> Result<Value, String> {
    let c = challenge("custom-buttons")?;
    let view = c.view();
    let device = key(0)?;
    let key_id = device.public_key().key_id();
    let choice = Choice { button: 0, code: None, reason: None };
    let signature = device.sign(&answer_message(&view, &key_id, &choice));
    let valid = Evidence {
        version: EVIDENCE_VERSION,
        tenant_id: view.tenant_id.clone(),
        challenge: view,
        choice,
        key_id: key_id.as_str().to_owned(),
        public_key: device.public_key().to_base64(),
        signature: b64(&signature.to_der()),
        result: EvidenceResult { status: Status::Approved, answered_at: NOW + 4_000 },
    };
    let other = key(1)?.public_key();
    let tampers: [(&str, Tamper); 8] = [
        ("valid", |_, _, _| {}),
        ("tampered-amount", |e, _, _| e.challenge.content = e.challenge.content.replace("50.00", "5000.00")),
        ("tampered-payee", |e, _, _| e.challenge.content = e.challenge.content.replace("Bob's", "Eve's")),
        ("tampered-context", |e, _, _| e.challenge.context.location = Some("Lagos, NG".into())),
        ("swapped-key", |e, public, id| {
            e.public_key = public.to_owned();
            e.key_id = id.to_owned();
        }),
        ("key-id-not-the-key", |e, public, _| e.public_key = public.to_owned()),
        ("wrong-tenant", |e, _, _| {
            e.tenant_id = "globex".into();
            e.challenge.tenant_id = "globex".into();
        }),
        ("tenant-not-the-signed-one", |e, _, _| e.tenant_id = "globex".into()),
    ];
    let mut out = Vec::new();
    for (name, tamper) in tampers {
        let mut e = valid.clone();
        tamper(&mut e, &other.to_base64(), other.key_id().as_str());
        let verdict = match evidence::verify(&e) {
            Ok(_) => "valid",
            Err(reason) => reason.as_str(),
        };
        out.push(json!({ "name": name, "evidence": e, "verdict": verdict }));
    }
    Ok(json!({
        "description": "Evidence documents (docs/protocol.md, 'Evidence'), signed by keys[0] of keys.json; verdict is 'valid' or why verification refuses.",
        "cases": out,
    }))
}

fn device_requests() -> Result<Value, String> {
    let device = key(1)?;
    let key_id = device.public_key().key_id();
    let cases = [
        ("GET", "/v1/device/challenges", ""),
        ("PATCH", "/v1/device/credential", r#"{"deviceName":"Work phone"}"#),
        ("DELETE", "/v1/device/credential", ""),
    ];
    let out: Vec<Value> = cases
        .iter()
        .map(|(method, path, body)| {
            let request = DeviceRequest {
                tenant_id: "acme",
                key_id: &key_id,
                method,
                path_and_query: path,
                timestamp: NOW,
                body: body.as_bytes(),
            };
            let message = device_request_message(&request);
            json!({
                "tenantId": "acme",
                "keyId": key_id.as_str(),
                "method": method,
                "pathAndQuery": path,
                "timestamp": NOW,
                "body": body,
                "messageHex": hex(&message),
                "signatureDer": b64(&device.sign(&message).to_der()),
            })
        })
        .collect();
    Ok(json!({
        "description": "Signed device requests (docs/protocol.md, 'Device request message'), signed by keys[1] of keys.json.",
        "cases": out,
    }))
}

/// Enrolment proofs: the message for an enrolment token and key, signed by the key (valid), by
/// another key, and for another token. `verdict` is what the Worker answers the enrolment
/// (`valid`, or the error code before anything looks the key up).
fn enrolments() -> Result<Value, String> {
    // An enrolment token is opaque to the proof: only its bytes are hashed.
    let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJraW5kIjoidHJhY2siLCJzY29wZSI6ImFkZDphdXRoZW50aWNhdG9ycyJ9.vector";
    let (device, other) = (key(0)?, key(1)?);
    let key_id = device.public_key().key_id();
    let message = enrolment_message(token, &key_id);
    let cases = [
        ("valid", device.sign(&message), "valid"),
        ("signed-by-another-key", other.sign(&message), "invalid_signature"),
        (
            "signed-for-another-token",
            device.sign(&enrolment_message("another.enrolment.token", &key_id)),
            "invalid_signature",
        ),
    ];
    let out: Vec<Value> = cases
        .iter()
        .map(|(name, signature, verdict)| {
            json!({
                "name": name,
                "token": token,
                "publicKeySpki": device.public_key().to_base64(),
                "keyId": key_id.as_str(),
                "tokenDigest": token_digest(token),
                "messageHex": hex(&message),
                "signatureDer": b64(&signature.to_der()),
                "signatureRaw": b64url(&signature.to_raw()),
                "verdict": verdict,
            })
        })
        .collect();
    Ok(json!({
        "description": "Enrolment proofs (docs/protocol.md, 'Enrolment proof'): keys[0] of keys.json enrols with `token`; messageHex is what it signs.",
        "cases": out,
    }))
}

/// An identifier of the core's (`pushauth_core::ids`), parsed by its rule.
fn id<T: std::str::FromStr<Err = pushauth_core::Error>>(text: &str) -> Result<T, String> {
    text.parse().map_err(|e: pushauth_core::Error| format!("{text:?}: {e}"))
}

fn tokens() -> Result<Value, String> {
    let secret = "vector-token-secret-0123456789abcdef";
    let track = Claims {
        kind: TokenKind::Track,
        tid: id("acme")?,
        sub: id("alice@example.com")?,
        act: id("signIn")?,
        idem: id("5c8bd0d4-2a3d-4d0e-9d41-0e6b8f0c7a11")?,
        scope: "".into(),
        cid: None,
        redirect_url: Some("https://acme.example/signed-in".into()),
        context: None,
        iat: NOW / 1000,
        exp: NOW / 1000 + 600,
    };
    let result = Claims {
        kind: TokenKind::Result,
        cid: Some(id("07070707-0707-4707-8707-070707070707")?),
        redirect_url: None,
        exp: NOW / 1000 + 300,
        ..track.clone()
    };
    let mut out = Vec::new();
    for claims in [track, result] {
        out.push(json!({
            "claims": claims,
            "token": token::issue(secret.as_bytes(), &claims).map_err(|e| e.to_string())?,
        }));
    }
    Ok(json!({
        "description": "HS256 tokens (docs/protocol.md, 'Tokens'); secret is UTF-8; valid at nowMillis.",
        "secret": secret,
        "nowMillis": NOW,
        "cases": out,
    }))
}

fn webhooks() -> Result<Value, String> {
    let body = r#"{"version":1,"id":"evt_1","type":"push.created","data":{"challengeId":"07070707-0707-4707-8707-070707070707"}}"#;
    let timestamp = NOW / 1000;
    let api_secret = "sk_vector_0123456789";
    let standard = StandardSecret::from_key([0x24; 32]);
    Ok(json!({
        "description": "Webhook signatures (docs/protocol.md, 'Webhooks').",
        "body": body,
        "timestamp": timestamp,
        "v2": {
            "secret": api_secret,
            "header": v2_header(api_secret, timestamp, body.as_bytes()).map_err(|e| e.to_string())?,
        },
        "standard": {
            "secret": standard.to_text(),
            "id": "evt_1",
            "signature": standard.sign("evt_1", timestamp, body.as_bytes()).map_err(|e| e.to_string())?,
        },
    }))
}

fn generate() -> Result<Vec<(&'static str, Value)>, String> {
    Ok(vec![
        ("keys.json", keys()?),
        ("answers.json", answers()?),
        ("device_requests.json", device_requests()?),
        ("enrolments.json", enrolments()?),
        ("evidence.json", evidences()?),
        ("tokens.json", tokens()?),
        ("webhooks.json", webhooks()?),
    ])
}

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors")
}

/// Prints the storage operations of each step of a successful login: KV reads and writes, and
/// the users' Durable Object requests and storage rows (goal: at most 1 KV write per login).
fn kv_report() -> Result<(), String> {
    for warm in [false, true] {
        kv_report_table(warm)?;
    }
    Ok(())
}

fn kv_report_table(warm: bool) -> Result<(), String> {
    let steps = pushauth_worker::testkit::login_flow_counts(warm).ok_or("the login flow failed")?;
    let isolates = if warm { "warm isolates: tenants already cached" } else { "cold isolates" };
    println!("Storage traffic of one successful push login ({isolates}):");
    println!(
        "{:<16} {:>6} {:>7} {:>11} {:>8} {:>8}",
        "step", "reads", "writes", "DO requests", "DO reads", "DO writes"
    );
    for s in &steps {
        println!(
            "{:<16} {:>6} {:>7} {:>11} {:>8} {:>8}",
            s.step, s.reads, s.writes, s.object_requests, s.object_reads, s.object_writes
        );
    }
    let sum = |f: fn(&pushauth_worker::testkit::StepCount) -> u32| steps.iter().map(f).sum::<u32>();
    println!(
        "{:<16} {:>6} {:>7} {:>11} {:>8} {:>8}",
        "total",
        sum(|s| s.reads),
        sum(|s| s.writes),
        sum(|s| s.object_requests),
        sum(|s| s.object_reads),
        sum(|s| s.object_writes)
    );
    println!();
    Ok(())
}

fn run(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("vectors") => {}
        Some("kv-report") => return kv_report(),
        Some("cycles") => {
            let crates = args.get(1).map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".."), PathBuf::from);
            return cycles::run(&crates);
        }
        Some("error-codes") => return error_codes::run(args.get(1).map(String::as_str) == Some("--check")),
        _ => {
            return Err(
                "usage: cargo xtask vectors [--check] | cargo xtask error-codes [--check] | cargo xtask kv-report | cargo xtask cycles [CRATES_DIR]".into()
            )
        }
    }
    let check = args.get(1).map(String::as_str) == Some("--check");
    let dir = vectors_dir();
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut stale = Vec::new();
    for (name, value) in generate()? {
        let text = serde_json::to_string_pretty(&value).map_err(|e| e.to_string())? + "\n";
        let path = dir.join(name);
        if check {
            let current = std::fs::read_to_string(&path).unwrap_or_default();
            if current != text {
                stale.push(name);
            }
        } else {
            std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    if !stale.is_empty() {
        return Err(format!(
            "tests/vectors is out of date ({}): run `cargo xtask vectors` and commit the result",
            stale.join(", ")
        ));
    }
    println!("tests/vectors: {}", if check { "up to date" } else { "written" });
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
