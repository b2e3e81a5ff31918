//! Device socket tickets (`POST /v1/device/ws-ticket`, `sockets.rs`): where one is kept
//! (`keys::socket_ticket`, in the user's object, by the SHA-256 of its secret, never the secret)
//! and how it is written and taken. Single use: taking a ticket deletes it.

use pushauth_core::secret::secret_digest;
use pushauth_core::signature::KeyId;
use pushauth_core::UnixMillis;
use serde::{Deserialize, Serialize};

use crate::api_error::ApiError;
use crate::store::{delete, get_json, keys, put_json, Store};

/// A stored ticket: whom it was issued to, and until when it may be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ticket {
    /// The key id of the device it was issued to.
    pub key_id: KeyId,
    /// When it stops being usable (Unix ms).
    pub expires_at: UnixMillis,
}

/// Writes a ticket under the digest of its secret (one write), the record expiring after
/// `ttl_secs`.
pub async fn save_ticket<S: Store>(
    store: &S,
    secret: &str,
    ticket: &Ticket,
    ttl_secs: u64,
) -> Result<(), ApiError> {
    put_json(store, &keys::socket_ticket(&secret_digest(secret)), ticket, Some(ttl_secs)).await
}

/// Takes the ticket of a secret: reads it and, when there is one, deletes it whatever the
/// caller does next (one read, and one delete when found).
pub async fn take_ticket<S: Store>(store: &S, secret: &str) -> Result<Option<Ticket>, ApiError> {
    let key = keys::socket_ticket(&secret_digest(secret));
    let ticket: Option<Ticket> = get_json(store, &key).await?;
    if ticket.is_some() {
        delete(store, &key).await?;
    }
    Ok(ticket)
}
