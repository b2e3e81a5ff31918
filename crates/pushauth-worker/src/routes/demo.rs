//! The demo site's own backend (`/demo/api/...`): what a customer's server would do, with the
//! tenant secret kept server-side (Worker vars `DEMO_TENANT_ID`, `DEMO_TENANT_SECRET`). It calls
//! the service through a typed client ([`backend`]) with real credentials, as an external backend
//! would over HTTP: through authentication and the routing to the user's Durable Object.
//! Disabled (404 `demo_disabled`) unless those vars are set AND `ALLOW_LOOPBACK_URLS=true`: the
//! demo enrols a device for any user name without authentication, so it runs only where the
//! deployment is explicitly a development one (`dev/dev.vars`, used by `scripts/dev.sh` and the
//! tests), never in a deployment that merely kept the demo's variables.

use pushauth_core::ids::{ActionCode, UserId};
use pushauth_core::text::check_required_text;
use pushauth_core::token::SCOPE_ADD_AUTHENTICATORS;
use pushauth_core::webhook::{verify_v2, DEFAULT_TOLERANCE_SECS};
use qrcodegen::{QrCode, QrCodeEcc};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::api_error::{ApiError, ErrorCode};
use crate::app::App;
use crate::http::{ApiRequest, ApiResponse};
use crate::routes::parse_json;
use crate::routes::server::wire::{TrackBody, ValidateBody};
use crate::store::{get_json, put_json, Store};

pub mod backend;

use backend::{Backend, Service};

fn demo_enabled<S: Store>(app: &App<'_, S>) -> Result<(), ApiError> {
    let configured = !app.config.demo_tenant_id.is_empty() && !app.config.demo_tenant_secret.is_empty();
    if !(configured && app.config.allow_loopback) {
        return Err(ApiError::not_found(ErrorCode::DemoDisabled, "demo"));
    }
    Ok(())
}

/// The demo tenant's backend, calling `service` for the page's request `req`.
fn backend<'b, S: Store, T: Service>(
    app: &'b App<'_, S>,
    req: &'b ApiRequest,
    service: &'b T,
) -> Backend<'b, T> {
    Backend::new(service, &app.config.demo_tenant_secret, &req.origin)
}

/// An action code the demo names.
fn action(code: &str) -> Result<ActionCode, ApiError> {
    Ok(ActionCode::parse(code)?)
}

#[derive(Deserialize)]
struct UserBody {
    username: String,
}

/// `POST /demo/api/sign-in {username}`: tracks a sign-in; the browser gets the track token.
pub async fn sign_in<S: Store, T: Service>(
    app: &App<'_, S>,
    req: &ApiRequest,
    service: &T,
) -> Result<ApiResponse, ApiError> {
    demo_enabled(app)?;
    let body: UserBody = parse_json(req)?;
    let user = UserId::parse(&body.username)?;
    let track = TrackBody { user_agent: req.header("user-agent").map(str::to_owned), ..TrackBody::default() };
    let tracked = backend(app, req, service).track(&user, &action("signIn")?, &track).await?;
    Ok(ApiResponse::json(
        200,
        &json!({ "token": tracked.token, "isEnrolled": tracked.is_enrolled, "userId": body.username }),
    ))
}

#[derive(Deserialize)]
struct TokenBody {
    token: String,
}

/// `POST /demo/api/session {token}`: validates the result token server-side.
pub async fn session<S: Store, T: Service>(
    app: &App<'_, S>,
    req: &ApiRequest,
    service: &T,
) -> Result<ApiResponse, ApiError> {
    demo_enabled(app)?;
    let body: TokenBody = parse_json(req)?;
    let validate = ValidateBody { token: body.token, user_id: None, action: None };
    let result = backend(app, req, service).validate(&validate).await?;
    let signed_in = result.state == "CHALLENGE_SUCCEEDED";
    Ok(ApiResponse::json(
        200,
        &json!({ "signedIn": signed_in, "userId": result.user_id, "state": result.state }),
    ))
}

/// An SVG QR code of `text`.
pub fn qr_svg(text: &str) -> Result<String, ApiError> {
    let qr = QrCode::encode_text(text, QrCodeEcc::Medium)
        .map_err(|_| ApiError::new(ErrorCode::QrTooLong, "the link is too long for a QR code"))?;
    let border = 2;
    let size = qr.size() + border * 2;
    let mut path = String::new();
    for y in 0..qr.size() {
        for x in 0..qr.size() {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    Ok(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges"><rect width="100%" height="100%" fill="#fff"/><path d="{path}" fill="#14161f"/></svg>"##
    ))
}

/// `POST /demo/api/enroll {username}`: an enrolment link (and its QR code) for a device.
pub async fn enroll<S: Store, T: Service>(
    app: &App<'_, S>,
    req: &ApiRequest,
    service: &T,
) -> Result<ApiResponse, ApiError> {
    demo_enabled(app)?;
    let body: UserBody = parse_json(req)?;
    let user = UserId::parse(&body.username)?;
    let track = TrackBody { scope: Some(SCOPE_ADD_AUTHENTICATORS.to_owned()), ..TrackBody::default() };
    let tracked = backend(app, req, service).track(&user, &action("enroll")?, &track).await?;
    let token = tracked.token;
    let link = format!("{}/authenticator/#enroll={token}", app.public_base(&req.origin));
    Ok(ApiResponse::json(200, &json!({ "link": link, "qrSvg": qr_svg(&link)?, "token": token })))
}

#[derive(Deserialize)]
struct PaymentBody {
    username: String,
    amount: String,
    payee: String,
}

/// `POST /demo/api/payment {username, amount, payee}`: a Privakey-style request with custom
/// buttons and a callback to the demo backend.
pub async fn payment<S: Store, T: Service>(
    app: &App<'_, S>,
    req: &ApiRequest,
    service: &T,
) -> Result<ApiResponse, ApiError> {
    demo_enabled(app)?;
    let body: PaymentBody = parse_json(req)?;
    let user = UserId::parse(&body.username)?;
    check_required_text("payee", &body.payee, 64, false)?;
    let amount_ok = !body.amount.is_empty()
        && body.amount.len() <= 10
        && body.amount.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    if !amount_ok {
        return Err(ApiError::new(ErrorCode::InvalidAmount, "the amount is a number such as 49.90"));
    }
    let callback = format!("{}/demo/api/callback", app.public_base(&req.origin));
    // An object literal, so always an object.
    let Value::Object(add) = json!({
        "accountId": user,
        "content": format!("Pay €{} to {}?", body.amount, body.payee),
        "buttons": [
            { "title": format!("Pay €{}", body.amount), "strongAuth": true, "style": "primary" },
            { "title": "Decline", "strongAuth": false },
            { "title": "Report fraud", "strongAuth": false, "style": "danger" }
        ],
        "callback": callback,
        "duration": "2m",
        "notificationTitle": "Approve payment",
        "notificationBody": format!("€{} to {}", body.amount, body.payee),
        "transactionId": format!("DEMO-{}", app.now % 1_000_000),
        "showConfirmationCode": true,
        "showNotification": true,
        "additionalInfo": { "demo": true, "payee": body.payee },
    }) else {
        return Err(ApiError::storage());
    };
    let request = backend(app, req, service).request_add(&add).await?;
    Ok(ApiResponse::json(
        200,
        &json!({ "guid": request.guid, "confirmationCode": request.confirmation_code, "transactionId": request.transaction_id }),
    ))
}

/// `POST /demo/api/callback`: the demo backend's callback receiver. Verifies `X-Signature-V2`
/// with the tenant secret, then keeps the processed request for the page to show.
pub async fn callback<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
    demo_enabled(app)?;
    let header = req.header("x-signature-v2").ok_or_else(|| ApiError::unauthorized("unsigned callback"))?;
    verify_v2(&app.config.demo_tenant_secret, header, &req.body, app.now, DEFAULT_TOLERANCE_SECS)?;
    let body: Value = parse_json(req)?;
    let guid = body["guid"].as_str().unwrap_or_default();
    pushauth_core::ids::ChallengeId::parse(guid)?;
    put_json(app.store, &format!("demo:payment:{guid}"), &body, Some(3600)).await?;
    Ok(ApiResponse::empty(204))
}

/// `GET /demo/api/payment/{guid}`: what the callback brought, if it came.
pub async fn payment_status<S: Store>(app: &App<'_, S>, guid: &str) -> Result<ApiResponse, ApiError> {
    demo_enabled(app)?;
    let id = pushauth_core::ids::ChallengeId::parse(guid)?;
    let got: Option<Value> = get_json(app.store, &format!("demo:payment:{}", id.as_str())).await?;
    Ok(ApiResponse::json(200, &json!({ "received": got.is_some(), "callback": got })))
}
