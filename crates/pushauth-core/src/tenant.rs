//! Tenants ("request origins"): their settings, secrets and the rules that use them.

use alloc::{string::String, vec, vec::Vec};

use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

use crate::duration::ChallengeDuration;
use crate::ids::TenantId;
use crate::text::check_required_text;
use crate::url::{check_origin, check_url, origin_of};
use crate::webhook::StandardSecret;
use crate::{Error, UnixMillis};

/// The most URLs in any one list (callbacks, redirects, origins).
pub const MAX_URLS: usize = 20;
/// The longest tenant name, in bytes.
pub const MAX_NAME: usize = 128;
/// The shortest API secret accepted, in bytes (imported secrets included).
pub const MIN_SECRET: usize = 24;
/// The longest API secret accepted, in bytes.
pub const MAX_SECRET: usize = 256;
/// The largest push limit (`maxPending`, `maxPerWindow`): the store remembers this many recent
/// pushes per user, so a larger limit could not be counted and would let more pushes through.
pub const MAX_RECENT_PUSHES: u32 = 20;
/// The longest push-limit window, in seconds: the store forgets a push an hour after it expires,
/// so a longer window could not be counted either.
pub const MAX_WINDOW_SECS: u32 = 3600;
/// How long a rotated-out secret stays valid: 24 hours.
pub const ROTATION_GRACE_MS: u64 = 24 * 3600 * 1000;

/// How a tenant's backend authenticates server API calls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AuthMode {
    /// `Authorization: Basic` with the secret (as `@authsignal/node` sends it).
    #[default]
    Basic,
    /// An HMAC over method, path, timestamp and body hash (see `docs/api.md`).
    Hmac,
}

/// Per-user push limits (MFA-fatigue defences).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PushLimits {
    /// Pending challenges a user may have at once.
    pub max_pending: u32,
    /// Challenges a user may receive per window.
    pub max_per_window: u32,
    /// The window, in seconds.
    pub window_secs: u32,
    /// How long a "not me" answer blocks further pushes to that user, in seconds.
    pub not_me_block_secs: u32,
}

impl Default for PushLimits {
    fn default() -> Self {
        PushLimits { max_pending: 3, max_per_window: 10, window_secs: 600, not_me_block_secs: 3600 }
    }
}

/// The settings of a tenant an administrator may change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TenantSettings {
    /// A display name ("Acme Bank").
    pub name: String,
    /// How the backend authenticates.
    #[serde(default)]
    pub auth_mode: AuthMode,
    /// Callback URLs a request may name (exact match).
    #[serde(default)]
    pub callback_urls: Vec<String>,
    /// Where `push.created` events go so the tenant can send APNs/FCM pushes.
    #[serde(default)]
    pub push_webhook_url: Option<String>,
    /// Where the hosted UI may send the browser back to (exact match).
    #[serde(default)]
    pub redirect_urls: Vec<String>,
    /// Browser origins allowed to call the client API (CORS).
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// Whether approving requires typing the number shown on the sign-in screen.
    #[serde(default)]
    pub number_matching: bool,
    /// Per-user push limits.
    #[serde(default)]
    pub push_limits: PushLimits,
    /// How long a push challenge started from a browser stays answerable, in seconds.
    #[serde(default = "default_challenge_secs")]
    pub challenge_secs: u64,
    /// How many days an answered challenge's evidence is kept (0: none is kept); see
    /// [`crate::evidence::kept_until`].
    #[serde(default = "default_evidence_days")]
    pub evidence_days: u32,
}

fn default_evidence_days() -> u32 {
    crate::evidence::DEFAULT_EVIDENCE_DAYS
}

fn default_challenge_secs() -> u64 {
    120
}

impl Default for TenantSettings {
    fn default() -> Self {
        TenantSettings {
            name: String::new(),
            auth_mode: AuthMode::default(),
            callback_urls: Vec::new(),
            push_webhook_url: None,
            redirect_urls: Vec::new(),
            allowed_origins: Vec::new(),
            number_matching: false,
            push_limits: PushLimits::default(),
            challenge_secs: default_challenge_secs(),
            evidence_days: default_evidence_days(),
        }
    }
}

impl TenantSettings {
    /// Checks every setting. `allow_loopback` admits `http://127.0.0.1`/`localhost` URLs (local
    /// development only); otherwise URLs must be `https`.
    pub fn validate(&self, allow_loopback: bool) -> Result<(), Error> {
        check_required_text("name", &self.name, MAX_NAME, false)?;
        for (field, list) in [("callbackUrls", &self.callback_urls), ("redirectUrls", &self.redirect_urls)] {
            if list.len() > MAX_URLS {
                return Err(Error::FieldTooLong { field, max: MAX_URLS });
            }
            for url in list {
                check_url(field, url, allow_loopback)?;
            }
        }
        if self.allowed_origins.len() > MAX_URLS {
            return Err(Error::FieldTooLong { field: "allowedOrigins", max: MAX_URLS });
        }
        for origin in &self.allowed_origins {
            check_origin("allowedOrigins", origin, allow_loopback)?;
        }
        if let Some(url) = &self.push_webhook_url {
            check_url("pushWebhookUrl", url, allow_loopback)?;
        }
        ChallengeDuration::from_secs(self.challenge_secs)?;
        crate::evidence::check_evidence_days(self.evidence_days)?;
        self.push_limits.validate()
    }
}

impl PushLimits {
    /// Checks that the service can enforce these limits: none is 0 ([`Error::FieldRequired`]),
    /// `maxPending` and `maxPerWindow` are at most [`MAX_RECENT_PUSHES`] and `windowSecs` at most
    /// [`MAX_WINDOW_SECS`] ([`Error::ValueOutOfRange`]): a limit the store cannot count would be
    /// stored and silently not honoured.
    pub fn validate(&self) -> Result<(), Error> {
        if self.max_pending == 0 || self.max_per_window == 0 || self.window_secs == 0 {
            return Err(Error::FieldRequired { field: "pushLimits" });
        }
        let bounds = [
            ("pushLimits.maxPending", self.max_pending, MAX_RECENT_PUSHES),
            ("pushLimits.maxPerWindow", self.max_per_window, MAX_RECENT_PUSHES),
            ("pushLimits.windowSecs", self.window_secs, MAX_WINDOW_SECS),
        ];
        for (field, value, max) in bounds {
            if value > max {
                return Err(Error::ValueOutOfRange { field, min: 1, max: u64::from(max) });
            }
        }
        Ok(())
    }
}

/// One API secret. Several may be valid at once while a rotation's grace period runs.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantSecret {
    /// The secret itself (needed as an HMAC key for HMAC auth and `X-Signature-V2` webhooks).
    pub value: String,
    /// When it was created.
    pub created_at: UnixMillis,
    /// When it stops being accepted, if it was rotated out.
    #[serde(default)]
    pub expires_at: Option<UnixMillis>,
}

impl core::fmt::Debug for TenantSecret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TenantSecret")
            .field("value", &"[redacted]")
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Checks a secret's shape: printable ASCII without spaces or `:`, within the bounds.
pub fn check_secret(value: &str) -> Result<(), Error> {
    let ok = (MIN_SECRET..=MAX_SECRET).contains(&value.len())
        && value.bytes().all(|b| b.is_ascii_graphic() && b != b':');
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidSecret)
    }
}

/// A tenant as stored: its own fields and its settings' in one JSON object. Its `Debug` form
/// never shows a secret. Read back by a hand-written `Deserialize` (`tenant/stored.rs`) rather
/// than serde's `flatten`, which buffers every field and cost the Worker ~6 KB of wasm.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    /// The tenant id.
    pub id: TenantId,
    /// Its settings.
    #[serde(flatten)]
    pub settings: TenantSettings,
    /// Its API secrets: the current one first.
    pub secrets: Vec<TenantSecret>,
    /// Its Standard Webhooks secret (`whsec_…`).
    pub webhook_secret: String,
    /// When it was created.
    pub created_at: UnixMillis,
    /// When it was last changed.
    pub updated_at: UnixMillis,
}

impl core::fmt::Debug for Tenant {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Tenant")
            .field("id", &self.id)
            .field("settings", &self.settings)
            .field("secrets", &self.secrets)
            .field("webhook_secret", &"[redacted]")
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .finish()
    }
}

impl Tenant {
    /// Makes a tenant after checking the id, the settings and the secrets.
    pub fn new(
        id: &str,
        settings: TenantSettings,
        secret: String,
        webhook_secret: String,
        now: UnixMillis,
        allow_loopback: bool,
    ) -> Result<Self, Error> {
        let id = TenantId::parse(id)?;
        settings.validate(allow_loopback)?;
        check_secret(&secret)?;
        StandardSecret::parse(&webhook_secret)?;
        Ok(Tenant {
            id,
            settings,
            secrets: vec![TenantSecret { value: secret, created_at: now, expires_at: None }],
            webhook_secret,
            created_at: now,
            updated_at: now,
        })
    }

    /// Whether `presented` is one of the tenant's secrets valid at `now`. Every secret is
    /// compared in constant time, and all of them are compared whatever the outcome.
    pub fn secret_matches(&self, presented: &str, now: UnixMillis) -> bool {
        let mut found = subtle::Choice::from(0);
        for secret in self.active_secrets(now) {
            let same_len = secret.value.len() == presented.len();
            if same_len {
                found |= secret.value.as_bytes().ct_eq(presented.as_bytes());
            }
        }
        bool::from(found)
    }

    /// The secrets valid at `now`, current first.
    pub fn active_secrets(&self, now: UnixMillis) -> impl Iterator<Item = &TenantSecret> {
        self.secrets.iter().filter(move |s| s.expires_at.is_none_or(|e| now < e))
    }

    /// The current secret (the HMAC key of `X-Signature-V2` webhooks).
    pub fn current_secret(&self) -> Option<&str> {
        self.secrets.first().map(|s| s.value.as_str())
    }

    /// Makes `new_secret` current; the previous current secret stays valid for
    /// [`ROTATION_GRACE_MS`]; secrets already rotated out and expired are dropped.
    pub fn rotate_secret(&mut self, new_secret: String, now: UnixMillis) -> Result<(), Error> {
        check_secret(&new_secret)?;
        self.secrets.retain(|s| s.expires_at.is_none_or(|e| now < e));
        for s in &mut self.secrets {
            if s.expires_at.is_none() {
                s.expires_at = Some(now + ROTATION_GRACE_MS);
            }
        }
        self.secrets.insert(0, TenantSecret { value: new_secret, created_at: now, expires_at: None });
        self.updated_at = now;
        Ok(())
    }

    /// Checks a request's `callback` against the whitelist (exact match).
    pub fn check_callback(&self, url: &str) -> Result<(), Error> {
        if self.settings.callback_urls.iter().any(|u| u == url) {
            Ok(())
        } else {
            Err(Error::CallbackNotAllowed)
        }
    }

    /// Checks a hosted-UI `redirectUrl` against the allowlist (exact match).
    pub fn check_redirect(&self, url: &str) -> Result<(), Error> {
        if self.settings.redirect_urls.iter().any(|u| u == url) {
            Ok(())
        } else {
            Err(Error::RedirectNotAllowed)
        }
    }

    /// Whether a browser `Origin` may call the client API.
    pub fn allows_origin(&self, origin: &str) -> bool {
        self.settings.allowed_origins.iter().any(|o| o == origin)
    }

    /// The origin to which the hosted UI posts its result in popup mode: the redirect URL's origin.
    pub fn popup_target_origin(redirect_url: &str) -> Option<String> {
        origin_of(redirect_url)
    }
}

mod stored;
#[cfg(test)]
mod tests;
