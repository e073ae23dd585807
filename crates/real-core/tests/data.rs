//! The embedded data against the published real.json and the facts the paper's data must give.

use crate::util::{dataset, shared_real_json};
use real_core::{ClassIndex, Dataset, Ilsvrc2012Id, ImageId};

#[test]
fn real_sets_equal_published_real_json() {
    let text = std::fs::read_to_string(shared_real_json()).expect("the published real.json");
    let published: Vec<Vec<u16>> = serde_json::from_str(&text).unwrap();
    let data = dataset();
    assert_eq!(published.len(), 50_000);
    for (i, set) in published.iter().enumerate() {
        let ours: Vec<u16> = data
            .real_labels(ImageId::from_position(i))
            .iter()
            .map(|c| c.0)
            .collect();
        assert_eq!(&ours, set, "image {}", i + 1);
    }
}

#[test]
fn facts_match_the_paper() {
    let f = dataset().facts();
    assert_eq!(f.images, 50_000);
    assert_eq!(f.excluded, 3_163);
    assert_eq!(f.scored, 46_837);
    assert_eq!(f.single_label, 39_394);
    assert_eq!(f.multi_label, 7_443);
    assert_eq!(
        f.images_by_label_count,
        vec![3_163, 39_394, 5_408, 1_319, 411, 161, 88, 41, 13, 2]
    );
    assert_eq!(f.real_labels, 57_553);
    assert_eq!(f.original_in_real, 42_164);
    assert_eq!(f.original_not_in_real, 4_673);
    assert_eq!(f.real_equals_original, 35_716);
}

#[test]
fn predicting_the_original_label_scores_90_02_real() {
    let data = dataset();
    let scored = data
        .images()
        .filter(|i| !data.real_labels(*i).is_empty())
        .count();
    let hits = data
        .images()
        .filter(|i| data.real_labels(*i).contains(&data.original_label(*i)))
        .count();
    assert_eq!(
        format!("{:.2}", 100.0 * hits as f64 / scored as f64),
        "90.02"
    );
}

#[test]
fn original_labels_and_class_tables() {
    let data = dataset();
    let wnid = |i: u32| data.class(data.original_label(ImageId(i))).wnid.clone();
    assert_eq!(
        [wnid(1), wnid(2), wnid(3)],
        ["n01751748", "n09193705", "n02105855"]
    );
    assert_eq!(data.classes()[0].wnid, "n01440764");
    assert_eq!(data.classes()[0].name, "tench");
    assert_eq!(data.classes()[0].lemmas, "tench, Tinca tinca");
    // The devkit's IDs are not sorted-wnid order.
    assert_eq!(
        data.class_of_ilsvrc2012_id(Ilsvrc2012Id(1)),
        Some(ClassIndex(278))
    );
    assert_eq!(
        data.class_of_ilsvrc2012_id(Ilsvrc2012Id(490)),
        Some(ClassIndex(65))
    );
    assert_eq!(
        data.class_of_ilsvrc2012_id(Ilsvrc2012Id(1000)),
        Some(ClassIndex(543))
    );
    assert_eq!(data.class_of_ilsvrc2012_id(Ilsvrc2012Id(0)), None);
    assert_eq!(data.class_of_ilsvrc2012_id(Ilsvrc2012Id(1001)), None);
}

#[test]
fn display_names_are_unique_and_disambiguate_crane_and_maillot() {
    let data = dataset();
    let mut names: Vec<String> = data
        .classes()
        .iter()
        .map(|c| c.name.to_lowercase())
        .collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 1000);
    assert_eq!(data.classes()[134].name, "crane (bird)");
    assert_eq!(data.classes()[517].name, "crane (machine)");
    assert_ne!(data.classes()[638].name, data.classes()[639].name);
}

#[test]
fn imagefolder_order_sorts_by_wnid_then_file() {
    let data = dataset();
    let order = data.imagefolder_order();
    assert_eq!(order.len(), 50_000);
    assert!(order
        .windows(2)
        .all(|w| (data.original_label(w[0]), w[0]) < (data.original_label(w[1]), w[1])));
    // The tench folder's first file.
    assert_eq!(order[0], ImageId(293));
}

#[test]
fn decoding_rejects_damage() {
    // Decoding time is measured by `make bench`, not asserted here.
    let decoded = Dataset::decode(real_core::dataset::EMBEDDED).unwrap();
    assert_eq!(decoded.image_count(), 50_000);
    let bytes = real_core::dataset::EMBEDDED;
    assert!(Dataset::decode(&bytes[..bytes.len() - 1]).is_err());
    assert!(Dataset::decode(&bytes[1..]).is_err());
    let mut extra = bytes.to_vec();
    extra.push(0);
    assert!(Dataset::decode(&extra).is_err());
}

#[test]
fn image_names_are_found_in_paths() {
    assert_eq!(
        ImageId::from_file_name("ILSVRC2012_val_00000001.JPEG"),
        Some(ImageId(1))
    );
    assert_eq!(
        ImageId::from_file_name("val.zip@/ILSVRC2012_val_00050000.JPEG"),
        Some(ImageId(50_000))
    );
    assert_eq!(
        ImageId::from_file_name("n01440764/ILSVRC2012_val_00000293.jpg"),
        Some(ImageId(293))
    );
    assert_eq!(
        ImageId::from_file_name("ILSVRC2012_val_00050001.JPEG"),
        None
    );
    assert_eq!(
        ImageId::from_file_name("ILSVRC2012_val_00000000.JPEG"),
        None
    );
    assert_eq!(ImageId::from_file_name("ILSVRC2012_val_123.JPEG"), None);
    assert_eq!(ImageId(7).file_name(), "ILSVRC2012_val_00000007.JPEG");
}

fn hex(digest: [u8; 32]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn sha256_matches_the_standard_vectors() {
    use real_core::dataset::sha256::sha256;
    assert_eq!(
        hex(sha256(b"")),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        hex(sha256(b"abc")),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    // 56 bytes: the length no longer fits the first padding block.
    assert_eq!(
        hex(sha256(
            b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        )),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    );
    assert_eq!(
        hex(sha256(&vec![b'a'; 1_000_000])),
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
    );
}

#[test]
fn the_recorded_digest_is_the_data_files() {
    use real_core::dataset::asset;
    let bytes = real_core::dataset::EMBEDDED;
    assert_eq!(asset::SIZE_BYTES, bytes.len());
    assert_eq!(asset::SHA256, real_core::dataset::sha256::sha256(bytes));
    // The digest assets/PROVENANCE.md gives for a rebuild from the pinned wheels.
    assert_eq!(
        hex(asset::SHA256),
        "a12379447ad8454b34a2d2612d268f73f7687a81fc7523b31d1a7d0d59846983"
    );
}

#[test]
fn a_fetched_data_file_is_checked_before_it_is_decoded() {
    use real_core::dataset::AssetError;
    let bytes = real_core::dataset::EMBEDDED;
    assert_eq!(
        Dataset::decode_checked(bytes).unwrap().image_count(),
        50_000
    );
    // One changed label decodes fine, so only the digest can tell a stale file apart.
    let mut stale = bytes.to_vec();
    let last = stale.len() - 1;
    stale[last] ^= 1;
    let error = Dataset::decode_checked(&stale).unwrap_err();
    assert!(matches!(error, AssetError::Mismatch { size_bytes, .. } if size_bytes == bytes.len()));
    assert!(error.to_string().contains("stale or damaged"), "{error}");
    assert!(matches!(
        Dataset::decode_checked(&bytes[..1000]),
        Err(AssetError::Mismatch {
            size_bytes: 1000,
            ..
        })
    ));
    assert!(Dataset::decode_checked(&[]).is_err());
}
