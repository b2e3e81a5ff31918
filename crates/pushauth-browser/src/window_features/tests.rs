use super::*;

#[test]
fn features_name_every_number() {
    assert_eq!(
        window_features(400, 560, 0, 4_294_967_295),
        "popup=yes,width=400,height=560,left=0,top=4294967295"
    );
    assert_eq!(window_features(7, 10, 99, 100), "popup=yes,width=7,height=10,left=99,top=100");
}

#[test]
fn the_window_is_centred_over_the_page_and_never_off_screen() {
    // A 1200 px wide window at x = 100: a 400 px window starts 400 px further right.
    assert_eq!(centre(100.0, 1200.0, 400), 500);
    // Smaller than the SDK's window: clamped to the screen's edge.
    assert_eq!(centre(0.0, 300.0, 400), 0);
    assert_eq!(centre(10.0, 401.0, 400), 11);
    // Browsers without the numbers (NaN read as 0 by the caller).
    assert_eq!(centre(0.0, 0.0, 400), 0);
}
