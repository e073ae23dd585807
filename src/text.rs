//! How figures read on the page.

/// A fraction as a percentage with two decimals, e.g. `0.7761 → "77.61%"`.
pub fn percent(fraction: f64) -> String {
    format!("{:.2}%", 100.0 * fraction)
}

/// A count with thin thousands separators, e.g. `46837 → "46,837"`.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count of images, singular for one: `1 → "1 image"`, `46837 → "46,837 images"`.
pub fn images(n: usize) -> String {
    if n == 1 {
        "1 image".into()
    } else {
        format!("{} images", count(n))
    }
}

/// A byte size in the largest fitting unit, e.g. `"196.3 MB"`.
pub fn size(bytes: usize) -> String {
    match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b if b >= 1_000 => format!("{:.1} KB", b as f64 / 1e3),
        b => format!("{b} bytes"),
    }
}

/// A difference of fractions in percentage points with two decimals and a sign, e.g.
/// `0.0123 → "+1.23 pp"`.
pub fn points(difference: f64) -> String {
    let value = 100.0 * difference;
    // "-0.00" reads as a difference; show it as none.
    if value.abs() < 0.005 {
        return "0.00 pp".into();
    }
    // A true minus sign, as in "B − A".
    format!("{value:+.2} pp").replace('-', "−")
}

/// Text made safe inside markup and attribute values, for the plots written as one piece of
/// markup (model and label-set names are the user's file names).
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
