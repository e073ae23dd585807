//! The member walk: header after header, asking for the bytes it needs.

use super::header::{self, Block, BLOCK};
use super::{image_of, pax, Member, TarError, TarIndex};
use crate::ImageId;
use std::collections::BTreeMap;

/// A long name or a pax header larger than this is refused: no path needs it, and it would be
/// read whole.
pub const MAX_META: u64 = 1 << 20;

/// After a member whose header and data span at most this many bytes, the next read fetches
/// more than the header: archives of small files hold many headers per read. After a larger
/// member only the next header is read (ImageNet's images average 110 KB; reading ahead past
/// them would read much of the file).
const SMALL_MEMBER: u64 = 16 * 1024;

/// Bytes read at once after a small member; each further small member doubles it, up to
/// [`MAX_AHEAD`]. A browser's read costs about a millisecond whatever its size up to a few
/// hundred KB, so fewer, larger reads are what make a tar of small files fast.
const READ_AHEAD: u64 = 64 * 1024;

/// The largest read.
const MAX_AHEAD: u64 = 4 * 1024 * 1024;

/// A byte range the walk needs next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Read {
    /// The first byte.
    pub offset: u64,
    /// How many bytes to read (never past the end of the file).
    pub len: u64,
}

/// The walk through an archive: call [`Walker::walk`], read what it asks for, give it with
/// [`Walker::give`], until it asks for nothing; then [`Walker::finish`].
#[derive(Debug)]
pub struct Walker {
    total: u64,
    /// The next header's byte.
    at: u64,
    /// The bytes last given, and where they start.
    buffer: Vec<u8>,
    buffer_at: u64,
    /// The range last asked for, to tell a short read from progress.
    asked: Option<(u64, u64)>,
    /// A GNU long name or pax `path` for the next member.
    next_name: Option<String>,
    /// A pax `size` for the next member.
    next_size: Option<u64>,
    members: BTreeMap<ImageId, (u64, u64)>,
    entries: u64,
    /// Bytes to read at once for the next header (see [`SMALL_MEMBER`]).
    ahead: u64,
    over: bool,
}

impl Walker {
    /// A walk through an archive of `total` bytes.
    pub fn new(total: u64) -> Self {
        Self {
            total,
            at: 0,
            buffer: Vec::new(),
            buffer_at: 0,
            asked: None,
            next_name: None,
            next_size: None,
            members: BTreeMap::new(),
            entries: 0,
            ahead: READ_AHEAD,
            over: false,
        }
    }

    /// Walks as far as the bytes given allow: `Some` asks for a range, `None` means the walk is
    /// over (an end block or the end of the file).
    pub fn walk(&mut self) -> Result<Option<Read>, TarError> {
        if self.total == 0 {
            return Err(TarError::Empty);
        }
        if let Some((offset, len)) = self.asked {
            if self.bytes(offset, len).is_none() {
                return Err(TarError::Read(format!(
                    "fewer bytes than asked for at byte {offset} (the file may have changed while it was read)"
                )));
            }
            self.asked = None;
        }
        while !self.over {
            if let Some(read) = self.step()? {
                self.asked = Some((
                    read.offset,
                    read.offset.saturating_add(read.len).min(self.total) - read.offset,
                ));
                return Ok(Some(read));
            }
        }
        Ok(None)
    }

    /// Gives the bytes read at `offset` (they replace those given before).
    pub fn give(&mut self, offset: u64, bytes: Vec<u8>) {
        self.buffer = bytes;
        self.buffer_at = offset;
    }

    /// The bytes walked so far.
    pub fn walked(&self) -> u64 {
        self.at.min(self.total)
    }

    /// The file's size.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The validation images found so far.
    pub fn images(&self) -> usize {
        self.members.len()
    }

    /// The members walked so far.
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// The index, once [`Walker::walk`] has returned `None`.
    pub fn finish(self) -> Result<TarIndex, TarError> {
        if self.members.is_empty() {
            return Err(TarError::NoImages {
                entries: self.entries,
            });
        }
        Ok(TarIndex {
            members: self
                .members
                .into_iter()
                .map(|(image, (offset, size))| Member {
                    image,
                    offset,
                    size,
                })
                .collect(),
            entries: self.entries,
        })
    }

    /// `len` bytes at `offset`, if given.
    fn bytes(&self, offset: u64, len: u64) -> Option<&[u8]> {
        let start = usize::try_from(offset.checked_sub(self.buffer_at)?).ok()?;
        let end = start.checked_add(usize::try_from(len).ok()?)?;
        self.buffer.get(start..end)
    }

    /// A read of at least `need` bytes at `offset`.
    fn read(&self, offset: u64, need: u64, ahead: u64) -> Read {
        Read {
            offset,
            len: need.max(ahead).min(self.total - offset),
        }
    }

    /// Walks one header if its bytes are at hand; otherwise asks for them.
    fn step(&mut self) -> Result<Option<Read>, TarError> {
        let at = self.at;
        // An archive may end without its end blocks; tar itself accepts that.
        if at >= self.total {
            self.over = true;
            return Ok(None);
        }
        let cut = |what: String| TarError::CutShort {
            offset: at,
            what,
            total: self.total,
        };
        if self.total - at < BLOCK {
            return Err(cut("a header".into()));
        }
        let Some(block) = self.bytes(at, BLOCK) else {
            return Ok(Some(self.read(at, BLOCK, self.ahead)));
        };
        let block: &[u8; BLOCK as usize] = block.try_into().map_err(|_| cut("a header".into()))?;
        let header = match header::parse(block, at) {
            Ok(Block::End) => {
                self.over = true;
                return Ok(None);
            }
            Ok(Block::Header(header)) => header,
            Err(TarError::BadChecksum { offset: 0 }) if block.starts_with(&[0x1f, 0x8b]) => {
                return Err(TarError::Compressed)
            }
            Err(e) => return Err(e),
        };
        let extended = matches!(header.kind, b'L' | b'K' | b'x' | b'g');
        let size = if extended {
            header.size
        } else {
            self.next_size.unwrap_or(header.size)
        };
        let data_at = at + BLOCK;
        let data_len = if header.has_data() { size } else { 0 };
        let what = || {
            if extended {
                "an extended header".to_string()
            } else {
                self.next_name
                    .clone()
                    .unwrap_or_else(|| header.name.clone())
            }
        };
        if data_len > self.total - data_at {
            return Err(cut(what()));
        }
        // Cannot overflow: data_len is within the file.
        let next = data_at + data_len.div_ceil(BLOCK) * BLOCK;
        match header.kind {
            b'L' | b'x' => {
                if size > MAX_META {
                    return Err(TarError::TooLong { offset: at, size });
                }
                let Some(data) = self.bytes(data_at, size) else {
                    // The next header usually follows: read it with the name.
                    return Ok(Some(self.read(data_at, size, size + 2 * BLOCK)));
                };
                if header.kind == b'L' {
                    self.next_name = Some(header::text(data));
                } else {
                    let overrides = pax::parse(data, at)?;
                    if overrides.path.is_some() {
                        self.next_name = overrides.path;
                    }
                    if overrides.size.is_some() {
                        self.next_size = overrides.size;
                    }
                }
            }
            // A long link target names no member; a global pax header's `path` would name
            // every later member the same, so no reader takes it as a name.
            b'K' | b'g' => {}
            _ => {
                let is_file = header.is_file();
                let name = self.next_name.take().unwrap_or(header.name);
                self.next_size = None;
                self.entries += 1;
                if is_file {
                    if let Some(image) = image_of(&name) {
                        self.members.insert(image, (data_at, size));
                    }
                }
                self.ahead = if next - at <= SMALL_MEMBER {
                    (self.ahead * 2).clamp(READ_AHEAD, MAX_AHEAD)
                } else {
                    BLOCK
                };
            }
        }
        self.at = next;
        Ok(None)
    }
}
