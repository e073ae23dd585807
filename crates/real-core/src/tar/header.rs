//! One 512-byte tar header block: its checksum, name, size and type.

use super::TarError;

/// Bytes in a tar block; headers are one block, data is padded to whole blocks.
pub const BLOCK: u64 = 512;

/// What a header block holds.
#[derive(Debug, PartialEq, Eq)]
pub enum Block {
    /// A block of zeros: the end of the archive.
    End,
    /// A member's header.
    Header(Header),
}

/// The fields of a header the walk needs.
#[derive(Debug, PartialEq, Eq)]
pub struct Header {
    /// The member's path (ustar prefix joined), lossily decoded.
    pub name: String,
    /// The size field: the bytes of data that follow.
    pub size: u64,
    /// The type flag (`b'0'`, `b'L'`, `b'x'`…).
    pub kind: u8,
}

impl Header {
    /// Whether this member's data follows its header. Links, devices, directories and fifos
    /// carry none whatever their size field says (as Python's tarfile and GNU tar read them).
    pub fn has_data(&self) -> bool {
        !matches!(self.kind, b'1'..=b'6')
    }

    /// Whether this member is a regular file.
    pub fn is_file(&self) -> bool {
        matches!(self.kind, b'0' | 0 | b'7')
    }
}

/// Reads the header block at byte `offset` of the archive.
pub fn parse(block: &[u8; BLOCK as usize], offset: u64) -> Result<Block, TarError> {
    if block.iter().all(|b| *b == 0) {
        return Ok(Block::End);
    }
    check_sum(block, offset)?;
    let name = text(&block[0..100]);
    // POSIX ustar keeps a path's leading folders in a prefix field; GNU's magic ("ustar  ")
    // uses those bytes for other things.
    let name = if &block[257..263] == b"ustar\0" {
        let prefix = text(&block[345..500]);
        if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        }
    } else {
        name
    };
    let size = number(&block[124..136]).ok_or(TarError::BadField {
        offset,
        field: "size",
    })?;
    Ok(Block::Header(Header {
        name,
        size,
        kind: block[156],
    }))
}

/// The checksum: the header's bytes summed with its own field read as spaces. Old tars summed
/// signed bytes; either sum is accepted.
fn check_sum(block: &[u8], offset: u64) -> Result<(), TarError> {
    let field = &block[148..156];
    let (unsigned, signed) = block
        .iter()
        .enumerate()
        .fold((0u64, 0i64), |(u, s), (i, &b)| {
            let b = if (148..156).contains(&i) { b' ' } else { b };
            (u + u64::from(b), s + i64::from(b as i8))
        });
    let stored = octal(field);
    let matches = stored.is_some_and(|v| v == unsigned || i64::try_from(v) == Ok(signed));
    if matches {
        Ok(())
    } else {
        Err(TarError::BadChecksum { offset })
    }
}

/// A numeric field: octal text, or GNU's base-256 (high bit of the first byte set) for values
/// that octal cannot hold. `None` when it is neither, or negative, or beyond 64 bits.
pub fn number(field: &[u8]) -> Option<u64> {
    match field.first() {
        Some(0x80) => field[1..].iter().try_fold(0u64, |value, &b| {
            value.checked_mul(256)?.checked_add(u64::from(b))
        }),
        // 0xff starts a negative base-256 number; other high bytes are not numbers.
        Some(b) if b & 0x80 != 0 => None,
        _ => octal(field),
    }
}

/// Octal digits between optional spaces and NULs; blank is 0.
fn octal(field: &[u8]) -> Option<u64> {
    let blank = |b: &u8| *b == b' ' || *b == 0;
    let start = field.iter().position(|b| !blank(b)).unwrap_or(field.len());
    let end = field
        .iter()
        .rposition(|b| !blank(b))
        .map_or(start, |i| i + 1);
    field[start..end].iter().try_fold(0u64, |value, &b| {
        if !(b'0'..=b'7').contains(&b) {
            return None;
        }
        value.checked_mul(8)?.checked_add(u64::from(b - b'0'))
    })
}

/// A NUL-terminated text field, decoded lossily.
pub fn text(field: &[u8]) -> String {
    let end = field.iter().position(|b| *b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(&field[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::{number, octal};

    #[test]
    fn octal_fields_read_with_their_padding() {
        assert_eq!(octal(b"00000001750\0"), Some(1000));
        assert_eq!(octal(b"     1750 \0\0"), Some(1000));
        assert_eq!(octal(b"\0\0\0\0"), Some(0));
        assert_eq!(octal(b"        "), Some(0));
        assert_eq!(octal(b"0000008\0"), None);
        assert_eq!(octal(b"17 50\0"), None);
        assert_eq!(octal(b"abc"), None);
        assert_eq!(octal(b"7777777777777777777777777"), None);
    }

    #[test]
    fn base_256_sizes_read_and_negative_ones_are_refused() {
        let mut field = [0u8; 12];
        field[0] = 0x80;
        field[7] = 0x02; // 2 << 32
        assert_eq!(number(&field), Some(2u64 << 32));
        field[0] = 0xff;
        assert_eq!(number(&field), None);
        let mut huge = [0xffu8; 12];
        huge[0] = 0x80;
        assert_eq!(number(&huge), None, "beyond 64 bits");
    }
}
