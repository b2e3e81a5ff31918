//! `POST /__bench/verify`: runs one signature check through the reference verifier, WebCrypto or
//! both, `iterations` times. Served only when the Worker runs with `BENCH_ROUTES=true` (the bench
//! and the differential test set it; deployments never do). It touches no state and no secret.
//!
//! Body: `{"publicKey", "message", "signature"}` (base64 or base64url: a key and signature in any
//! encoding the core accepts, the message's raw bytes), `"engine"`: `reference` | `webcrypto` |
//! `both`, `"iterations"`: 1–1000. Answer: `{"reference": bool|null, "webcrypto": bool|null}`,
//! `null` for an engine not run, `false` also when the core refuses the key or the signature.

use pushauth_core::encoding::decode_b64;
use pushauth_core::signature::{DevicePublicKey, DeviceSignature, SignatureCheck};
use serde::{Deserialize, Serialize};

use crate::api_error::{ApiError, ErrorCode};
use crate::http::{ApiRequest, ApiResponse};
use crate::routes::parse_json;
use crate::signature_verifier::{holds, Engine};

/// The most iterations one request may ask for.
const MAX_ITERATIONS: u32 = 1000;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct VerifyBody {
    public_key: String,
    message: String,
    signature: String,
    engine: String,
    iterations: u32,
}

#[derive(Serialize)]
struct Verdicts {
    reference: Option<bool>,
    webcrypto: Option<bool>,
}

async fn run(check: Option<&SignatureCheck>, engine: Engine, iterations: u32) -> bool {
    let Some(check) = check else { return false };
    let mut all = true;
    for _ in 0..iterations {
        all &= holds(check, engine).await;
    }
    all
}

/// `POST /__bench/verify`.
pub async fn verify(req: &ApiRequest) -> Result<ApiResponse, ApiError> {
    let body: VerifyBody = parse_json(req)?;
    if !(1..=MAX_ITERATIONS).contains(&body.iterations) {
        return Err(ApiError::new(ErrorCode::InvalidIterations, "iterations must be 1 to 1000"));
    }
    let (reference, webcrypto) = match body.engine.as_str() {
        "reference" => (true, false),
        "webcrypto" => (false, true),
        "both" => (true, true),
        _ => {
            return Err(ApiError::new(
                ErrorCode::InvalidEngine,
                "engine must be reference, webcrypto or both",
            ))
        }
    };
    let message = decode_b64(&body.message, "message")?;
    let check = match (DevicePublicKey::parse(&body.public_key), DeviceSignature::parse(&body.signature)) {
        (Ok(key), Ok(signature)) => Some(SignatureCheck::new(&key, message, &signature)),
        _ => None,
    };
    let verdicts = Verdicts {
        reference: if reference {
            Some(run(check.as_ref(), Engine::Reference, body.iterations).await)
        } else {
            None
        },
        webcrypto: if webcrypto {
            Some(run(check.as_ref(), Engine::WebCrypto, body.iterations).await)
        } else {
            None
        },
    };
    Ok(ApiResponse::json(200, &verdicts))
}

#[cfg(test)]
#[cfg(not(target_arch = "wasm32"))] // the test kit is native only
mod tests {
    use pushauth_core::encoding::b64;
    use pushauth_core::signature::DeviceSigningKey;
    use serde_json::json;

    use crate::testkit::{Client, World};

    fn body(engine: &str, message: &[u8]) -> serde_json::Value {
        let key = DeviceSigningKey::from_bytes(&[7; 32]).unwrap();
        json!({
            "publicKey": key.public_key().to_base64(),
            "message": b64(message),
            "signature": b64(&key.sign(b"signed").to_der()),
            "engine": engine,
            "iterations": 3,
        })
    }

    #[test]
    fn the_route_does_not_exist_unless_bench_routes_is_set() {
        let world = World::default();
        let reply = world.json("POST", "/__bench/verify", &[], &body("both", b"signed"));
        assert_eq!(reply.status, 404);
        assert_eq!(reply.json["errorCode"], "route_not_found");
    }

    #[test]
    fn it_reports_each_engine_it_ran() {
        let mut world = World::default();
        world.config.bench_routes = true;
        let reply = world.json("POST", "/__bench/verify", &[], &body("both", b"signed"));
        assert_eq!((reply.status, &reply.json), (200, &json!({"reference": true, "webcrypto": true})));
        let reply = world.json("POST", "/__bench/verify", &[], &body("reference", b"other"));
        assert_eq!(reply.json, json!({"reference": false, "webcrypto": null}));
        let mut bad = body("webcrypto", b"signed");
        bad["signature"] = json!("AAAA");
        assert_eq!(
            world.json("POST", "/__bench/verify", &[], &bad).json,
            json!({"reference": null, "webcrypto": false})
        );
        bad["iterations"] = json!(1001);
        assert_eq!(world.json("POST", "/__bench/verify", &[], &bad).json["errorCode"], "invalid_iterations");
    }
}
