//! Single-use records, kept in the user's object so that every replay of a request reaches the
//! one place that remembers it: the HMAC-signed backend requests already accepted
//! (`keys::hmac_seen`, by tenant and MAC), each device's signed requests of the last few minutes
//! (`keys::device_seen`, the core's [`SeenRequests`]) and the messages issued to an Authsignal
//! mobile SDK's key (`keys::mobile_nonce`, one per key and purpose). Handlers reach them only
//! through here.

use pushauth_core::authsignal_mobile::{MobileNonce, NoncePurpose, NONCE_MS};
use pushauth_core::encoding::hex;
use pushauth_core::ids::TenantId;
use pushauth_core::seen_requests::SeenRequests;
use pushauth_core::server_auth::HMAC_SKEW_SECS;
use pushauth_core::signature::KeyId;
use pushauth_core::{Error, UnixMillis};

use crate::api_error::ApiError;
use crate::store::{delete, get_json, keys, put_json, Store};

/// Makes an HMAC-signed request of `tenant` single use by its MAC: `replayed_request` when the
/// MAC was seen, else remembers it for as long as a timestamp may be accepted (one read, and one
/// write when new).
pub async fn mark_hmac_request<S: Store>(
    store: &S,
    tenant: &TenantId,
    mac: &[u8],
    now: UnixMillis,
) -> Result<(), ApiError> {
    let key = keys::hmac_seen(tenant, &hex(mac));
    if get_json::<_, u64>(store, &key).await?.is_some() {
        return Err(Error::ReplayedRequest.into());
    }
    put_json(store, &key, &now, Some(2 * HMAC_SKEW_SECS + 60)).await
}

/// Admits a device's signed request by its signature (`raw_low_s`, the low-S form, so that a
/// signature and its high-S twin count as one): `replayed_request` when it was seen in the
/// window (the core's [`SeenRequests::admit`]). One read and one write of the device's single
/// record, rewritten by each request: nothing to delete later but [`delete_seen_requests`].
pub async fn admit_signed_request<S: Store>(
    store: &S,
    key_id: &KeyId,
    raw_low_s: &[u8],
    now: UnixMillis,
) -> Result<(), ApiError> {
    let key = keys::device_seen(key_id);
    let mut seen: SeenRequests = get_json(store, &key).await?.unwrap_or_default();
    seen.admit(raw_low_s, now)?;
    put_json(store, &key, &seen, None).await
}

/// Deletes a device's seen-requests record (one delete), with the device.
pub async fn delete_seen_requests<S: Store>(store: &S, key_id: &KeyId) -> Result<(), ApiError> {
    delete(store, &keys::device_seen(key_id)).await
}

/// Writes the message issued to a key for `purpose`, replacing any earlier one (one write). The
/// record is kept a minute past the message's expiry, so that a late use is told
/// `timestamp_out_of_window` rather than `invalid_nonce`.
pub async fn save_mobile_nonce<S: Store>(
    store: &S,
    key_id: &KeyId,
    purpose: NoncePurpose,
    nonce: &MobileNonce,
) -> Result<(), ApiError> {
    let ttl = NONCE_MS / 1000 + 60;
    put_json(store, &keys::mobile_nonce(key_id, purpose.as_str()), nonce, Some(ttl)).await
}

/// Takes the message outstanding for a key and `purpose`: reads it and, when there is one,
/// deletes it whatever the caller does next (one read, and one delete when found).
pub async fn take_mobile_nonce<S: Store>(
    store: &S,
    key_id: &KeyId,
    purpose: NoncePurpose,
) -> Result<Option<MobileNonce>, ApiError> {
    let key = keys::mobile_nonce(key_id, purpose.as_str());
    let nonce: Option<MobileNonce> = get_json(store, &key).await?;
    if nonce.is_some() {
        delete(store, &key).await?;
    }
    Ok(nonce)
}
