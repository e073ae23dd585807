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
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(at) => write!(f, "{} file, {}: {}", self.format, at, self.message),
            None => write!(f, "{} file: {}", self.format, self.message),
        }
    }
}

impl std::error::Error for ParseError {}
