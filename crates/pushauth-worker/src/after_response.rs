//! What a request leaves to do once its response is sent, queued in its [`App`](crate::app::App):
//! Web Push messages to send (`web_push.rs`) and notices for the user's object to tell its
//! WebSockets (`sockets.rs`). Plain data, so that `App` owns the queues without importing the
//! modules that fill and drain them. (The deliveries it queues are the core's `Delivery`.)

use pushauth_core::ids::{TenantId, UserId};
use pushauth_core::signature::KeyId;

/// One push to send after the response. No `Debug`: its VAPID token authorises pushes to the
/// endpoint for hours and must not reach a log.
pub struct PushJob {
    /// The device's tenant.
    pub tenant_id: TenantId,
    /// The device's user.
    pub user_id: UserId,
    /// The device.
    pub key_id: KeyId,
    /// The push service URL.
    pub endpoint: String,
    /// `Authorization`, `Content-Encoding`, `TTL`, `Urgency`…
    pub headers: Vec<(String, String)>,
    /// The encrypted body.
    pub body: Vec<u8>,
}

/// Something a request changed that open sockets should hear about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A challenge started or changed state; `finished` once it is approved, denied, expired or
    /// cancelled (its browser sockets are then closed).
    Challenge {
        /// The challenge.
        id: String,
        /// Whether it is finished.
        finished: bool,
    },
    /// A device was removed: its sockets are closed.
    DeviceRemoved {
        /// The device's key id.
        key_id: String,
    },
}
