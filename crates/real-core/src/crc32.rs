//! CRC-32 (IEEE 802.3, as in zip and PNG), fed piece by piece: the stored records' checksum,
//! and the check of every archive member as it inflates (numpy and Python's zipfile refuse a
//! member whose CRC is wrong; so must we, or damaged data would give a figure).

/// A running CRC-32.
#[derive(Clone, Copy, Debug)]
pub struct Crc32(u32);

impl Default for Crc32 {
    fn default() -> Self {
        Self::new()
    }
}

impl Crc32 {
    /// The CRC of nothing yet.
    pub fn new() -> Self {
        Crc32(!0)
    }

    /// Adds `bytes`.
    pub fn update(self, bytes: &[u8]) -> Self {
        Crc32(update(self.0, bytes))
    }

    /// The CRC of everything added.
    pub fn finish(self) -> u32 {
        !self.0
    }
}

/// CRC-32 (IEEE 802.3, as in zip and PNG), eight bytes at a time ("slicing-by-8"): a stored
/// evidence record is 100 KB, and a byte at a time the checksum was most of the time spent
/// reading one. The eight tables (8 KB) are built on first use rather than at compile time,
/// so that they take no room in the page's wasm.
fn update(mut c: u32, bytes: &[u8]) -> u32 {
    static TABLES: std::sync::OnceLock<[[u32; 256]; 8]> = std::sync::OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        let mut tables = [[0u32; 256]; 8];
        for (i, slot) in tables[0].iter_mut().enumerate() {
            *slot = (0..8).fold(i as u32, |c, _| {
                if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                }
            });
        }
        // tables[k][i]: byte i followed by k zero bytes.
        for k in 1..8 {
            let (done, rest) = tables.split_at_mut(k);
            for (slot, prev) in rest[0].iter_mut().zip(done[k - 1]) {
                *slot = (prev >> 8) ^ done[0][(prev & 0xFF) as usize];
            }
        }
        tables
    });
    // Every index is masked to 0..=255, the tables' size.
    let t = |k: usize, v: u32| tables[k][(v & 0xFF) as usize];
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let lo = c ^ u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        let hi = u32::from_le_bytes([chunk[4], chunk[5], chunk[6], chunk[7]]);
        c = t(7, lo)
            ^ t(6, lo >> 8)
            ^ t(5, lo >> 16)
            ^ t(4, lo >> 24)
            ^ t(3, hi)
            ^ t(2, hi >> 8)
            ^ t(1, hi >> 16)
            ^ t(0, hi >> 24);
    }
    chunks
        .remainder()
        .iter()
        .fold(c, |c, b| t(0, c ^ u32::from(*b)) ^ (c >> 8))
}

#[cfg(test)]
mod tests {
    use super::Crc32;

    #[test]
    fn the_check_value_in_any_pieces() {
        // The standard check value of CRC-32/ISO-HDLC.
        assert_eq!(Crc32::new().update(b"123456789").finish(), 0xCBF4_3926);
        let bytes: Vec<u8> = (0..1000u32).map(|i| (i * 7919 % 251) as u8).collect();
        let whole = Crc32::new().update(&bytes).finish();
        for cut in [0, 1, 7, 8, 9, 500, 999, 1000] {
            let (a, b) = bytes.split_at(cut);
            assert_eq!(
                Crc32::new().update(a).update(b).finish(),
                whole,
                "cut at {cut}"
            );
        }
        assert_eq!(Crc32::new().finish(), 0);
    }
}
