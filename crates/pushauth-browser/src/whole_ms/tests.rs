use super::{ceil, grown, round};

#[test]
fn round_matches_f64_round_from_a_half_up() {
    for x in [0.5, 0.99, 1.0, 1.4999999999999998, 1.5, 2.5, 899.5, 1000.4999, 1999.5, 2200.0, 4_294_967_294.6]
    {
        assert_eq!(round(x), x.round() as u32, "{x}");
    }
}

#[test]
fn round_of_nothing_and_of_too_much() {
    assert_eq!(round(f64::NAN), 0);
    assert_eq!(round(-3.0), 0);
    assert_eq!(round(1e12), u32::MAX);
}

#[test]
fn ceil_matches_f64_ceil() {
    for x in [0.0, 0.1, 1.0, 1.000_000_1, 999.2, 1000.0, 14_999.01, 4_294_967_294.5] {
        assert_eq!(ceil(x), x.ceil() as u32, "{x}");
    }
    assert_eq!(ceil(-5.0), 0);
    assert_eq!(ceil(f64::NAN), 0);
    assert_eq!(ceil(1e12), u32::MAX);
}

#[test]
fn grown_is_the_capped_power() {
    for n in 0..40 {
        let exponent = n.min(30) as i32;
        assert_eq!(grown(1000.0, 1.25, n, 2000.0), (1000.0 * 1.25f64.powi(exponent)).min(2000.0), "1.25^{n}");
        assert_eq!(grown(1000.0, 2.0, n, 8000.0), (1000.0 * 2f64.powi(exponent)).min(8000.0), "2^{n}");
    }
    assert_eq!(grown(3000.0, 2.0, 0, 2000.0), 2000.0);
}
