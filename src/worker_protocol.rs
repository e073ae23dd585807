//! Messages between the page and its evaluation worker: plain JS objects with a `kind`. The
//! file travels as a `File` (the browser hands it over without copying); predictions come back
//! as typed arrays whose buffers are transferred, with the header's few fields beside them.
//! Numbers travel as numbers, never as JSON text: structured cloning keeps NaN and the
//! infinities (and typed arrays keep every bit of a score), where JSON would write `null`.

use crate::images::TarMembers;
use js_sys::{
    Array, Float32Array, Float64Array, Object, Reflect, Uint16Array, Uint32Array, Uint8Array,
};
use real_core::detect::Candidate;
use real_core::evidence::EvidenceFile;
use real_core::parts::{Header, Parts};
use real_core::tar::TarIndex;
use real_core::{Detection, ImageId, LoadOptions, Predictions};
use wasm_bindgen::{JsCast, JsValue};

/// What a message is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Worker → page: its wasm runs and listens; nothing sent before this is seen.
    Ready,
    /// Worker → page: its wasm could not start (`message`); the page treats the worker as
    /// broken.
    Unavailable,
    /// Page → worker: the ImageNet data file (`bytes`).
    Data,
    /// Page → worker: a file to read (`id`, `file`, `order`, `convention`; `evidence` for a
    /// rater file, `tar` for a tar to index).
    Job,
    /// Worker → page: work under way (`id`, `stage`, `fraction`; `images` found in a tar).
    Progress,
    /// Worker → page: validated predictions (`id`, the header's `format`, `order`,
    /// `convention`, `k`, `rows_in_file` and `warnings`, the detection's `readings`,
    /// `agreements`, `clear` and `overridden` when there is one, then `images`, `classes`,
    /// `scores`, `elapsed_ms`; see [`evidence_done`] and [`tar_done`] for the others).
    Done,
    /// Worker → page: the file could not be read (`id`, `message`; `fatal` after a panic,
    /// when the worker is no longer to be trusted).
    Failed,
}

impl Kind {
    const ALL: [Kind; 7] = [
        Kind::Ready,
        Kind::Unavailable,
        Kind::Data,
        Kind::Job,
        Kind::Progress,
        Kind::Done,
        Kind::Failed,
    ];

    /// The name in the message's `kind` field.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Ready => "ready",
            Kind::Unavailable => "unavailable",
            Kind::Data => "data",
            Kind::Job => "job",
            Kind::Progress => "progress",
            Kind::Done => "done",
            Kind::Failed => "failed",
        }
    }
}

/// A new message of a kind; add fields with [`set`].
pub fn message(kind: Kind) -> Object {
    let message = Object::new();
    set(&message, "kind", &JsValue::from_str(kind.as_str()));
    message
}

/// Sets a field of a message.
pub fn set(message: &Object, key: &str, value: &JsValue) {
    // Setting a property on a plain object cannot fail.
    let _ = Reflect::set(message, &JsValue::from_str(key), value);
}

fn get(message: &JsValue, key: &str) -> JsValue {
    Reflect::get(message, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// The kind of a message, if it is one of ours.
pub fn kind_of(message: &JsValue) -> Option<Kind> {
    let name = get(message, "kind").as_string()?;
    Kind::ALL.into_iter().find(|k| k.as_str() == name)
}

/// The load a message is about.
pub fn id_of(message: &JsValue) -> Option<u32> {
    get(message, "id")
        .as_f64()
        .filter(|id| id.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(id))
        .map(|id| id as u32)
}

/// A string field.
pub fn text(message: &JsValue, key: &str) -> Option<String> {
    get(message, key).as_string()
}

/// A number field.
pub fn number(message: &JsValue, key: &str) -> Option<f64> {
    get(message, key).as_f64()
}

/// The data file for a worker (structured cloning copies it; the page keeps its own).
pub fn data(bytes: &Uint8Array) -> Object {
    let message = message(Kind::Data);
    set(&message, "bytes", bytes);
    message
}

/// The data file's bytes of a [`Kind::Data`] message.
pub fn data_bytes(message: &JsValue) -> Option<Vec<u8>> {
    get(message, "bytes")
        .dyn_into::<Uint8Array>()
        .ok()
        .map(|b| b.to_vec())
}

/// A file to read, with the reading imposed on it; `evidence` marks a rater file
/// (scores.npz or raters.npz) rather than predictions.
pub fn job(id: u32, file: &web_sys::Blob, options: LoadOptions, evidence: bool) -> Object {
    let message = message(Kind::Job);
    set(&message, "id", &JsValue::from(id));
    set(&message, "file", file);
    if evidence {
        set(&message, "evidence", &JsValue::TRUE);
    }
    if let Some(order) = options.order {
        set(&message, "order", &JsValue::from_str(order.as_str()));
    }
    if let Some(convention) = options.convention {
        set(
            &message,
            "convention",
            &JsValue::from_str(convention.as_str()),
        );
    }
    message
}

/// A tar to index: its headers are walked and each validation image's byte range comes back.
pub fn tar_job(id: u32, file: &web_sys::Blob) -> Object {
    let message = message(Kind::Job);
    set(&message, "id", &JsValue::from(id));
    set(&message, "file", file);
    set(&message, "tar", &JsValue::TRUE);
    message
}

/// Whether a [`Kind::Job`] message is a tar to index.
pub fn is_tar(message: &JsValue) -> bool {
    get(message, "tar").is_truthy()
}

/// Progress of a tar's indexing: the fraction of the file walked and the images found.
pub fn tar_progress(id: u32, fraction: f64, images: usize) -> Object {
    let message = progress(id, "indexing", Some(fraction));
    set(&message, "images", &JsValue::from(images as u32));
    message
}

/// The images found so far of a [`tar_progress`] message.
pub fn images_found(message: &JsValue) -> Option<f64> {
    number(message, "images")
}

/// A tar's index as a [`Kind::Done`] message with `tar` set: three typed arrays (image
/// numbers, data offsets, sizes) rather than an object per image, and their buffers to
/// transfer.
pub fn tar_done(id: u32, index: &TarIndex, elapsed_ms: f64) -> (Object, Array) {
    let message = message(Kind::Done);
    let transfer = Array::new();
    set(&message, "id", &JsValue::from(id));
    set(&message, "tar", &JsValue::TRUE);
    set(&message, "elapsed_ms", &JsValue::from_f64(elapsed_ms));
    set(
        &message,
        "entries",
        &JsValue::from_f64(index.entries as f64),
    );
    let images: Vec<u32> = index.members.iter().map(|m| m.image.0).collect();
    // Offsets travel as f64, exact below 2^53 bytes (8 PB).
    let offsets: Vec<f64> = index.members.iter().map(|m| m.offset as f64).collect();
    let sizes: Vec<f64> = index.members.iter().map(|m| m.size as f64).collect();
    let images = Uint32Array::from(images.as_slice());
    let offsets = Float64Array::from(offsets.as_slice());
    let sizes = Float64Array::from(sizes.as_slice());
    for (key, array) in [
        ("images", images.as_ref()),
        ("offsets", offsets.as_ref()),
        ("sizes", sizes.as_ref()),
    ] {
        set(&message, key, array);
    }
    transfer.push(&images.buffer());
    transfer.push(&offsets.buffer());
    transfer.push(&sizes.buffer());
    (message, transfer)
}

/// The byte range of each image in a [`tar_done`] message, checked, and the members walked.
pub fn tar_parts(message: &JsValue) -> Result<(TarMembers, f64), String> {
    let broken = |what: &str| format!("the worker's answer is damaged ({what})");
    let images = get(message, "images")
        .dyn_into::<Uint32Array>()
        .map_err(|_| broken("images"))?
        .to_vec();
    let offsets = get(message, "offsets")
        .dyn_into::<Float64Array>()
        .map_err(|_| broken("offsets"))?
        .to_vec();
    let sizes = get(message, "sizes")
        .dyn_into::<Float64Array>()
        .map_err(|_| broken("sizes"))?
        .to_vec();
    if images.len() != offsets.len() || images.len() != sizes.len() {
        return Err(broken("lengths"));
    }
    let members = images
        .into_iter()
        .zip(offsets.into_iter().zip(sizes))
        .map(|(image, (offset, size))| {
            let image = ImageId::new(u64::from(image)).ok_or_else(|| broken("image"))?;
            Ok((image, (offset, size)))
        })
        .collect::<Result<_, String>>()?;
    Ok((members, number(message, "entries").unwrap_or_default()))
}

/// Whether a [`Kind::Job`] message is a rater file.
pub fn is_evidence(message: &JsValue) -> bool {
    get(message, "evidence").is_truthy()
}

/// The file and reading of a [`Kind::Job`] message.
pub fn job_parts(message: &JsValue) -> Option<(u32, web_sys::Blob, LoadOptions)> {
    let id = id_of(message)?;
    let file = get(message, "file").dyn_into::<web_sys::Blob>().ok()?;
    let options = LoadOptions {
        order: text(message, "order").and_then(|o| o.parse().ok()),
        convention: text(message, "convention").and_then(|c| c.parse().ok()),
    };
    Some((id, file, options))
}

/// Progress of a load.
pub fn progress(id: u32, stage: &str, fraction: Option<f64>) -> Object {
    let message = message(Kind::Progress);
    set(&message, "id", &JsValue::from(id));
    set(&message, "stage", &JsValue::from_str(stage));
    if let Some(fraction) = fraction {
        set(&message, "fraction", &JsValue::from_f64(fraction));
    }
    message
}

/// A failed load, with its one-sentence reason.
pub fn failed(id: u32, reason: &str) -> Object {
    let message = message(Kind::Failed);
    set(&message, "id", &JsValue::from(id));
    set(&message, "message", &JsValue::from_str(reason));
    message
}

/// A load a panic stopped: the page replaces the worker.
pub fn fatal(id: u32, reason: &str) -> Object {
    let message = failed(id, reason);
    set(&message, "fatal", &JsValue::TRUE);
    message
}

/// Whether a [`Kind::Failed`] message says the worker is no longer to be trusted.
pub fn is_fatal(message: &JsValue) -> bool {
    get(message, "fatal").is_truthy()
}

/// A detection as it travels: each reading's row order and class convention by name, each
/// reading's agreement, and its two flags.
#[derive(Clone, Debug, PartialEq)]
pub struct DetectionWire {
    /// Row order then class convention, for each reading.
    pub readings: Vec<String>,
    /// Each reading's agreement.
    pub agreements: Vec<f64>,
    /// [`Detection::clear`].
    pub clear: bool,
    /// [`Detection::overridden`].
    pub overridden: bool,
}

impl DetectionWire {
    /// Takes a detection apart.
    pub fn of(detection: &Detection) -> Self {
        let candidates = &detection.candidates;
        Self {
            readings: candidates
                .iter()
                .flat_map(|c| [c.order.as_str().into(), c.convention.as_str().into()])
                .collect(),
            agreements: candidates.iter().map(|c| c.agreement).collect(),
            clear: detection.clear,
            overridden: detection.overridden,
        }
    }

    /// Puts it back together; `None` if the parts do not fit.
    pub fn detection(&self) -> Option<Detection> {
        if self.readings.len() != 2 * self.agreements.len() {
            return None;
        }
        let candidates = self
            .readings
            .chunks_exact(2)
            .zip(&self.agreements)
            .map(|(names, &agreement)| {
                Some(Candidate {
                    order: names[0].parse().ok()?,
                    convention: names[1].parse().ok()?,
                    agreement,
                })
            })
            .collect::<Option<_>>()?;
        Some(Detection {
            candidates,
            clear: self.clear,
            overridden: self.overridden,
        })
    }
}

/// Validated predictions as a message and the buffers to transfer with it (moved, not copied).
pub fn done(id: u32, predictions: Predictions, elapsed_ms: f64) -> (Object, Array) {
    let parts = predictions.into_parts();
    let message = message(Kind::Done);
    let transfer = Array::new();
    set(&message, "id", &JsValue::from(id));
    set(&message, "elapsed_ms", &JsValue::from_f64(elapsed_ms));
    let header = parts.header;
    set(&message, "format", &JsValue::from_str(&header.format));
    set(&message, "order", &JsValue::from_str(header.order.as_str()));
    let convention = header.convention.as_str();
    set(&message, "convention", &JsValue::from_str(convention));
    if let Some(detection) = &header.detection {
        let wire = DetectionWire::of(detection);
        let readings: Array = wire.readings.iter().map(|r| JsValue::from_str(r)).collect();
        set(&message, "readings", &readings);
        let agreements = Float64Array::from(wire.agreements.as_slice());
        set(&message, "agreements", &agreements);
        set(&message, "clear", &JsValue::from_bool(wire.clear));
        set(&message, "overridden", &JsValue::from_bool(wire.overridden));
    }
    set(&message, "k", &JsValue::from_f64(header.k as f64));
    let rows_in_file = header.rows_in_file as f64;
    set(&message, "rows_in_file", &JsValue::from_f64(rows_in_file));
    let warnings: Array = header
        .warnings
        .iter()
        .map(|w| JsValue::from_str(w))
        .collect();
    set(&message, "warnings", &warnings);
    let images = Uint32Array::from(parts.images.as_slice());
    transfer.push(&images.buffer());
    set(&message, "images", &images);
    let classes = Uint16Array::from(parts.classes.as_slice());
    transfer.push(&classes.buffer());
    set(&message, "classes", &classes);
    if let Some(scores) = parts.scores {
        let scores = Float32Array::from(scores.as_slice());
        transfer.push(&scores.buffer());
        set(&message, "scores", &scores);
    }
    (message, transfer)
}

/// The predictions of a [`Kind::Done`] message, checked, and the worker's time in ms.
pub fn done_parts(message: &JsValue) -> Result<(Predictions, f64), String> {
    let broken = |what: &str| format!("the worker's answer is damaged ({what})");
    let count = |key: &str| {
        number(message, key)
            .filter(|n| n.fract() == 0.0 && *n >= 0.0 && *n <= 2f64.powi(53))
            .map(|n| n as usize)
            .ok_or_else(|| broken(key))
    };
    let readings = get(message, "readings");
    let detection = if readings.is_undefined() {
        None
    } else {
        let wire = DetectionWire {
            readings: readings
                .dyn_into::<Array>()
                .map_err(|_| broken("detection"))?
                .iter()
                .map(|r| r.as_string().ok_or_else(|| broken("detection")))
                .collect::<Result<_, _>>()?,
            agreements: get(message, "agreements")
                .dyn_into::<Float64Array>()
                .map_err(|_| broken("detection"))?
                .to_vec(),
            clear: get(message, "clear").is_truthy(),
            overridden: get(message, "overridden").is_truthy(),
        };
        Some(wire.detection().ok_or_else(|| broken("detection"))?)
    };
    let warnings = get(message, "warnings")
        .dyn_into::<Array>()
        .map_err(|_| broken("warnings"))?
        .iter()
        .map(|w| w.as_string().ok_or_else(|| broken("warnings")))
        .collect::<Result<_, _>>()?;
    let header = Header {
        format: text(message, "format").ok_or_else(|| broken("format"))?,
        order: text(message, "order")
            .and_then(|o| o.parse().ok())
            .ok_or_else(|| broken("order"))?,
        convention: text(message, "convention")
            .and_then(|c| c.parse().ok())
            .ok_or_else(|| broken("convention"))?,
        detection,
        k: count("k")?,
        rows_in_file: count("rows_in_file")?,
        warnings,
    };
    let images = get(message, "images")
        .dyn_into::<Uint32Array>()
        .map_err(|_| broken("images"))?
        .to_vec();
    let classes = get(message, "classes")
        .dyn_into::<Uint16Array>()
        .map_err(|_| broken("classes"))?
        .to_vec();
    let scores = get(message, "scores");
    let scores = if scores.is_undefined() {
        None
    } else {
        Some(
            scores
                .dyn_into::<Float32Array>()
                .map_err(|_| broken("scores"))?
                .to_vec(),
        )
    };
    let predictions = Predictions::from_parts(Parts {
        header,
        images,
        classes,
        scores,
    })
    .map_err(|e| e.to_string())?;
    Ok((
        predictions,
        number(message, "elapsed_ms").unwrap_or_default(),
    ))
}

/// A read rater file as a [`Kind::Done`] message with `evidence` set, and its buffers.
pub fn evidence_done(
    id: u32,
    file: &EvidenceFile,
    published: bool,
    elapsed_ms: f64,
    memory_grew: f64,
) -> (Object, Array) {
    let message = message(Kind::Done);
    let transfer = Array::new();
    set(&message, "id", &JsValue::from(id));
    set(&message, "evidence", &JsValue::TRUE);
    set(&message, "published", &JsValue::from_bool(published));
    set(&message, "elapsed_ms", &JsValue::from_f64(elapsed_ms));
    set(&message, "memory_grew", &JsValue::from_f64(memory_grew));
    let questions = Uint32Array::from(file.packed_questions().as_slice());
    transfer.push(&questions.buffer());
    set(&message, "questions", &questions);
    match file {
        EvidenceFile::Scores { scores, .. } => {
            let scores = Float64Array::from(scores.as_slice());
            transfer.push(&scores.buffer());
            set(&message, "scores", &scores);
        }
        EvidenceFile::Raters { votes, raters, .. } => {
            let flat: Vec<u8> = votes.iter().flatten().copied().collect();
            let votes = Uint8Array::from(flat.as_slice());
            transfer.push(&votes.buffer());
            set(&message, "votes", &votes);
            set(&message, "raters", &JsValue::from(*raters as u32));
        }
    }
    (message, transfer)
}

/// The rater file of an [`evidence_done`] message, whether it is the published file, and how
/// much the worker's memory grew to read it (bytes).
pub fn evidence_parts(message: &JsValue) -> Result<(EvidenceFile, bool, f64), String> {
    let broken = |what: &str| format!("the worker's answer is damaged ({what})");
    let questions = get(message, "questions")
        .dyn_into::<Uint32Array>()
        .map_err(|_| broken("questions"))?
        .to_vec();
    let scores = get(message, "scores")
        .dyn_into::<Float64Array>()
        .ok()
        .map(|s| s.to_vec());
    let votes = get(message, "votes")
        .dyn_into::<Uint8Array>()
        .ok()
        .map(|v| v.to_vec());
    let raters = number(message, "raters").unwrap_or_default() as usize;
    let file = EvidenceFile::from_packed(&questions, scores, votes.as_deref(), raters)
        .map_err(|e| broken(&e))?;
    Ok((
        file,
        get(message, "published").is_truthy(),
        number(message, "memory_grew").unwrap_or_default(),
    ))
}

#[cfg(test)]
mod tests {
    use super::DetectionWire;
    use real_core::detect::Candidate;
    use real_core::parts::{Header, Parts};
    use real_core::{ClassConvention, Detection, Predictions, RowOrder};

    /// Every kind of f32 a file may hold, by bit pattern: NaN (quiet, signalling, negative,
    /// with a payload), the infinities, the zeros, subnormals and the extremes.
    fn awkward() -> Vec<f32> {
        [
            f32::NAN.to_bits(),
            0x7fa0_0001,
            0xffc0_0000,
            0x7fc1_2345,
            f32::INFINITY.to_bits(),
            f32::NEG_INFINITY.to_bits(),
            0,
            0x8000_0000,
            1,
            0x8000_0001,
            f32::MAX.to_bits(),
            f32::MIN.to_bits(),
        ]
        .into_iter()
        .map(f32::from_bits)
        .collect()
    }

    fn bits(values: &[f32]) -> Vec<u32> {
        values.iter().map(|v| v.to_bits()).collect()
    }

    #[test]
    fn scores_of_every_kind_survive_being_taken_apart_and_put_back() {
        // What the worker sends: the parts, whose scores travel as a Float32Array (a byte
        // copy); the page puts them back together with every check.
        let scores = awkward();
        let parts = Parts {
            header: Header {
                format: "npy".into(),
                order: RowOrder::Filename,
                convention: ClassConvention::SortedWnid,
                detection: None,
                k: 2,
                rows_in_file: scores.len() / 2,
                warnings: vec![],
            },
            images: (1..=(scores.len() / 2) as u32).collect(),
            classes: (0..scores.len() as u16).collect(),
            scores: Some(scores.clone()),
        };
        let again = Predictions::from_parts(parts)
            .expect("non-finite scores are valid parts")
            .into_parts();
        assert_eq!(bits(&again.scores.expect("scores kept")), bits(&scores));
    }

    #[test]
    fn a_detection_keeps_non_finite_agreements() {
        let detection = Detection {
            candidates: [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0, 0.25]
                .into_iter()
                .zip([
                    (RowOrder::Filename, ClassConvention::SortedWnid),
                    (RowOrder::Imagefolder, ClassConvention::SortedWnid1Based),
                    (RowOrder::Named, ClassConvention::TfSlim1001),
                    (RowOrder::Filename, ClassConvention::Ilsvrc2012Id),
                    (RowOrder::Imagefolder, ClassConvention::SortedWnid),
                ])
                .map(|(agreement, (order, convention))| Candidate {
                    order,
                    convention,
                    agreement,
                })
                .collect(),
            clear: false,
            overridden: true,
        };
        let again = DetectionWire::of(&detection)
            .detection()
            .expect("the detection reads back");
        let agreement_bits = |d: &Detection| -> Vec<u64> {
            d.candidates.iter().map(|c| c.agreement.to_bits()).collect()
        };
        assert_eq!(agreement_bits(&again), agreement_bits(&detection));
        assert_eq!(again.clear, detection.clear);
        assert_eq!(again.overridden, detection.overridden);
        let readings = |d: &Detection| -> Vec<(RowOrder, ClassConvention)> {
            d.candidates
                .iter()
                .map(|c| (c.order, c.convention))
                .collect()
        };
        assert_eq!(readings(&again), readings(&detection));
    }

    #[test]
    fn a_damaged_detection_is_refused() {
        let mut wire = DetectionWire {
            readings: vec!["filename".into(), "sorted-wnid".into()],
            agreements: vec![0.5],
            clear: true,
            overridden: false,
        };
        assert!(wire.detection().is_some());
        wire.readings[1] = "no-such-convention".into();
        assert!(wire.detection().is_none());
        wire.readings.pop();
        assert!(wire.detection().is_none());
    }
}
