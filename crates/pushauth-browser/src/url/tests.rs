use super::*;

#[test]
fn the_base_url_keeps_its_version_path_and_loses_trailing_slashes() {
    assert_eq!(
        normalise_base_url(" https://auth.example.com/v1/ ").as_deref(),
        Some("https://auth.example.com/v1")
    );
    assert_eq!(normalise_base_url("http://127.0.0.1:8787/v1").as_deref(), Some("http://127.0.0.1:8787/v1"));
}

#[test]
fn a_base_url_must_be_absolute_http() {
    assert_eq!(normalise_base_url("/v1"), None);
    assert_eq!(normalise_base_url("auth.example.com/v1"), None);
    assert_eq!(normalise_base_url("ftp://auth.example.com/v1"), None);
    assert_eq!(normalise_base_url("https://"), None);
    assert_eq!(normalise_base_url("https:///v1"), None);
    assert_eq!(normalise_base_url(""), None);
}

#[test]
fn endpoints_append_to_the_base_url() {
    assert_eq!(
        endpoint("https://auth.example.com/v1", "/client/challenge/push"),
        "https://auth.example.com/v1/client/challenge/push"
    );
}

#[test]
fn popup_mode_is_added_to_the_query() {
    assert_eq!(
        with_popup_mode("https://a.example/hosted/?token=eyJ"),
        "https://a.example/hosted/?token=eyJ&mode=popup"
    );
    assert_eq!(with_popup_mode("https://a.example/hosted/"), "https://a.example/hosted/?mode=popup");
    assert_eq!(with_popup_mode("https://a.example/h?"), "https://a.example/h?mode=popup");
    assert_eq!(
        with_popup_mode("https://a.example/h?token=t#top"),
        "https://a.example/h?token=t&mode=popup#top"
    );
}
