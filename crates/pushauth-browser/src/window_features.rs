//! Where `launch`'s `window` mode opens its window, and the `window.open` features string that
//! says so. Written without `format!`: Rust's formatting machinery would otherwise be linked in
//! for these four numbers.

use alloc::string::String;

use crate::whole_ms::round;

#[cfg(test)]
mod tests;

/// The window's left (or top) edge that centres a window `size` pixels wide (or high) over the
/// page's window, whose outer edge is at `screen` and whose outer size is `outer`; never
/// negative.
pub fn centre(screen: f64, outer: f64, size: u32) -> u32 {
    round((screen + (outer - f64::from(size)) / 2.0).max(0.0))
}

/// `popup=yes,width=…,height=…,left=…,top=…`.
pub fn window_features(width: u32, height: u32, left: u32, top: u32) -> String {
    let mut out = String::with_capacity(64);
    out.push_str("popup=yes");
    for (name, value) in [(",width=", width), (",height=", height), (",left=", left), (",top=", top)] {
        out.push_str(name);
        push_decimal(&mut out, value);
    }
    out
}

/// Appends `n` in decimal.
fn push_decimal(out: &mut String, n: u32) {
    let mut digits = [0u8; 10];
    let mut len = 0;
    let mut rest = n;
    loop {
        if let Some(slot) = digits.get_mut(len) {
            *slot = b'0' + (rest % 10) as u8;
        }
        len += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for digit in digits.iter().take(len).rev() {
        out.push(char::from(*digit));
    }
}
