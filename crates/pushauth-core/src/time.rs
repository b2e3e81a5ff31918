//! Time formats of the APIs: RFC 3339 UTC timestamps from Unix milliseconds, and back.

use alloc::{format, string::String};

use crate::{Error, UnixMillis};

/// Formats Unix milliseconds as RFC 3339 UTC with milliseconds, e.g. `2027-01-15T08:00:00.123Z`.
pub fn rfc3339(ms: UnixMillis) -> String {
    let secs = ms / 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil-from-days (Howard Hinnant's algorithm), exact for every date after 1970.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60,
        ms % 1000
    )
}

/// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm), for years 1970..=9999.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn number(text: &str, len: usize) -> Option<i64> {
    (text.len() == len && text.bytes().all(|b| b.is_ascii_digit())).then(|| text.parse().ok()).flatten()
}

/// Parses a date as query filters send it (`fromDate`): `YYYY-MM-DD` (midnight UTC) or RFC 3339
/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, from 1970 on. Anything else is
/// [`Error::InvalidFormat`] for `field`.
pub fn parse_date(field: &'static str, text: &str) -> Result<UnixMillis, Error> {
    let bad = Error::InvalidFormat { field };
    let (date, time) = match text.split_once(['T', 't']) {
        Some((date, time)) => (date, Some(time)),
        None => (text, None),
    };
    let mut parts = date.split('-');
    let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(bad);
    };
    let (y, m, d) = (
        number(y, 4).ok_or(bad.clone())?,
        number(m, 2).ok_or(bad.clone())?,
        number(d, 2).ok_or(bad.clone())?,
    );
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if y < 1970 || !(1..=12).contains(&m) || d < 1 || d > month_days[(m - 1) as usize] {
        return Err(bad);
    }
    let mut ms = days_from_civil(y, m, d) * 86_400_000;
    if let Some(time) = time {
        let (clock, offset_min) = if let Some(clock) = time.strip_suffix(['Z', 'z']) {
            (clock, 0)
        } else {
            let at = time.rfind(['+', '-']).ok_or(bad.clone())?;
            let (clock, offset) = time.split_at(at);
            let sign = if offset.starts_with('-') { -1 } else { 1 };
            let (oh, om) = offset[1..].split_once(':').ok_or(bad.clone())?;
            let (oh, om) = (number(oh, 2).ok_or(bad.clone())?, number(om, 2).ok_or(bad.clone())?);
            if oh > 23 || om > 59 {
                return Err(bad);
            }
            (clock, sign * (oh * 60 + om))
        };
        let (hms, fraction) = clock.split_once('.').unwrap_or((clock, ""));
        let mut hms = hms.split(':');
        let (Some(h), Some(mi), Some(s), None) = (hms.next(), hms.next(), hms.next(), hms.next()) else {
            return Err(bad);
        };
        let (h, mi, s) = (
            number(h, 2).ok_or(bad.clone())?,
            number(mi, 2).ok_or(bad.clone())?,
            number(s, 2).ok_or(bad.clone())?,
        );
        if h > 23 || mi > 59 || s > 60 || fraction.len() > 9 || !fraction.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad);
        }
        if clock.contains('.') && fraction.is_empty() {
            return Err(bad);
        }
        let millis: i64 = format!("{fraction:0<3}")[..3].parse().map_err(|_| bad.clone())?;
        ms += ((h * 60 + mi) * 60 + s) * 1000 + millis - offset_min * 60_000;
    }
    UnixMillis::try_from(ms).map_err(|_| bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(1_800_000_000_123), "2027-01-15T08:00:00.123Z");
        assert_eq!(rfc3339(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(rfc3339(4_102_444_799_999), "2099-12-31T23:59:59.999Z");
    }

    #[test]
    fn parses_what_it_formats_and_plain_dates() {
        for ms in [0, 1_800_000_000_123, 951_782_400_000, 4_102_444_799_999] {
            assert_eq!(parse_date("fromDate", &rfc3339(ms)), Ok(ms));
        }
        assert_eq!(parse_date("fromDate", "2027-01-15"), Ok(1_800_000_000_000 - 8 * 3_600_000));
        assert_eq!(parse_date("fromDate", "2027-01-15T08:00:00Z"), Ok(1_800_000_000_000));
        assert_eq!(parse_date("fromDate", "2027-01-15T20:00:00+12:00"), Ok(1_800_000_000_000));
        assert_eq!(parse_date("fromDate", "2027-01-15T03:30:00.5-04:30"), Ok(1_800_000_000_500));
    }

    #[test]
    fn refuses_anything_else() {
        for bad in [
            "",
            "yesterday",
            "2027-1-15",
            "2027-02-30",
            "2027-13-01",
            "1969-12-31",
            "2027-01-15T",
            "2027-01-15T08:00Z",
            "2027-01-15T08:00:00",
            "2027-01-15T24:00:00Z",
            "2027-01-15T08:00:00.Z",
            "2027-01-15T08:00:00+1200",
            "+2027-01-15",
            "2027-01-15T08:00:00.1234567890Z",
            "２０２７-01-15",
        ] {
            assert_eq!(
                parse_date("fromDate", bad),
                Err(Error::InvalidFormat { field: "fromDate" }),
                "{bad:?}"
            );
        }
    }
}
