//! `keygen`, `public-key`, `sign-answer`, `sign-request`, `sign-enrolment`: the device key without the service,
//! for scripts and for the black-box tests (`tests/support/api.mjs`). Each prints one JSON object.

use std::io::Read;

use pushauth_core::answer::Choice;
use pushauth_core::challenge::ChallengeView;
use pushauth_core::signature::DeviceSigningKey;
use pushauth_device::{
    answer_body, enrolment, generate_key, request_headers, DeviceIdentity, FileKeyStore, KeyStore,
};

use super::args::{SignAnswerArgs, SignEnrolmentArgs, SignRequestArgs};
use super::output::print_json;
use super::{now_ms, Exit, Failure};

/// The saved identity; these commands do not need it to be enrolled.
fn loaded(store: &FileKeyStore) -> Result<DeviceIdentity, Failure> {
    store
        .load()?
        .ok_or_else(|| Failure::new(Exit::KeyFile, "no_key", "no device key yet: run keygen or enroll"))
}

fn print_public(key: &DeviceSigningKey) -> Result<(), Failure> {
    let public = key.public_key();
    print_json(&serde_json::json!({ "publicKey": public.to_base64(), "keyId": public.key_id() }))
}

/// `keygen`: a new key in a new key file; never overwrites one.
pub fn keygen(store: &FileKeyStore) -> Result<(), Failure> {
    if store.load()?.is_some() {
        return Err(Failure::new(
            Exit::KeyFile,
            "key_exists",
            format!("{} already holds a key; refusing to overwrite it", store.path().display()),
        ));
    }
    let key = generate_key()?;
    let identity = DeviceIdentity { key, base_url: None, tenant_id: None, user_id: None, home: None };
    store.save(&identity)?;
    print_public(&identity.key)
}

/// `public-key`.
pub fn public_key(store: &FileKeyStore) -> Result<(), Failure> {
    print_public(&loaded(store)?.key)
}

/// `sign-answer --button N [--code C] [--reason R] < view.json`.
pub fn sign_answer(store: &FileKeyStore, args: &SignAnswerArgs) -> Result<(), Failure> {
    let identity = loaded(store)?;
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).map_err(Failure::io)?;
    let view: ChallengeView = serde_json::from_str(&input).map_err(|e| {
        Failure::new(Exit::Usage, "invalid_input", format!("the challenge on stdin is not valid: {e}"))
    })?;
    let choice = Choice { button: args.button, code: args.code.clone(), reason: args.reason.map(Into::into) };
    print_json(&answer_body(&identity.key, &view, &choice))
}

/// `sign-request --tenant T --method M --path P [--body B]`.
pub fn sign_request(store: &FileKeyStore, args: &SignRequestArgs) -> Result<(), Failure> {
    let identity = loaded(store)?;
    let headers = request_headers(
        &identity.key,
        &args.tenant,
        &args.method,
        &args.path,
        args.body.as_bytes(),
        now_ms(),
    );
    let map: serde_json::Map<String, serde_json::Value> =
        headers.into_iter().map(|(k, v)| (k.to_owned(), v.into())).collect();
    print_json(&map)
}

/// `sign-enrolment --token T [--name N] [--platform P]`: the enrolment body, with the key's proof
/// of possession over the token.
pub fn sign_enrolment(store: &FileKeyStore, args: &SignEnrolmentArgs) -> Result<(), Failure> {
    let identity = loaded(store)?;
    print_json(&enrolment(&identity.key, &args.token, &args.name, &args.platform))
}
