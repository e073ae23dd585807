//! Case folding for names matched against ASCII ones: class names and wnids, column headers,
//! `.npz` array names, timm's model names.

/// `s` in lower case as far as it can ever equal (or be part of) an ASCII text: the same
/// matches as `str::to_lowercase`. ASCII letters are lowered, and so is the Kelvin sign, the
/// one other character whose lower case is ASCII; every other character is kept as it is
/// (its lower case is not ASCII either, so it matches no ASCII text whichever way it is cased).
pub fn ascii_lower(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{212A}' => 'k',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::ascii_lower;

    #[test]
    fn agrees_with_unicode_lowercase_on_whatever_can_be_ascii() {
        assert_eq!(ascii_lower("Image_Name"), "image_name");
        assert_eq!(ascii_lower("TOP\u{212A}"), "topk");
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let unicode: String = c.to_lowercase().collect();
            let ours = ascii_lower(&c.to_string());
            if unicode.is_ascii() || ours.is_ascii() {
                assert_eq!(ours, unicode, "{c:?}");
            }
        }
    }
}
