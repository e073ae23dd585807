//! The one error type for user data: what was expected, where it broke, what was found.

use std::fmt;

/// Why a predictions file could not be read. Its `Display` is one sentence for the user.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    /// The format being read when it broke, e.g. "NumPy .npy".
    pub format: &'static str,
    /// Where: a byte offset, a row, a line or a column, in words.
    pub location: Option<String>,
    /// What was expected and what was found instead.
    pub message: String,
}

impl ParseError {
    /// An error at no particular place.
    pub fn new(format: &'static str, message: impl Into<String>) -> Self {
        Self {
            format,
            location: None,
            message: message.into(),
        }
    }

    /// An error at a place, such as "line 12" or "byte 80".
    pub fn at(
        format: &'static str,
        location: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            format,
            location: Some(location.into()),
            message: message.into(),
        }
    }
}

impl fmt::Display for ParseError {
    /// One line of at most [`MAX_MESSAGE_CHARS`], whatever the file held.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match &self.location {
            Some(at) => format!("{} file, {}: {}", self.format, at, self.message),
            None => format!("{} file: {}", self.format, self.message),
        };
        f.write_str(&one_line(&text))
    }
}

/// The longest message shown for one file, in characters.
pub const MAX_MESSAGE_CHARS: usize = 300;

/// Text from a file, quoted in a message: at most 60 characters, control characters escaped
/// (`\u{1b}`), so that a cell cannot flood a message or drive a terminal.
pub fn quote(text: &str) -> String {
    const KEEP: usize = 60;
    let mut out = escape_controls(text.chars().take(KEEP));
    if text.chars().nth(KEEP).is_some() {
        out.push('…');
    }
    out
}

/// A message made fit for one line: control characters escaped, cut to
/// [`MAX_MESSAGE_CHARS`] with an ellipsis. Applied at every border where a message leaves
/// the core (terminal, page), as a last guard for text that did not pass through [`quote`].
pub fn one_line(text: &str) -> String {
    let escaped = escape_controls(text.chars());
    if escaped.chars().count() <= MAX_MESSAGE_CHARS {
        return escaped;
    }
    let mut cut: String = escaped.chars().take(MAX_MESSAGE_CHARS - 1).collect();
    cut.push('…');
    cut
}

fn escape_controls(chars: impl Iterator<Item = char>) -> String {
    let mut out = String::new();
    for c in chars {
        if c.is_control()
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        {
            // Line separators and bidirectional overrides reorder or break what follows.
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

impl std::error::Error for ParseError {}
