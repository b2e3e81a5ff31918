//! The length-prefixed canonical encoding of every signed or MAC'd message, and the messages built
//! with it. Properties: a message splits back into exactly the fields written (so no two field
//! lists share an encoding); integers are written as their decimal digits; the device request
//! and server HMAC messages split into their tag, fields and the body's digest.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use pushauth_core::canonical::Canonical;
use pushauth_core::device_request::{device_request_message, DeviceRequest, DEVICE_REQUEST_TAG};
use pushauth_core::encoding::b64url;
use pushauth_core::server_auth::{hmac_message, HMAC_TAG};
use pushauth_core::signature::KeyId;
use pushauth_fuzz::canonical_fields;
use sha2::{Digest, Sha256};

#[derive(Debug, Arbitrary)]
enum Field {
    Bytes(Vec<u8>),
    Text(String),
    Uint(u64),
}

#[derive(Debug, Arbitrary)]
struct Input {
    tag: String,
    fields: Vec<Field>,
    tenant: String,
    method: String,
    path: String,
    timestamp: u64,
    body: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let mut message = Canonical::new(&input.tag);
    let mut expected = vec![input.tag.as_bytes().to_vec()];
    for field in &input.fields {
        match field {
            Field::Bytes(b) => {
                message.field(b);
                expected.push(b.clone());
            }
            Field::Text(t) => {
                message.str(t);
                expected.push(t.as_bytes().to_vec());
            }
            Field::Uint(n) => {
                message.uint(*n);
                expected.push(n.to_string().into_bytes());
            }
        }
    }
    assert_eq!(canonical_fields(&message.into_bytes()), Some(expected));

    let digest = b64url(&Sha256::digest(&input.body)).into_bytes();
    let hmac = hmac_message(&input.tenant, &input.method, &input.path, input.timestamp, &input.body);
    let fields = [HMAC_TAG, &input.tenant, &input.method, &input.path, &input.timestamp.to_string()]
        .map(|s| s.as_bytes().to_vec());
    assert_eq!(canonical_fields(&hmac), Some([&fields[..], std::slice::from_ref(&digest)].concat()));

    let Ok(key_id) = KeyId::parse("i6pjShpufqeUrrjEbR3lnJ16EkPpLTYwGAWtwKEqEKQ") else { panic!("key id") };
    let request = DeviceRequest {
        tenant_id: &input.tenant,
        key_id: &key_id,
        method: &input.method,
        path_and_query: &input.path,
        timestamp: input.timestamp,
        body: &input.body,
    };
    let fields = [
        DEVICE_REQUEST_TAG,
        &input.tenant,
        key_id.as_str(),
        &input.method,
        &input.path,
        &input.timestamp.to_string(),
    ]
    .map(|s| s.as_bytes().to_vec());
    assert_eq!(canonical_fields(&device_request_message(&request)), Some([&fields[..], &[digest]].concat()));
});
