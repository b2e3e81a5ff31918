use std::collections::BTreeSet;

use super::*;

fn every_code() -> Vec<&'static str> {
    let api = ErrorCode::ALL.iter().map(|c| c.as_str());
    api.chain(ClientErrorCode::ALL.iter().map(|c| c.as_str())).collect()
}

#[test]
fn codes_are_unique_across_both_tables() {
    let codes = every_code();
    let unique: BTreeSet<&str> = codes.iter().copied().collect();
    assert_eq!(unique.len(), codes.len(), "two rows share a code");
}

#[test]
fn codes_are_snake_case() {
    for code in every_code() {
        let well_formed = !code.is_empty()
            && !code.starts_with('_')
            && !code.ends_with('_')
            && !code.contains("__")
            && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        assert!(well_formed, "{code}");
    }
}

#[test]
fn statuses_are_errors() {
    for code in ErrorCode::ALL {
        assert!((400..=599).contains(&code.status()), "{code}: {}", code.status());
    }
}

#[test]
fn meanings_are_one_line() {
    let meanings = ErrorCode::ALL.iter().map(|c| c.meaning());
    for meaning in meanings.chain(ClientErrorCode::ALL.iter().map(|c| c.meaning())) {
        assert!(!meaning.is_empty() && !meaning.contains('\n') && !meaning.contains('|'), "{meaning}");
        assert!(!meaning.ends_with('.'), "{meaning}");
    }
}

#[test]
fn every_code_parses_back() {
    for &code in ErrorCode::ALL {
        assert_eq!(code.as_str().parse(), Ok(code));
        assert_eq!(code.to_string(), code.as_str());
    }
    for &code in ClientErrorCode::ALL {
        assert_eq!(code.as_str().parse(), Ok(code));
    }
    assert_eq!("network_error".parse::<ErrorCode>(), Err(UnknownCode));
    assert_eq!("Expired_Token".parse::<ErrorCode>(), Err(UnknownCode));
    assert_eq!("".parse::<ClientErrorCode>(), Err(UnknownCode));
}

#[test]
fn a_few_rows_as_the_api_documents_them() {
    assert_eq!((ErrorCode::ExpiredToken.as_str(), ErrorCode::ExpiredToken.status()), ("expired_token", 401));
    assert_eq!(
        (ErrorCode::ChallengeExpired.as_str(), ErrorCode::ChallengeExpired.status()),
        ("challenge_expired", 410)
    );
    assert_eq!(ErrorCode::StorageUnavailable.status(), 503);
    assert_eq!(ClientErrorCode::NetworkError.as_str(), "network_error");
}
