//! POSIX pax extended headers: `"%d %s=%s\n"` records, the length counting the whole record.

use super::TarError;

/// What a pax header says about the member after it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `path=`: the member's name, of any length.
    pub path: Option<String>,
    /// `size=`: the member's size, for sizes the header's field cannot hold.
    pub size: Option<u64>,
}

/// Reads the records of the pax header whose block is at byte `offset`.
pub fn parse(data: &[u8], offset: u64) -> Result<Overrides, TarError> {
    let bad = |why: &str| TarError::BadPax {
        offset,
        why: why.into(),
    };
    let mut overrides = Overrides::default();
    let mut rest = data;
    // Writers pad the data with NULs to the block; those end the records.
    while rest.first().is_some_and(|b| *b != 0) {
        let space = rest
            .iter()
            .take(20)
            .position(|b| *b == b' ')
            .ok_or_else(|| bad("a record does not start with its length"))?;
        let length: usize = std::str::from_utf8(&rest[..space])
            .ok()
            .and_then(|t| t.parse().ok())
            .ok_or_else(|| bad("a record's length is not a number"))?;
        if length <= space + 1 || length > rest.len() {
            return Err(bad("a record's length does not fit the header"));
        }
        let (record, after) = rest.split_at(length);
        let Some(body) = record[space + 1..].strip_suffix(b"\n") else {
            return Err(bad("a record does not end with a newline"));
        };
        let Some(equals) = body.iter().position(|b| *b == b'=') else {
            return Err(bad("a record has no '='"));
        };
        let (key, value) = (&body[..equals], &body[equals + 1..]);
        match key {
            b"path" => overrides.path = Some(String::from_utf8_lossy(value).into_owned()),
            b"size" => {
                let size = std::str::from_utf8(value)
                    .ok()
                    .and_then(|t| t.parse().ok())
                    .ok_or_else(|| bad("its size is not a number"))?;
                overrides.size = Some(size);
            }
            _ => {}
        }
        rest = after;
    }
    Ok(overrides)
}

#[cfg(test)]
mod tests {
    use super::{parse, Overrides};

    #[test]
    fn path_and_size_records_are_read_and_others_skipped() {
        let data = b"30 mtime=1350244992.023960108\n47 path=n01440764/ILSVRC2012_val_00000293.JPEG\n15 size=123456\n\0\0\0";
        assert_eq!(
            parse(data, 0),
            Ok(Overrides {
                path: Some("n01440764/ILSVRC2012_val_00000293.JPEG".into()),
                size: Some(123_456),
            })
        );
    }

    #[test]
    fn malformed_records_are_refused_with_the_offset() {
        for data in [
            &b"99 path=x\n"[..],
            b"path=x\n",
            b"3 \n",
            b"8 pathx\n",
            b"11 size=-1\n",
            b"99999999999999999999999 path=x\n",
        ] {
            let error = parse(data, 1024).expect_err("malformed");
            assert!(error.to_string().contains("byte 1024"), "{error}");
        }
    }
}
