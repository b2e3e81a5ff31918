//! `enroll`: a key (new, or the one in the key file) enrolled with an enrolment token.

use pushauth_device::{enrolment, generate_key, DeviceClient, DeviceIdentity, FileKeyStore, KeyStore};

use super::args::EnrollArgs;
use super::output::{print_json, Enrolled};
use super::{Exit, Failure};

/// `enroll LINK | --base URL --token T [--name NAME] [--json]`.
pub fn enroll(store: &FileKeyStore, args: &EnrollArgs) -> Result<(), Failure> {
    let (base_url, token) = match (&args.base, &args.token, &args.link) {
        (Some(base), Some(token), _) => (base.clone(), token.clone()),
        (_, _, Some(link)) => (link.base_url.clone(), link.token.clone()),
        // clap requires a link or both --base and --token.
        _ => return Err(Failure::new(Exit::Usage, "usage", "give the enrolment link or --base and --token")),
    };
    let key = match store.load()? {
        Some(existing) if existing.tenant_id.is_some() => {
            return Err(Failure::new(
                Exit::KeyFile,
                "already_enrolled",
                format!(
                    "{} is already enrolled for {} at {}; use another --key file",
                    store.path().display(),
                    existing.user_id.unwrap_or_default(),
                    existing.base_url.unwrap_or_default()
                ),
            ));
        }
        Some(existing) => existing.key,
        None => generate_key()?,
    };
    let name = args.name.clone().unwrap_or_else(|| {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "this computer".into());
        format!("CLI on {host}")
    });
    let enrolment = enrolment(&key, &token, &name, "cli");
    let enrolled = DeviceClient::new(&base_url).enrol(&token, &enrolment)?;
    let key_id = key.public_key().key_id();
    let identity = DeviceIdentity {
        key,
        base_url: Some(base_url.clone()),
        tenant_id: Some(enrolled.tenant_id.clone()),
        user_id: Some(enrolled.user_id.clone()),
        home: enrolled.home.clone(),
    };
    store.save(&identity)?;
    if args.output.json {
        return print_json(&Enrolled {
            user_id: enrolled.user_id,
            tenant_id: enrolled.tenant_id,
            key_id: key_id.as_str().to_owned(),
            base_url,
            device_name: name,
            key_file: store.path().display().to_string(),
        });
    }
    println!("Enrolled \"{name}\" for {} at {base_url}.", enrolled.user_id);
    println!("Key saved to {} (readable by you only).", store.path().display());
    println!("Run `pushauth-device watch` to answer requests.");
    Ok(())
}
