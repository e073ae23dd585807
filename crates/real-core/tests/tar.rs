//! The tar walk: archives written by GNU tar and Python's tarfile (fixtures/tar, see make.sh),
//! and archives built here block by block for what writers do not make on request.

use real_core::tar::{self, Member, Read, TarError, TarIndex, Walker};
use real_core::ImageId;

/// Indexes bytes, reading exactly what the walk asks for; also counts the reads.
fn index_counting(bytes: &[u8]) -> (Result<TarIndex, TarError>, usize) {
    let mut reads = 0;
    let result = tar::index(
        bytes.len() as u64,
        |offset, len| {
            reads += 1;
            let start = usize::try_from(offset).map_err(|e| e.to_string())?;
            let end = start.saturating_add(usize::try_from(len).map_err(|e| e.to_string())?);
            Ok(bytes[start..end.min(bytes.len())].to_vec())
        },
        |_| {},
    );
    (result, reads)
}

fn index(bytes: &[u8]) -> Result<TarIndex, TarError> {
    index_counting(bytes).0
}

fn member(image: u32, offset: u64, size: u64) -> Member {
    Member {
        image: ImageId(image),
        offset,
        size,
    }
}

#[test]
fn archives_written_by_gnu_tar_and_python_are_indexed_as_python_reads_them() {
    // Offsets and sizes as Python's tarfile reports them (offset_data, size); the .xml
    // annotation and the folders are not images.
    for (file, offsets) in [
        ("gnu.tar", [512, 1536, 5120]),
        ("ustar.tar", [512, 1536, 4096]),
        ("pax.tar", [1536, 3584, 9216]),
        ("python-pax.tar", [1536, 2560, 6144]),
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/tar")
            .join(file);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let index = index(&bytes).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(
            index.members,
            vec![
                member(1, offsets[0], 7),
                member(2, offsets[1], 24),
                member(293, offsets[2], 9),
            ],
            "{file}"
        );
        assert_eq!(
            index.entries,
            6 - u64::from(file == "python-pax.tar"),
            "{file}"
        );
        let data = |m: &Member| &bytes[m.offset as usize..(m.offset + m.size) as usize];
        assert_eq!(data(&index.members[2]), b"image 293", "{file}");
    }
}

/// An archive built block by block.
#[derive(Default)]
struct Builder {
    bytes: Vec<u8>,
}

impl Builder {
    /// A header; `magic` is POSIX ustar's or GNU's.
    fn header(&mut self, name: &str, kind: u8, size: u64, gnu: bool) -> &mut Self {
        let mut block = [0u8; 512];
        block[..name.len().min(100)].copy_from_slice(&name.as_bytes()[..name.len().min(100)]);
        block[100..108].copy_from_slice(b"0000644\0");
        let size_field = format!("{size:011o}\0");
        if size_field.len() == 12 {
            block[124..136].copy_from_slice(size_field.as_bytes());
        } else {
            // GNU base-256.
            block[124] = 0x80;
            block[128..136].copy_from_slice(&size.to_be_bytes());
        }
        block[156] = kind;
        block[257..265].copy_from_slice(if gnu { b"ustar  \0" } else { b"ustar\x0000" });
        self.seal(block)
    }

    /// A header block as given, its checksum computed.
    fn seal(&mut self, mut block: [u8; 512]) -> &mut Self {
        block[148..156].copy_from_slice(b"        ");
        let sum: u32 = block.iter().map(|b| u32::from(*b)).sum();
        block[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        self.bytes.extend_from_slice(&block);
        self
    }

    /// Data, padded to whole blocks.
    fn data(&mut self, data: &[u8]) -> &mut Self {
        self.bytes.extend_from_slice(data);
        self.bytes.resize(self.bytes.len().div_ceil(512) * 512, 0);
        self
    }

    fn file(&mut self, name: &str, data: &[u8]) -> &mut Self {
        self.header(name, b'0', data.len() as u64, false).data(data)
    }

    fn end(&mut self) -> Vec<u8> {
        self.bytes.extend_from_slice(&[0; 1024]);
        self.bytes.clone()
    }
}

fn pax_record(key: &str, value: &str) -> String {
    let body = format!(" {key}={value}\n");
    // The length counts its own digits.
    let mut length = body.len() + 1;
    while format!("{length}{body}").len() != length {
        length += 1;
    }
    format!("{length}{body}")
}

#[test]
fn flat_archives_with_many_members_are_read_in_few_reads() {
    let mut builder = Builder::default();
    for image in 1..=2_000u32 {
        builder.file(&ImageId(image).file_name(), &[0xff; 300]);
    }
    let bytes = builder.end();
    let (index, reads) = index_counting(&bytes);
    let index = index.expect("a flat archive");
    assert_eq!(index.members.len(), 2_000);
    assert_eq!(index.members[1], member(2, 1024 + 512, 300));
    // 2,000 members of 1 KB (2 MB): the reads grow to 4 MB.
    assert!(reads <= 8, "{reads} reads");
}

#[test]
fn large_members_cost_one_header_read_each() {
    // Sizes that are not read: the walk jumps over them (a sparse layout would do as well).
    let mut builder = Builder::default();
    for image in 1..=50u32 {
        builder
            .header(&ImageId(image).file_name(), b'0', 100_000, false)
            .data(&vec![0; 100_000]);
    }
    let bytes = builder.end();
    let mut asked = Vec::new();
    let result = tar::index(
        bytes.len() as u64,
        |offset, len| {
            asked.push(Read { offset, len });
            Ok(bytes[offset as usize..(offset + len) as usize].to_vec())
        },
        |_| {},
    );
    assert_eq!(result.expect("the archive").members.len(), 50);
    assert!(asked.len() <= 52, "{} reads", asked.len());
    // After the first (read ahead), one 512-byte header at a time.
    assert!(asked[2..].iter().all(|r| r.len == 512), "{asked:?}");
}

#[test]
fn subfolders_long_names_pax_paths_and_base_256_sizes_are_read() {
    let long = format!("val/{}/ILSVRC2012_val_00000007.JPEG", "x".repeat(120));
    let mut records = pax_record("mtime", "1350244992.023960108");
    records += &pax_record("path", "n01443537/ILSVRC2012_val_00000009.JPEG");
    let mut builder = Builder::default();
    builder
        .file("n01440764/ILSVRC2012_val_00000005.JPEG", b"five")
        .header("././@LongLink", b'L', long.len() as u64 + 1, true)
        .data(format!("{long}\0").as_bytes())
        .file("truncated-name-ignored", b"seven")
        .header("PaxHeaders/x", b'x', records.len() as u64, false)
        .data(records.as_bytes())
        .file("short-name-ignored", b"nine")
        .header("g", b'g', 20, false)
        .data(b"20 path=everything\n\0")
        .header("ILSVRC2012_val_00000011.JPEG", b'0', 1 << 33, true);
    // A base-256 size: 8 GiB, more than octal's 11 digits hold. Its data is cut here, so a
    // walk that read the size wrongly would not stop where this one does.
    let bytes = builder.bytes.clone();
    match index(&bytes) {
        Err(TarError::CutShort { what, offset, .. }) => {
            assert_eq!(what, "ILSVRC2012_val_00000011.JPEG");
            assert_eq!(offset, bytes.len() as u64 - 512);
        }
        other => panic!("{other:?}"),
    }
    let bytes = {
        let mut b = Builder { bytes };
        b.bytes.truncate(b.bytes.len() - 512);
        b.end()
    };
    let index = index(&bytes).expect("the archive");
    let images: Vec<u32> = index.members.iter().map(|m| m.image.0).collect();
    assert_eq!(images, [5, 7, 9]);
    let nine = index.members[2];
    assert_eq!(
        &bytes[nine.offset as usize..][..nine.size as usize],
        b"nine"
    );
}

#[test]
fn a_pax_size_overrides_the_header_and_non_images_are_skipped() {
    let records = pax_record("size", "3");
    let mut builder = Builder::default();
    builder
        .header("x", b'x', records.len() as u64, false)
        .data(records.as_bytes())
        .header("ILSVRC2012_val_00000003.JPEG", b'0', 0, false)
        .data(b"abc")
        .file("ILSVRC2012_val_00000004.xml", b"<a/>")
        .file("._ILSVRC2012_val_00000004.JPEG", b"fork")
        .header("ILSVRC2012_val_00000004.JPEG", b'2', 0, false)
        .header("ILSVRC2012_val_00000005.JPEG", b'5', 0, false)
        .file("ILSVRC2012_val_00000004.JPEG", b"four")
        .file("ILSVRC2012_val_00050001.JPEG", b"out of range");
    let bytes = builder.end();
    let index = index(&bytes).expect("the archive");
    assert_eq!(index.members, vec![member(3, 1536, 3), member(4, 5632, 4)]);
    assert_eq!(index.entries, 7);
}

#[test]
fn damaged_archives_say_what_broke_and_where() {
    let mut builder = Builder::default();
    builder
        .file("ILSVRC2012_val_00000001.JPEG", &[1; 700])
        .file("ILSVRC2012_val_00000002.JPEG", &[2; 100]);
    let good = builder.end();

    // Cut inside the second member's data.
    let cut = &good[..1536 + 512 + 50];
    let error = index(cut).expect_err("cut short");
    assert_eq!(
        error.to_string(),
        "the tar is cut short: ILSVRC2012_val_00000002.JPEG at byte 1536 goes past the end of the file (2098 bytes); the download or copy may be incomplete"
    );
    // Cut inside a header.
    let error = index(&good[..1536 + 100]).expect_err("cut short");
    assert!(
        error.to_string().contains("a header at byte 1536"),
        "{error}"
    );

    // A changed byte in the second header.
    let mut damaged = good.clone();
    damaged[1536 + 10] ^= 1;
    assert_eq!(index(&damaged), Err(TarError::BadChecksum { offset: 1536 }));
    assert!(index(&damaged)
        .expect_err("bad")
        .to_string()
        .contains("byte 1536 fails its checksum"));

    // A size that is not a number.
    let mut block = [0u8; 512];
    block[..4].copy_from_slice(b"name");
    block[124..136].copy_from_slice(b"12x4\0\0\0\0\0\0\0\0");
    let mut b = Builder::default();
    b.seal(block);
    assert_eq!(
        index(&b.end()),
        Err(TarError::BadField {
            offset: 0,
            field: "size"
        })
    );

    // A negative base-256 size.
    block[124..136].copy_from_slice(&[0xff; 12]);
    let mut b = Builder::default();
    b.seal(block);
    assert!(matches!(index(&b.end()), Err(TarError::BadField { .. })));

    // A long name of a gigabyte.
    let mut b = Builder::default();
    b.header("././@LongLink", b'L', 1 << 30, true);
    b.bytes.resize((1 << 30) / 512, 0);
    assert!(matches!(index(&b.bytes), Err(TarError::CutShort { .. })));
    let mut b = Builder::default();
    b.header("././@LongLink", b'L', 2 << 20, true)
        .data(&vec![b'a'; 2 << 20]);
    assert_eq!(
        index(&b.end()),
        Err(TarError::TooLong {
            offset: 0,
            size: 2 << 20
        })
    );
}

#[test]
fn files_that_are_not_tars_are_named_so() {
    assert_eq!(index(b""), Err(TarError::Empty));
    let text = b"ILSVRC2012_val_00000001.JPEG 65\n".repeat(40);
    let error = index(&text).expect_err("not a tar");
    assert!(
        error.to_string().starts_with("this is not a tar archive"),
        "{error}"
    );
    let mut gzip = vec![0x1f, 0x8b, 8, 0];
    gzip.resize(2048, 7);
    assert_eq!(index(&gzip), Err(TarError::Compressed));
    let short = index(b"tiny").expect_err("too short");
    assert!(short.to_string().contains("a header at byte 0"), "{short}");
    // Only end blocks, or only other files.
    assert_eq!(index(&[0; 10240]), Err(TarError::NoImages { entries: 0 }));
    let mut b = Builder::default();
    b.file("README", b"hello");
    let error = index(&b.end()).expect_err("no images");
    assert_eq!(
        error.to_string(),
        "no ILSVRC2012_val_…JPEG file was found among the tar's 1 members; expected ILSVRC2012_img_val.tar"
    );
}

#[test]
fn an_archive_may_end_without_end_blocks_and_a_short_read_is_an_error() {
    let mut b = Builder::default();
    b.file("ILSVRC2012_val_00000001.JPEG", b"one");
    let bytes = b.bytes.clone();
    assert_eq!(
        index(&bytes).map(|i| i.members),
        Ok(vec![member(1, 512, 3)])
    );
    // A reader that gives fewer bytes than asked (the file changed under it).
    let mut walker = Walker::new(bytes.len() as u64);
    let want = walker.walk().expect("a read").expect("asks");
    walker.give(want.offset, bytes[..100].to_vec());
    assert!(matches!(walker.walk(), Err(TarError::Read(_))));
}

#[test]
fn image_names_are_recognised_only_on_image_files() {
    assert_eq!(
        tar::image_of("./ILSVRC2012_val_00000001.JPEG"),
        Some(ImageId(1))
    );
    assert_eq!(
        tar::image_of("val/n01440764/ILSVRC2012_val_00000293.jpg"),
        Some(ImageId(293))
    );
    for name in [
        "ILSVRC2012_val_00000001.xml",
        "._ILSVRC2012_val_00000001.JPEG",
        "ILSVRC2012_val_00000001",
        "ILSVRC2012_val_0000001.JPEG",
        "ILSVRC2012_val_00000000.JPEG",
        "ILSVRC2012_val_00000001.JPEG/",
        "x_ILSVRC2012_val_00000001.JPEG",
    ] {
        assert_eq!(tar::image_of(name), None, "{name}");
    }
}
