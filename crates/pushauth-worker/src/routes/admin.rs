//! `/admin/tenants...`: create, read, update, rotate the secret of, and delete tenants.
//! Guarded by `ADMIN_TOKEN`. Secrets are returned once, at creation or rotation.

use pushauth_core::encoding::b64url;
use pushauth_core::json_value;
use pushauth_core::tenant::{Tenant, TenantSettings};
use pushauth_core::webhook::StandardSecret;
use pushauth_core::UnixMillis;
use serde::Serialize;

use crate::api_error::{ApiError, ErrorCode};
use crate::app::App;
use crate::auth::{load_tenant, require_admin};
use crate::http::{ApiRequest, ApiResponse};
use crate::path_ids::AdminTenant;
use crate::routes::parse_json;
use crate::store::Store;
use crate::tenants_repo::{
    delete_secret_index, delete_tenant, find_tenant, save_secret_index, save_secret_index_until, save_tenant,
    secret_in_use,
};

/// The body of `POST /admin/tenants`: the tenant's settings beside three fields of its own. A
/// name that is neither is refused, as `PATCH` refuses it: a misspelt setting (`allowedOrigin`)
/// must not be dropped silently. (`serde(flatten)` would accept anything, so the three are taken
/// out first and the rest is read as [`TenantSettings`], which denies unknown fields.)
#[derive(Debug)]
struct CreateTenant {
    /// The id; generated when absent.
    id: Option<String>,
    /// An API secret to import (migrations keep their existing secrets); generated when absent.
    secret: Option<String>,
    /// A `whsec_…` webhook secret to import; generated when absent.
    webhook_secret: Option<String>,
    settings: TenantSettings,
}

impl CreateTenant {
    fn parse(req: &ApiRequest) -> Result<Self, ApiError> {
        let mut body: serde_json::Map<String, serde_json::Value> = parse_json(req)?;
        let mut take = |name: &str| -> Result<Option<String>, ApiError> {
            match body.remove(name) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(value) => json_value::read(&value).map(Some).map_err(|e| ApiError::bad_json_value(&e)),
            }
        };
        let id = take("id")?;
        let secret = take("secret")?;
        let webhook_secret = take("webhookSecret")?;
        let settings =
            json_value::read(&serde_json::Value::Object(body)).map_err(|e| ApiError::bad_json_value(&e))?;
        Ok(CreateTenant { id, secret, webhook_secret, settings })
    }
}

/// A tenant as the admin API shows it: never its secrets.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantView<'a> {
    id: &'a str,
    #[serde(flatten)]
    settings: &'a TenantSettings,
    active_secrets: usize,
    created_at: UnixMillis,
    updated_at: UnixMillis,
}

impl<'a> TenantView<'a> {
    /// The view of `tenant` at `now`.
    pub fn of(tenant: &'a Tenant, now: UnixMillis) -> Self {
        TenantView {
            id: &tenant.id,
            settings: &tenant.settings,
            active_secrets: tenant.active_secrets(now).count(),
            created_at: tenant.created_at,
            updated_at: tenant.updated_at,
        }
    }
}

async fn new_secret<S: Store>(app: &App<'_, S>) -> Result<String, ApiError> {
    Ok(format!("pa_sk_{}", b64url(&app.random_bytes::<32>()?)))
}

/// `POST /admin/tenants`.
pub async fn create<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
    require_admin(app, req)?;
    let body = CreateTenant::parse(req)?;
    let id = match body.id {
        Some(id) => id,
        None => format!("t_{}", b64url(&app.random_bytes::<9>()?)),
    };
    let secret = match body.secret {
        Some(s) => s,
        None => new_secret(app).await?,
    };
    let webhook_secret = match body.webhook_secret {
        Some(s) => s,
        None => StandardSecret::from_key(app.random_bytes::<32>()?).to_text(),
    };
    let tenant = Tenant::new(
        &id,
        body.settings,
        secret.clone(),
        webhook_secret.clone(),
        app.now,
        app.config.allow_loopback,
    )?;
    if find_tenant(app.store, &tenant.id).await?.is_some() {
        return Err(ApiError::new(ErrorCode::TenantExists, "a tenant with this id exists"));
    }
    if secret_in_use(app.store, &secret).await? {
        return Err(ApiError::new(ErrorCode::SecretInUse, "this secret is already used by a tenant"));
    }
    save_tenant(app.store, &tenant).await?;
    save_secret_index(app.store, &secret, &tenant.id).await?;
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Created<'a> {
        tenant: TenantView<'a>,
        secret: &'a str,
        webhook_secret: &'a str,
    }
    Ok(ApiResponse::json(
        201,
        &Created {
            tenant: TenantView::of(&tenant, app.now),
            secret: &secret,
            webhook_secret: &webhook_secret,
        },
    ))
}

/// `GET /admin/tenants/{id}`.
pub async fn read<S: Store>(app: &App<'_, S>, call: AdminTenant) -> Result<ApiResponse, ApiError> {
    let tenant = load_tenant(app, call.id()).await?;
    Ok(ApiResponse::json(200, &TenantView::of(&tenant, app.now)))
}

/// `PATCH /admin/tenants/{id}`: the body's top-level settings replace the stored ones.
pub async fn update<S: Store>(
    app: &App<'_, S>,
    req: &ApiRequest,
    call: AdminTenant,
) -> Result<ApiResponse, ApiError> {
    let mut tenant = load_tenant(app, call.id()).await?;
    let patch: serde_json::Map<String, serde_json::Value> = parse_json(req)?;
    let mut merged = serde_json::to_value(&tenant.settings).map_err(|_| ApiError::storage())?;
    if let Some(object) = merged.as_object_mut() {
        object.extend(patch);
    }
    let settings: TenantSettings = json_value::read(&merged).map_err(|e| ApiError::bad_json_value(&e))?;
    settings.validate(app.config.allow_loopback)?;
    tenant.settings = settings;
    tenant.updated_at = app.now;
    save_tenant(app.store, &tenant).await?;
    Ok(ApiResponse::json(200, &TenantView::of(&tenant, app.now)))
}

/// `POST /admin/tenants/{id}/rotate-secret`: a new current secret; the previous one stays valid
/// for 24 hours.
pub async fn rotate<S: Store>(app: &App<'_, S>, call: AdminTenant) -> Result<ApiResponse, ApiError> {
    let mut tenant = load_tenant(app, call.id()).await?;
    let secret = new_secret(app).await?;
    let before: Vec<String> = tenant.secrets.iter().map(|s| s.value.clone()).collect();
    tenant.rotate_secret(secret.clone(), app.now)?;
    save_tenant(app.store, &tenant).await?;
    save_secret_index(app.store, &secret, &tenant.id).await?;
    // The index follows the tenant's secrets: a secret rotated out keeps its entry until its
    // grace ends (the store expires it), and one whose grace is over and that rotation dropped
    // loses it (else it would outlive the tenant, whose deletion removes only its own secrets').
    for old in &tenant.secrets {
        if let Some(until) = old.expires_at {
            save_secret_index_until(app.store, &old.value, &tenant.id, until, app.now).await?;
        }
    }
    for dropped in before.iter().filter(|v| tenant.secrets.iter().all(|s| &s.value != *v)) {
        delete_secret_index(app.store, dropped).await?;
    }
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Rotated<'a> {
        secret: &'a str,
        previous_valid_until: Option<UnixMillis>,
    }
    let previous = tenant.secrets.get(1).and_then(|s| s.expires_at);
    Ok(ApiResponse::json(200, &Rotated { secret: &secret, previous_valid_until: previous }))
}

/// `DELETE /admin/tenants/{id}`: the tenant and its secret index entries. Devices and challenges
/// of a deleted tenant can no longer be used (every route loads the tenant) and expire or stay inert.
pub async fn remove<S: Store>(app: &App<'_, S>, call: AdminTenant) -> Result<ApiResponse, ApiError> {
    let tenant = load_tenant(app, call.id()).await?;
    for secret in &tenant.secrets {
        delete_secret_index(app.store, &secret.value).await?;
    }
    delete_tenant(app.store, &tenant.id).await?;
    Ok(ApiResponse::empty(204))
}
