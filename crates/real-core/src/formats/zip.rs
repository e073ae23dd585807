//! Just enough ZIP to read `.npz` archives: stored and deflated members, ZIP64 sizes.

use crate::error::ParseError;

const FORMAT: &str = "NumPy .npz";

/// One archive member as stored: its name, method and the bytes that hold it.
pub struct Entry<'a> {
    /// The member's name, e.g. `tensor.npy`.
    pub name: String,
    /// ZIP compression method: 0 stored, 8 deflated.
    pub method: u16,
    /// Size once inflated, as the directory declares it.
    pub size: u64,
    /// CRC-32 of the inflated bytes, as the directory declares it.
    pub crc: u32,
    /// Where the member's stored bytes start in the archive (for error messages).
    pub offset: usize,
    /// The member's stored (possibly compressed) bytes.
    pub raw: &'a [u8],
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}
fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}
fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

fn broken(at: usize, what: &str) -> ParseError {
    ParseError::at(
        FORMAT,
        format!("byte {at}"),
        format!("{what}; the archive looks damaged or truncated"),
    )
}

/// Inflates one member whole (within its declared size, checked against
/// [`MAX_MEMBER_BYTES`] by [`entries`]) and checks its CRC.
pub fn inflate(entry: &Entry<'_>) -> Result<Vec<u8>, ParseError> {
    let mut data = Vec::with_capacity(usize::try_from(entry.size).unwrap_or(0));
    stream(
        entry,
        &mut |piece| {
            data.extend_from_slice(piece);
            Ok(())
        },
        &mut |_| {},
    )?;
    Ok(data)
}

/// The first `max` inflated bytes of a member (fewer if it is shorter): enough to read an
/// array's header without inflating arrays that will not be used.
pub fn prefix(entry: &Entry<'_>, max: usize) -> Result<Vec<u8>, ParseError> {
    const STOP: &str = "enough";
    let mut head = Vec::new();
    let result = stream(
        entry,
        &mut |piece| {
            let take = max.saturating_sub(head.len()).min(piece.len());
            head.extend_from_slice(&piece[..take]);
            if head.len() >= max {
                return Err(ParseError::new(STOP, ""));
            }
            Ok(())
        },
        &mut |_| {},
    );
    match result {
        Err(e) if e.format == STOP => Ok(head),
        Err(e) => Err(e),
        Ok(()) => Ok(head),
    }
}

/// The most one member may inflate to: a float64 score matrix of 50,000 × 1,001, the largest
/// array a valid file needs, plus room for its header. No ratio rule: the published
/// `raters.npz` inflates 270-fold.
pub const MAX_MEMBER_BYTES: u64 = 50_000 * 1_001 * 8 + 64 * 1024;

/// Inflates one member piece by piece, handing each piece to `sink`, so that a member far
/// larger than memory can be read. `progress` hears the fraction of the stored bytes read.
/// Errors when the member inflates to more or fewer bytes than the directory declares.
pub fn stream(
    entry: &Entry<'_>,
    sink: &mut dyn FnMut(&[u8]) -> Result<(), ParseError>,
    progress: &mut dyn FnMut(f64),
) -> Result<(), ParseError> {
    use miniz_oxide::inflate::stream::{inflate, InflateState};
    use miniz_oxide::{DataFormat, MZFlush, MZStatus};
    let too_long = || {
        broken(
            entry.offset,
            &format!(
                "'{}' inflates past its declared {} bytes",
                entry.name, entry.size
            ),
        )
    };
    let mut crc = crate::crc32::Crc32::new();
    if entry.method == 0 {
        if entry.raw.len() as u64 != entry.size {
            return Err(too_long());
        }
        for piece in entry.raw.chunks(PIECE) {
            crc = crc.update(piece);
            sink(piece)?;
        }
        progress(1.0);
        return check_crc(entry, crc);
    }
    let mut state = InflateState::new_boxed(DataFormat::Raw);
    let mut out = vec![0u8; PIECE];
    let (mut read, mut written) = (0usize, 0u64);
    let mut reported = 0usize;
    loop {
        let step = inflate(&mut state, &entry.raw[read..], &mut out, MZFlush::None);
        read += step.bytes_consumed;
        written += step.bytes_written as u64;
        if written > entry.size {
            return Err(too_long());
        }
        if step.bytes_written > 0 {
            crc = crc.update(&out[..step.bytes_written]);
            sink(&out[..step.bytes_written])?;
        }
        if read - reported >= 1 << 18 {
            reported = read;
            progress(read as f64 / entry.raw.len().max(1) as f64);
        }
        match step.status {
            Ok(MZStatus::StreamEnd) => break,
            Ok(_) if step.bytes_consumed > 0 || step.bytes_written > 0 => {}
            _ => {
                return Err(broken(
                    entry.offset + read,
                    &format!("'{}' does not inflate", entry.name),
                ))
            }
        }
    }
    if written != entry.size {
        return Err(broken(
            entry.offset,
            &format!(
                "'{}' inflates to {written} bytes, not {}",
                entry.name, entry.size
            ),
        ));
    }
    progress(1.0);
    check_crc(entry, crc)
}

/// A member whose bytes do not match its CRC is damaged: refused, as numpy refuses it, rather
/// than read into a figure.
fn check_crc(entry: &Entry<'_>, crc: crate::crc32::Crc32) -> Result<(), ParseError> {
    let found = crc.finish();
    // Under the fuzzer (cargo-fuzz sets --cfg fuzzing) a mutated member would stop here, and
    // the arrays inside archives would go untested; the stable replay checks it as users get.
    if found != entry.crc && !cfg!(fuzzing) {
        return Err(broken(
            entry.offset,
            &format!(
                "'{}' fails its CRC-32 check ({found:08x}, the archive says {:08x})",
                crate::error::quote(&entry.name),
                entry.crc
            ),
        ));
    }
    Ok(())
}

/// Bytes inflated at a time when streaming.
const PIECE: usize = 64 * 1024;

/// Lists every member of the central directory without inflating any.
pub fn entries(bytes: &[u8]) -> Result<Vec<Entry<'_>>, ParseError> {
    // The end-of-central-directory record sits in the last 64 KiB + 22 bytes.
    let search_from = bytes.len().saturating_sub(65_557);
    let eocd = (search_from..bytes.len().saturating_sub(21))
        .rev()
        .find(|&i| bytes[i..].starts_with(b"PK\x05\x06"))
        .ok_or_else(|| {
            broken(
                bytes.len(),
                "expected a ZIP end-of-central-directory record",
            )
        })?;
    let mut count = u64::from(u16_at(bytes, eocd + 10).unwrap_or(0));
    let mut directory = u64::from(u32_at(bytes, eocd + 16).unwrap_or(0));
    // ZIP64: a locator just before the record points at the 64-bit record.
    if eocd >= 20 && bytes[eocd - 20..].starts_with(b"PK\x06\x07") {
        let record = u64_at(bytes, eocd - 12)
            .ok_or_else(|| broken(eocd - 12, "bad ZIP64 locator"))? as usize;
        if bytes
            .get(record..)
            .is_some_and(|b| b.starts_with(b"PK\x06\x06"))
        {
            count = u64_at(bytes, record + 32).unwrap_or(count);
            directory = u64_at(bytes, record + 48).unwrap_or(directory);
        }
    }
    let mut at =
        usize::try_from(directory).map_err(|_| broken(eocd, "central directory out of range"))?;
    let mut members = Vec::new();
    let mut seen_names = std::collections::HashSet::new();
    let mut seen_locals = std::collections::HashSet::new();
    for _ in 0..count {
        if !bytes
            .get(at..)
            .is_some_and(|b| b.starts_with(b"PK\x01\x02"))
        {
            return Err(broken(at, "expected a central directory entry"));
        }
        let entry = |off: usize| broken(at + off, "a central directory entry is cut short");
        let method = u16_at(bytes, at + 10).ok_or_else(|| entry(10))?;
        let crc = u32_at(bytes, at + 16).ok_or_else(|| entry(16))?;
        let mut compressed = u64::from(u32_at(bytes, at + 20).ok_or_else(|| entry(20))?);
        let mut size = u64::from(u32_at(bytes, at + 24).ok_or_else(|| entry(24))?);
        let name_len = usize::from(u16_at(bytes, at + 28).ok_or_else(|| entry(28))?);
        let extra_len = usize::from(u16_at(bytes, at + 30).ok_or_else(|| entry(30))?);
        let comment_len = usize::from(u16_at(bytes, at + 32).ok_or_else(|| entry(32))?);
        let mut local = u64::from(u32_at(bytes, at + 42).ok_or_else(|| entry(42))?);
        let name_bytes = bytes
            .get(at + 46..at + 46 + name_len)
            .ok_or_else(|| entry(46))?;
        let name = String::from_utf8_lossy(name_bytes).into_owned();
        let extra = bytes
            .get(at + 46 + name_len..at + 46 + name_len + extra_len)
            .ok_or_else(|| entry(46))?;
        read_zip64_extra(extra, &mut size, &mut compressed, &mut local);
        at += 46 + name_len + extra_len + comment_len;

        let local = usize::try_from(local).map_err(|_| broken(at, "member offset out of range"))?;
        // Each member is inflated once: a directory that lists one twice is refused rather
        // than trusted to repeat work (a bomb's cheap multiplier).
        if !seen_names.insert(name.clone()) || !seen_locals.insert(local) {
            return Err(ParseError::at(
                FORMAT,
                format!("byte {at}"),
                format!(
                    "the archive lists '{}' more than once; expected each array once, as np.savez writes",
                    crate::error::quote(&name)
                ),
            ));
        }
        if size > MAX_MEMBER_BYTES {
            return Err(ParseError::new(
                FORMAT,
                format!(
                    "'{}' inflates to {size} bytes, more than the {MAX_MEMBER_BYTES} any predictions or rater array needs",
                    crate::error::quote(&name)
                ),
            ));
        }
        if !bytes
            .get(local..)
            .is_some_and(|b| b.starts_with(b"PK\x03\x04"))
        {
            return Err(broken(
                local,
                &format!("expected the local header of '{name}'"),
            ));
        }
        let local_name = usize::from(u16_at(bytes, local + 26).unwrap_or(0));
        let local_extra = usize::from(u16_at(bytes, local + 28).unwrap_or(0));
        let start = local + 30 + local_name + local_extra;
        let end = start.saturating_add(usize::try_from(compressed).unwrap_or(usize::MAX));
        let raw = bytes
            .get(start..end)
            .ok_or_else(|| broken(start, &format!("'{name}' is cut short")))?;
        if method != 0 && method != 8 {
            return Err(ParseError::new(
                FORMAT,
                format!("'{name}' uses ZIP compression method {method}; expected stored or deflated (np.savez or np.savez_compressed)"),
            ));
        }
        members.push(Entry {
            name,
            method,
            size,
            offset: start,
            crc,
            raw,
        });
    }
    Ok(members)
}

/// Replaces 32-bit fields that are 0xFFFFFFFF with the ZIP64 extra field's values.
fn read_zip64_extra(mut extra: &[u8], size: &mut u64, compressed: &mut u64, local: &mut u64) {
    while extra.len() >= 4 {
        let id = u16::from_le_bytes([extra[0], extra[1]]);
        let len = usize::from(u16::from_le_bytes([extra[2], extra[3]]));
        let Some(body) = extra.get(4..4 + len) else {
            return;
        };
        if id == 1 {
            let mut at = 0;
            for field in [size, compressed, local] {
                if *field == u64::from(u32::MAX) {
                    if let Some(v) = u64_at(body, at) {
                        *field = v;
                        at += 8;
                    }
                }
            }
            return;
        }
        extra = &extra[4 + len..];
    }
}
