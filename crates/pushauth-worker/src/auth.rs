//! Who is calling: the administrator, a tenant's backend, a browser with a track token, or an
//! enrolled device. Each check returns the caller or an error; the rules themselves are the core's.

use pushauth_core::cx1_hmac::{cx1_verify, Cx1Request};
use pushauth_core::device::DeviceCredential;
use pushauth_core::device_request::{device_request_check, DeviceRequest};
use pushauth_core::ids::TenantId;
use pushauth_core::secret::admin_token_matches;
use pushauth_core::server_auth::{hmac_message, hmac_verify, parse_authorization, ServerCredential};
use pushauth_core::signature::{DeviceSignature, KeyId};
use pushauth_core::tenant::{AuthMode, Tenant};
use pushauth_core::token::{self, Claims, TokenKind};
use pushauth_core::Error;

use crate::api_error::{ApiError, ErrorCode};
use crate::app::App;
use crate::http::ApiRequest;
use crate::records::load_device;
use crate::signature_verifier;
use crate::single_use_repo::{admit_signed_request, mark_hmac_request};
use crate::store::Store;
use crate::tenants_repo::{find_tenant, tenant_of_secret};

/// Checks `Authorization: Bearer <ADMIN_TOKEN>`: the core's [`admin_token_matches`] (digests
/// compared in constant time; an empty configured token turns the admin API off).
pub fn require_admin<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Result<(), ApiError> {
    let presented = req
        .header("authorization")
        .and_then(|h| h.strip_prefix("Bearer "))
        .ok_or_else(|| ApiError::unauthorized("the admin API needs `Authorization: Bearer <ADMIN_TOKEN>`"))?;
    if admin_token_matches(&app.config.admin_token, presented) {
        Ok(())
    } else {
        Err(Error::InvalidCredential.into())
    }
}

/// Loads a tenant: the tenant or 404. (An id no tenant can have is refused with a 400 where it
/// is parsed, before any storage read.)
pub async fn load_tenant<S: Store>(app: &App<'_, S>, id: &TenantId) -> Result<Tenant, ApiError> {
    find_tenant(app.store, id).await?.ok_or_else(|| ApiError::not_found(ErrorCode::TenantNotFound, "tenant"))
}

/// Authenticates a tenant's backend by Basic or HMAC (`PUSHAUTH-HMAC-SHA256` or Privakey's
/// `CX1-HMAC-SHA256`), as the tenant's `authMode` requires, and makes an HMAC-signed request
/// single use: its MAC is remembered in the user's object, which every replay of the same
/// request reaches (`scope.rs`).
pub async fn server_tenant<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Result<Tenant, ApiError> {
    let (tenant, mac) = authenticate_server(app, req).await?;
    if let Some(mac) = mac {
        mark_hmac_request(app.store, &tenant.id, &mac, app.now).await?;
    }
    Ok(tenant)
}

/// Checks a backend's credentials without the replay guard: the front Worker uses it to learn
/// which tenant is calling before it routes the request to a user's object, which then runs
/// [`server_tenant`] in full. Answers the tenant and, for HMAC, the verified MAC.
pub async fn authenticate_server<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
) -> Result<(Tenant, Option<Vec<u8>>), ApiError> {
    let header = req
        .header("authorization")
        .ok_or_else(|| ApiError::unauthorized("the server API needs Basic or HMAC credentials"))?;
    let credential = parse_authorization(header)?;
    let tenant_id = match &credential {
        ServerCredential::SecretOnly { secret } => {
            tenant_of_secret(app.store, secret).await?.ok_or(Error::InvalidCredential)?
        }
        ServerCredential::TenantAndSecret { tenant_id, .. } | ServerCredential::Hmac { tenant_id, .. } => {
            TenantId::parse(tenant_id).map_err(|_| Error::InvalidCredential)?
        }
        ServerCredential::Cx1Hmac(credential) => credential.origin_id.clone(),
    };
    let tenant = find_tenant(app.store, &tenant_id).await?.ok_or(Error::InvalidCredential)?;
    let ok = match (&credential, tenant.settings.auth_mode) {
        (ServerCredential::SecretOnly { secret }, AuthMode::Basic)
        | (ServerCredential::TenantAndSecret { secret, .. }, AuthMode::Basic) => {
            tenant.secret_matches(secret, app.now)
        }
        (ServerCredential::Hmac { timestamp, mac, .. }, AuthMode::Hmac) => {
            let message = hmac_message(&tenant.id, &req.method, &req.path_and_query(), *timestamp, &req.body);
            let mut verified = Err(Error::InvalidCredential);
            for secret in tenant.active_secrets(app.now) {
                match hmac_verify(&secret.value, &message, *timestamp, mac, app.now) {
                    Ok(()) => verified = Ok(()),
                    Err(Error::TimestampOutOfWindow) => return Err(Error::TimestampOutOfWindow.into()),
                    Err(_) => {}
                }
            }
            if verified.is_ok() {
                return Ok((tenant, Some(mac.to_vec())));
            }
            false
        }
        (ServerCredential::Cx1Hmac(credential), AuthMode::Hmac) => {
            let uris = signed_uris(app, req);
            let uris: Vec<&str> = uris.iter().map(String::as_str).collect();
            let request = Cx1Request { method: &req.method, full_uris: &uris, body: &req.body };
            let secrets = tenant.active_secrets(app.now).map(|s| s.value.as_str());
            cx1_verify(credential, &request, secrets, app.now)?;
            let mac = credential.mac.to_vec();
            return Ok((tenant, Some(mac)));
        }
        _ => false,
    };
    if ok {
        Ok((tenant, None))
    } else {
        Err(Error::InvalidCredential.into())
    }
}

/// The full URIs a Privakey CX client may have signed for `req`: the request's own URL, and
/// the same path and query under `PUBLIC_BASE_URL` when that is set and differs (a proxy or a
/// custom domain in front of the Worker).
fn signed_uris<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Vec<String> {
    let path = req.path_and_query();
    let own = format!("{}{path}", req.origin);
    let public = format!("{}{path}", app.public_base(&req.origin));
    if public == own {
        vec![own]
    } else {
        vec![own, public]
    }
}

/// Verifies the browser's `Authorization: Bearer <track token>`.
pub fn track_claims<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Result<Claims, ApiError> {
    let bearer = req.header("authorization").and_then(|h| h.strip_prefix("Bearer ")).ok_or_else(|| {
        ApiError::new(ErrorCode::TokenNotSet, "this call needs `Authorization: Bearer <token>` from track")
    })?;
    Ok(token::verify(app.config.token_secret.as_bytes(), TokenKind::Track, bearer, app.now)?)
}

/// Authenticates a device by its signed-request headers and returns its credential.
pub async fn signed_device<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
) -> Result<DeviceCredential, ApiError> {
    let missing = || {
        ApiError::unauthorized(
            "device calls need X-PushAuth-Key-Id, X-PushAuth-Timestamp and X-PushAuth-Signature",
        )
    };
    let key_id = KeyId::parse(req.header("x-pushauth-key-id").ok_or_else(missing)?)?;
    let timestamp_text = req.header("x-pushauth-timestamp").ok_or_else(missing)?;
    let signature = DeviceSignature::parse(req.header("x-pushauth-signature").ok_or_else(missing)?)?;
    let timestamp: u64 = if timestamp_text.len() <= 16 && timestamp_text.bytes().all(|b| b.is_ascii_digit()) {
        timestamp_text.parse().map_err(|_| Error::TimestampOutOfWindow)?
    } else {
        return Err(Error::TimestampOutOfWindow.into());
    };
    let device = enrolled_device(app, &key_id).await?;
    let path = req.path_and_query();
    let request = DeviceRequest {
        tenant_id: &device.tenant_id,
        key_id: &key_id,
        method: &req.method,
        path_and_query: &path,
        timestamp,
        body: &req.body,
    };
    let check = device_request_check(&device.public_key()?, &request, &signature, app.now)?;
    signature_verifier::verify(&check).await?;
    // Single use: a captured request cannot be replayed within its window. The signature is
    // taken in its low-S form, so a signature and its high-S twin count as one. One record per
    // device, rewritten: one row written per request, and none to delete later.
    admit_signed_request(app.store, &key_id, &signature.to_raw(), app.now).await?;
    Ok(device)
}

/// The credential of an enrolled device, `401 invalid_credential` when there is none or its
/// tenant was deleted: a deleted tenant's devices are unknown at once (`tenant_epoch.rs`). The
/// tenant is read through the configuration cache, where the device's handlers find it again.
pub async fn enrolled_device<S: Store>(
    app: &App<'_, S>,
    key_id: &KeyId,
) -> Result<DeviceCredential, ApiError> {
    let device = load_device(app.store, key_id).await?.ok_or(Error::InvalidCredential)?;
    if find_tenant(app.store, &device.tenant_id).await?.is_none() {
        return Err(Error::InvalidCredential.into());
    }
    Ok(device)
}
