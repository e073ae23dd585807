//! Just enough ZIP to read `.npz` archives: stored and deflated members, ZIP64 sizes.

use crate::error::ParseError;

const FORMAT: &str = "NumPy .npz";

/// One archive member, inflated.
pub struct Member {
    pub name: String,
    pub data: Vec<u8>,
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

/// Reads every member listed in the central directory.
pub fn members(bytes: &[u8]) -> Result<Vec<Member>, ParseError> {
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
    for _ in 0..count {
        if !bytes
            .get(at..)
            .is_some_and(|b| b.starts_with(b"PK\x01\x02"))
        {
            return Err(broken(at, "expected a central directory entry"));
        }
        let entry = |off: usize| broken(at + off, "a central directory entry is cut short");
        let method = u16_at(bytes, at + 10).ok_or_else(|| entry(10))?;
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
        let end = start.saturating_add(compressed as usize);
        let raw = bytes
            .get(start..end)
            .ok_or_else(|| broken(start, &format!("'{name}' is cut short")))?;
        let data = match method {
            0 => raw.to_vec(),
            8 => miniz_oxide::inflate::decompress_to_vec(raw)
                .map_err(|_| broken(start, &format!("'{name}' does not inflate")))?,
            m => {
                return Err(ParseError::new(
                    FORMAT,
                    format!("'{name}' uses ZIP compression method {m}; expected stored or deflated (np.savez or np.savez_compressed)"),
                ))
            }
        };
        if data.len() as u64 != size {
            return Err(broken(
                start,
                &format!("'{name}' inflates to {} bytes, not {size}", data.len()),
            ));
        }
        members.push(Member { name, data });
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
