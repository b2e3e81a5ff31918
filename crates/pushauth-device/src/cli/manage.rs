//! `rename` and `remove`: the device's credential on the service.

use pushauth_device::{DeviceIdentity, FileKeyStore, KeyStore};

use super::{client, load, Failure};

/// `rename NAME`.
pub fn rename(store: &FileKeyStore, name: &str) -> Result<(), Failure> {
    let identity = load(store)?;
    client(&identity)?.rename(&identity, name)?;
    println!("Renamed to \"{name}\".");
    Ok(())
}

/// `remove`: removes the credential from the service and forgets the enrolment (the key stays).
pub fn remove(store: &FileKeyStore) -> Result<(), Failure> {
    let identity = load(store)?;
    client(&identity)?.remove(&identity)?;
    let forgotten =
        DeviceIdentity { key: identity.key, base_url: None, tenant_id: None, user_id: None, home: None };
    store.save(&forgotten)?;
    println!("Removed this device from the service.");
    Ok(())
}
