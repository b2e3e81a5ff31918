//! `GET /admin/tenants`: the tenants of the deployment, for the console's first screen. Guarded
//! by `ADMIN_TOKEN` as the rest of `/admin/…`.

use pushauth_core::encoding::percent_decode;
use pushauth_core::ids::MAX_TENANT_ID;
use pushauth_core::Error;
use serde::Serialize;

use crate::api_error::ApiError;
use crate::app::App;
use crate::auth::require_admin;
use crate::http::{ApiRequest, ApiResponse};
use crate::routes::admin::TenantView;
use crate::store::Store;
use crate::tenants_repo::list_tenants;

/// The most tenants one answer lists; `truncated` says when there are more (narrow the list
/// with `prefix`).
pub const MAX_LISTED: usize = 100;

/// The `prefix` of a listing, from the query string: empty, or the start of a tenant id (the
/// characters a tenant id may hold, at most as long as one). Other parameters are ignored.
pub fn parse_prefix(query: &str) -> Result<String, Error> {
    let mut prefix = String::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        if name == "prefix" {
            prefix = percent_decode(value, true).ok_or(Error::InvalidCharacters { field: "prefix" })?;
        }
    }
    if prefix.len() > MAX_TENANT_ID {
        return Err(Error::FieldTooLong { field: "prefix", max: MAX_TENANT_ID });
    }
    if !prefix.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)) {
        return Err(Error::InvalidCharacters { field: "prefix" });
    }
    Ok(prefix)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Listing<'a> {
    tenants: Vec<TenantView<'a>>,
    truncated: bool,
}

/// `GET /admin/tenants?prefix=`: the tenants whose id starts with `prefix` (all when absent), in
/// id order, at most [`MAX_LISTED`], never their secrets. KV lists are eventually consistent: a
/// tenant created or deleted in the last minute may be missing from, or still in, the list
/// (reading it by id is exact).
pub async fn list<S: Store>(app: &App<'_, S>, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
    require_admin(app, req)?;
    let prefix = parse_prefix(&req.query)?;
    let (tenants, truncated) = list_tenants(app.store, &prefix, MAX_LISTED).await?;
    let listing =
        Listing { tenants: tenants.iter().map(|t| TenantView::of(t, app.now)).collect(), truncated };
    Ok(ApiResponse::json(200, &listing))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_tenant_id_starts() {
        assert_eq!(parse_prefix("").unwrap(), "");
        assert_eq!(parse_prefix("prefix=acme-&x=1").unwrap(), "acme-");
        assert_eq!(parse_prefix("prefix=t_%41").unwrap(), "t_A");
        assert!(matches!(parse_prefix("prefix=a:b"), Err(Error::InvalidCharacters { .. })));
        assert!(matches!(parse_prefix("prefix=%ZZ"), Err(Error::InvalidCharacters { .. })));
        assert!(matches!(
            parse_prefix(&format!("prefix={}", "a".repeat(65))),
            Err(Error::FieldTooLong { .. })
        ));
    }
}
