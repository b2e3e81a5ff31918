//! What a route's path names, parsed once by the router into the core's identifier types
//! (`pushauth_core::ids`), so that no handler can forget a check.
//!
//! The caller is authenticated before its path is parsed, as it always was: a request without
//! valid credentials is `401` whatever its path holds, and one with credentials and a malformed
//! identifier is `400` with the identifier's own `errorCode` (`field_required`,
//! `field_too_long` or `invalid_characters`, naming the field). The types below can only be
//! built that way, so a handler that takes one holds an authenticated caller and parsed ids.

use pushauth_core::ids::{ActionCode, IdempotencyKey, TenantId, UserId};
use pushauth_core::tenant::Tenant;
use pushauth_core::Error;

use crate::api_error::ApiError;
use crate::app::App;
use crate::auth::{load_tenant, require_admin, server_tenant};
use crate::http::ApiRequest;
use crate::store::Store;

/// An admin API call about one tenant (`/admin/tenants/{tenantId}…`): the admin token checked,
/// then the tenant id parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminTenant {
    id: TenantId,
}

impl AdminTenant {
    /// Checks the admin token, then parses the path's tenant id.
    pub fn authorize<S: Store>(app: &App<'_, S>, req: &ApiRequest, id: &str) -> Result<Self, ApiError> {
        require_admin(app, req)?;
        Ok(AdminTenant { id: TenantId::parse(id)? })
    }

    /// The tenant id the path names.
    pub fn id(&self) -> &TenantId {
        &self.id
    }
}

/// A call about one user of a tenant: a server API call (`/v1/users/{userId}…`), the tenant
/// its credentials prove ([`server_tenant`], with the HMAC replay guard); or the admin API's
/// ([`UserCall::authorize_admin`]). Then the user id parsed.
#[derive(Debug, Clone)]
pub struct UserCall {
    tenant: Tenant,
    user: UserId,
}

impl UserCall {
    /// Authenticates the tenant's backend, then parses the path's user id.
    pub async fn authorize<S: Store>(
        app: &App<'_, S>,
        req: &ApiRequest,
        user: &str,
    ) -> Result<Self, ApiError> {
        let tenant = server_tenant(app, req).await?;
        Ok(UserCall { tenant, user: UserId::parse(user)? })
    }

    /// The admin API's call about a user of a tenant (`/admin/tenants/{tenantId}/users/{userId}…`):
    /// the admin token checked, the tenant id parsed and the tenant loaded (`404
    /// tenant_not_found`), then the user id parsed.
    pub async fn authorize_admin<S: Store>(
        app: &App<'_, S>,
        req: &ApiRequest,
        tenant: &str,
        user: &str,
    ) -> Result<Self, ApiError> {
        let admin = AdminTenant::authorize(app, req, tenant)?;
        let tenant = load_tenant(app, admin.id()).await?;
        Ok(UserCall { tenant, user: UserId::parse(user)? })
    }

    /// The calling tenant.
    pub fn tenant(&self) -> &Tenant {
        &self.tenant
    }

    /// The tenant's id.
    pub fn tenant_id(&self) -> &TenantId {
        &self.tenant.id
    }

    /// The user the path names.
    pub fn user(&self) -> &UserId {
        &self.user
    }
}

/// The action a path names after its user: `{action}/{idempotencyKey}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionKey {
    /// The action code.
    pub action: ActionCode,
    /// The tracked action's idempotency key.
    pub idempotency_key: IdempotencyKey,
}

impl ActionKey {
    /// Parses the action code, then the idempotency key.
    pub fn parse(action: &str, idempotency_key: &str) -> Result<Self, Error> {
        Ok(ActionKey {
            action: ActionCode::parse(action)?,
            idempotency_key: IdempotencyKey::parse(idempotency_key)?,
        })
    }
}
