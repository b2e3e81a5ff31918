//! Where a device keeps its key and what it knows about its enrolment.

use std::path::{Path, PathBuf};

use pushauth_core::encoding::{b64url, decode_b64};
use pushauth_core::signature::DeviceSigningKey;
use serde::{Deserialize, Serialize};

use crate::DeviceError;

/// A device's key and enrolment.
#[derive(Clone)]
pub struct DeviceIdentity {
    /// The signing key.
    pub key: DeviceSigningKey,
    /// The service's base URL, once enrolled.
    pub base_url: Option<String>,
    /// The tenant, once enrolled.
    pub tenant_id: Option<String>,
    /// The user, once enrolled.
    pub user_id: Option<String>,
    /// The home hint the service issued at enrolment, sent as `X-PushAuth-Home` on signed
    /// calls so that they are routed without a KV read (absent for older enrolments).
    pub home: Option<String>,
}

impl core::fmt::Debug for DeviceIdentity {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("DeviceIdentity")
            .field("key_id", &self.key.public_key().key_id())
            .field("base_url", &self.base_url)
            .field("tenant_id", &self.tenant_id)
            .field("user_id", &self.user_id)
            .field("home", &self.home.is_some())
            .finish()
    }
}

/// Keeps a device identity.
pub trait KeyStore {
    /// Loads the identity, if one was saved.
    fn load(&self) -> Result<Option<DeviceIdentity>, DeviceError>;
    /// Saves the identity.
    fn save(&self, identity: &DeviceIdentity) -> Result<(), DeviceError>;
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct KeyFile {
    version: u32,
    secret: String,
    #[serde(default)]
    base_url: Option<String>,
    #[serde(default)]
    tenant_id: Option<String>,
    #[serde(default)]
    user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    home: Option<String>,
}

/// A JSON file readable by its owner only (mode 0600 on Unix).
#[derive(Debug, Clone)]
pub struct FileKeyStore {
    path: PathBuf,
}

impl FileKeyStore {
    /// A store at `path`.
    pub fn new(path: impl AsRef<Path>) -> Self {
        FileKeyStore { path: path.as_ref().to_owned() }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl KeyStore for FileKeyStore {
    fn load(&self) -> Result<Option<DeviceIdentity>, DeviceError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let file: KeyFile =
            serde_json::from_str(&text).map_err(|e| DeviceError::BadKeyFile(e.to_string()))?;
        if file.version != 1 {
            return Err(DeviceError::BadKeyFile(format!("unknown version {}", file.version)));
        }
        let secret: [u8; 32] = decode_b64(&file.secret, "secret")
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| DeviceError::BadKeyFile("the secret is not 32 bytes of base64".into()))?;
        let key = DeviceSigningKey::from_bytes(&secret)
            .ok_or_else(|| DeviceError::BadKeyFile("the secret is not a P-256 scalar".into()))?;
        Ok(Some(DeviceIdentity {
            key,
            base_url: file.base_url,
            tenant_id: file.tenant_id,
            user_id: file.user_id,
            home: file.home,
        }))
    }

    fn save(&self, identity: &DeviceIdentity) -> Result<(), DeviceError> {
        let file = KeyFile {
            version: 1,
            secret: b64url(&identity.key.to_bytes()),
            base_url: identity.base_url.clone(),
            tenant_id: identity.tenant_id.clone(),
            user_id: identity.user_id.clone(),
            home: identity.home.clone(),
        };
        let text = serde_json::to_string_pretty(&file).map_err(|e| DeviceError::BadKeyFile(e.to_string()))?;
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = self.path.with_extension("tmp");
        write_private(&tmp, text.as_bytes())?;
        std::fs::rename(&tmp, &self.path)?;
        Ok(())
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_then_load_with_private_permissions() {
        let dir = std::env::temp_dir().join(format!("pushauth-keystore-{}", std::process::id()));
        let store = FileKeyStore::new(dir.join("device.json"));
        assert!(store.load().unwrap().is_none());
        let identity = DeviceIdentity {
            key: crate::generate_key().unwrap(),
            base_url: Some("http://127.0.0.1:8787".into()),
            tenant_id: Some("acme".into()),
            user_id: Some("alice".into()),
            home: Some("h1.x.y".into()),
        };
        store.save(&identity).unwrap();
        let back = store.load().unwrap().unwrap();
        assert_eq!(back.key.public_key(), identity.key.public_key());
        assert_eq!(back.tenant_id.as_deref(), Some("acme"));
        assert_eq!(back.home.as_deref(), Some("h1.x.y"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(store.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(store.path(), "{\"version\":1,\"secret\":\"AAAA\"}").unwrap();
        assert!(matches!(store.load(), Err(DeviceError::BadKeyFile(_))));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
