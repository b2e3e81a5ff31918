use super::{admin_token_matches, secret_digest, sha256};

#[test]
fn sha256_is_fips_180_4() {
    // FIPS 180-4 / NIST CSRC example "abc".
    assert_eq!(
        hex::encode(sha256(b"abc")),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn secret_digest_is_lowercase_hex_of_the_secrets_sha256() {
    // Arrange
    let secret = "dev-secret-0123456789abcdef0123456789abcdef";

    // Act
    let digest = secret_digest(secret);

    // Assert
    assert_eq!(digest, hex::encode(sha256(secret.as_bytes())));
    assert_eq!(digest.len(), 64);
    assert!(digest.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    assert_ne!(digest, secret_digest("dev-secret-0123456789abcdef0123456789abcdeF"));
}

#[test]
fn admin_token_compares_whole_tokens_of_any_length() {
    let token = "dev-admin-token-do-not-use-in-production";
    assert!(admin_token_matches(token, token));
    for presented in ["", "dev", &token[..token.len() - 1], &format!("{token}x"), &token.to_uppercase()] {
        assert!(!admin_token_matches(token, presented), "{presented:?}");
    }
}

#[test]
fn no_admin_token_configured_matches_nothing() {
    // The admin API is off, even for an empty presented token.
    assert!(!admin_token_matches("", ""));
    assert!(!admin_token_matches("", "anything"));
}
