//! The document's one codec: JSON text, the same for files, storage and (once
//! compressed) links. [`decode`] is the only way in: it refuses text that is
//! too long, not JSON, of a newer format, or whose lengths and indices do not
//! hold together, so the page can index a decoded document without checks
//! failing. Values out of range are left to the engine's validation, which
//! shows them beside their fields like typed input.

use super::json::{self, FromJson, Val, Value};
use funnelcast_engine::{limits, GoalLever, Lever, Model, Scope};

use super::{Document, LeverKind, FORMAT_VERSION, MAX_SEED};

/// Longest text `decode` reads. A document at every limit (12 stages, 6
/// segments, 8 scenarios, 60-character names) is about 20 KB.
pub const MAX_ENCODED_BYTES: usize = 256 * 1024;

/// Why a text is not a document, in terms the page turns into a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Longer than [`MAX_ENCODED_BYTES`].
    TooLong { bytes: usize },
    /// Not JSON, or not shaped like a document: the hand-written reader's
    /// words (`document::json`), for the console; the page says it in its own.
    Malformed(String),
    /// Written by a newer version of the page.
    NewerVersion { found: u32 },
    /// A version no build ever wrote (0), or one without a migration.
    UnknownVersion { found: u32 },
    /// Lengths or indices that do not hold together.
    Inconsistent(Inconsistency),
}

/// Which invariant a decoded document breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inconsistency {
    StageCount {
        found: usize,
    },
    SegmentCount {
        found: usize,
    },
    ScenarioCount {
        found: usize,
    },
    /// Segment `g` has another number of rates than stages − 1.
    RateCount {
        segment: usize,
    },
    /// Segment `g` has more lags than transitions (stages − 1).
    LagCount {
        segment: usize,
    },
    /// Scenario `s` (≥ 1) acts on a segment that does not exist.
    ScopeIndex {
        scenario: usize,
    },
    /// Scenario `s` (≥ 1) moves the rate into a stage that does not exist.
    LeverStage {
        scenario: usize,
    },
    /// Scenario `s` (≥ 1) has more levers than it could distinctly hold.
    LeverCount {
        scenario: usize,
    },
    /// Scenario `s` (≥ 1) gives one lever twice (a kind twice, or a rate
    /// lever of one kind twice at one stage): its box would show one amount
    /// while the engine applies both.
    RepeatedLever {
        scenario: usize,
    },
    /// The goal seeks on the rate into a stage that does not exist.
    GoalStage,
}

impl core::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            DecodeError::TooLong { bytes } => write!(f, "{bytes} bytes is too long"),
            DecodeError::Malformed(e) => write!(f, "not a Funnelcast document: {e}"),
            DecodeError::NewerVersion { found } => write!(f, "format {found} is newer"),
            DecodeError::UnknownVersion { found } => write!(f, "unknown format {found}"),
            DecodeError::Inconsistent(i) => write!(f, "inconsistent document: {i:?}"),
        }
    }
}

/// The engine's model as JSON text, as it crosses to a simulation worker
/// inside a job (its enums are internally tagged, `"kind"`, which compact
/// binary formats cannot read).
pub fn model_to_json(model: &Model) -> String {
    json::to_text(model)
}

/// The model back from [`model_to_json`]'s text.
///
/// # Errors
/// Text that is not a model.
pub fn model_from_json(text: &str) -> Result<Model, DecodeError> {
    json::from_text(text).map_err(DecodeError::Malformed)
}

/// The document as JSON text (`json` says how, and why by hand), as the
/// oldest format that holds it ([`Document::format_needed`]; in memory a
/// document is always of the newest).
pub fn encode(doc: &Document) -> String {
    let needed = doc.format_needed();
    if doc.v == needed {
        json::to_text(doc)
    } else {
        let mut d = doc.clone();
        d.v = needed;
        json::to_text(&d)
    }
}

/// One step of the format: a document of version n, as JSON, made into
/// version n + 1 (the step sets `v`). Old links and files must keep opening,
/// so a format change adds a step here instead of breaking them.
pub type Migration = fn(Value) -> Result<Value, String>;

/// `MIGRATIONS[i]` turns version i + 1 into version i + 2. Empty while
/// version 1 is the only format (adding the `engine` field needed no step:
/// its declaration in `json` gives the value its absence means).
pub const MIGRATIONS: &[Migration] = &[];

/// Brings a document of any older version up to `current` through `steps`
/// (`steps[i]` turns version i + 1 into i + 2), as JSON. [`decode`] uses it
/// with [`FORMAT_VERSION`] and [`MIGRATIONS`]; tests give it made-up steps.
///
/// # Errors
/// Not JSON, a version newer than `current`, or one no step reaches.
pub fn migrate(text: &str, current: u32, steps: &[Migration]) -> Result<Value, DecodeError> {
    if text.len() > MAX_ENCODED_BYTES {
        return Err(DecodeError::TooLong { bytes: text.len() });
    }
    let mut value: Value = json::from_text(text).map_err(DecodeError::Malformed)?;
    let found = version_of(&value)?;
    if found > current {
        return Err(DecodeError::NewerVersion { found });
    }
    let (from, to) = (found as usize, current as usize);
    if found == 0 || steps.len() + 1 < to {
        return Err(DecodeError::UnknownVersion { found });
    }
    for step in &steps[from - 1..to - 1] {
        value = step(value).map_err(DecodeError::Malformed)?;
    }
    if version_of(&value)? != current {
        return Err(DecodeError::Malformed(
            "a migration step left the version".into(),
        ));
    }
    Ok(value)
}

fn version_of(value: &Value) -> Result<u32, DecodeError> {
    value
        .get("v")
        .and_then(Value::as_u64)
        .and_then(|v| u32::try_from(v).ok())
        .ok_or_else(|| DecodeError::Malformed("no format version".into()))
}

/// Reads a document and checks every invariant the page relies on. The
/// version is read first: the current one is read directly, an older one
/// goes through [`migrate`], a newer one is refused by name.
///
/// # Errors
/// See [`DecodeError`]; nothing is partially applied.
pub fn decode(text: &str) -> Result<Document, DecodeError> {
    if text.len() > MAX_ENCODED_BYTES {
        return Err(DecodeError::TooLong { bytes: text.len() });
    }
    let root = Val::parse(text).map_err(DecodeError::Malformed)?;
    let [v] = root.fields(["v"]).map_err(DecodeError::Malformed)?;
    let version: u32 = v
        .ok_or("missing field `v`")
        .and_then(|v| v.u64().map_err(|_| "`v` is not a version"))
        .and_then(|v| u32::try_from(v).map_err(|_| "`v` is not a version"))
        .map_err(|e| DecodeError::Malformed(e.into()))?;
    let mut doc: Document = match version {
        // Format 2 only added fields whose absence means what format 1
        // meant (no time mode): a version-1 document reads as it is.
        1..=FORMAT_VERSION => Document::read(root).map_err(DecodeError::Malformed)?,
        v if v > FORMAT_VERSION => return Err(DecodeError::NewerVersion { found: v }),
        // No step written yet: nothing older to read, and the JSON-value code
        // of `migrate` stays out of the page (a constant condition).
        v if MIGRATIONS.is_empty() => return Err(DecodeError::UnknownVersion { found: v }),
        // Back through text: the reader reads text only.
        _ => json::from_text(&json::to_text(&migrate(text, FORMAT_VERSION, MIGRATIONS)?))
            .map_err(DecodeError::Malformed)?,
    };
    // A JSON number the reader takes whole, but which the page's number box
    // (an f64) would show rounded and refuse when typed back.
    if doc.seed > MAX_SEED {
        return Err(DecodeError::Malformed(format!(
            "`seed` {} is above {MAX_SEED} (2^53 - 1)",
            doc.seed
        )));
    }
    check(&doc).map_err(DecodeError::Inconsistent)?;
    // In memory every document is of the newest format; the text says
    // the oldest that holds it (`encode`).
    doc.v = FORMAT_VERSION;
    Ok(doc)
}

/// A file's or a link's bytes as the text [`decode`] reads: the same
/// decision for both, so the same bytes are refused for the same reason.
/// Bytes that are not UTF-8 are refused (read with U+FFFD in their place, a
/// name would silently change); a leading byte order mark is dropped, as
/// the browser's own reading of a file did (RFC 8259 lets a reader ignore it).
///
/// # Errors
/// [`DecodeError::Malformed`] when the bytes are not UTF-8.
pub fn text_from_bytes(mut bytes: Vec<u8>) -> Result<String, DecodeError> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
    }
    String::from_utf8(bytes).map_err(|e| {
        DecodeError::Malformed(format!(
            "not UTF-8 text (byte {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// The invariants of [`Document`].
fn check(d: &Document) -> Result<(), Inconsistency> {
    use Inconsistency::*;
    let k = d.stages.len();
    if !(limits::MIN_STAGES..=limits::MAX_STAGES).contains(&k) {
        return Err(StageCount { found: k });
    }
    let nseg = d.segments.len();
    if !(1..=limits::MAX_SEGMENTS).contains(&nseg) {
        return Err(SegmentCount { found: nseg });
    }
    if d.scenarios.len() + 1 > limits::MAX_SCENARIOS {
        return Err(ScenarioCount {
            found: d.scenarios.len(),
        });
    }
    for (g, seg) in d.segments.iter().enumerate() {
        if seg.spec.rates.len() + 1 != k {
            return Err(RateCount { segment: g });
        }
        if seg.lags.len() + 1 > k {
            return Err(LagCount { segment: g });
        }
    }
    for (j, sc) in d.scenarios.iter().enumerate() {
        let s = j + 1;
        if matches!(sc.spec.scope, Scope::Segment(g) if g >= nseg) {
            return Err(ScopeIndex { scenario: s });
        }
        // A volume, a deal and two levers per rate is all an edit can make.
        if sc.spec.levers.len() > 2 * k + 2 {
            return Err(LeverCount { scenario: s });
        }
        for (a, lever) in sc.spec.levers.iter().enumerate() {
            if let Lever::RatePoints { stage, .. } | Lever::RateRelative { stage, .. } = *lever {
                if stage == 0 || stage >= k {
                    return Err(LeverStage { scenario: s });
                }
            }
            // Quadratic, on at most 2k + 2 levers (the count is checked above).
            let kind = LeverKind::of(lever);
            if sc.spec.levers[a + 1..]
                .iter()
                .any(|b| LeverKind::of(b) == kind)
            {
                return Err(RepeatedLever { scenario: s });
            }
        }
    }
    if let GoalLever::RatePoints { stage } = d.goal.lever {
        if stage == 0 || stage >= k {
            return Err(GoalStage);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::PresetId;
    use crate::format::Lang;
    use crate::presets;
    use funnelcast_engine::RateSpec;

    #[test]
    fn every_preset_round_trips() {
        for id in PresetId::ALL {
            for lang in [Lang::En, Lang::Zh] {
                let d = presets::preset_doc(id, lang);
                assert_eq!(decode(&encode(&d)), Ok(d));
            }
        }
    }

    /// What `encode` writes for the documented example and every preset,
    /// one per line: kept links and files are these bytes, so a change to
    /// the codec (such as how a struct's fields are declared) must not
    /// change them.
    fn pinned_encodings() -> String {
        let mut out = String::new();
        let example = decode(include_str!("../../docs/example-document.json")).unwrap();
        out.push_str(&encode(&example));
        out.push('\n');
        for id in PresetId::ALL {
            for lang in [Lang::En, Lang::Zh] {
                out.push_str(&encode(&presets::preset_doc(id, lang)));
                out.push('\n');
            }
        }
        out
    }

    #[test]
    fn encoded_bytes_are_pinned() {
        assert_eq!(pinned_encodings(), include_str!("testdata/encoded.txt"));
    }

    #[test]
    fn a_newer_format_is_refused_by_name() {
        let d = presets::initial_doc(Lang::En);
        let newer = encode(&d).replacen("\"v\":1", &format!("\"v\":{}", FORMAT_VERSION + 1), 1);
        assert_eq!(
            decode(&newer),
            Err(DecodeError::NewerVersion {
                found: FORMAT_VERSION + 1
            })
        );
        let zero = encode(&d).replacen("\"v\":1", "\"v\":0", 1);
        assert_eq!(decode(&zero), Err(DecodeError::UnknownVersion { found: 0 }));
    }

    /// Time mode's fields (format 2) are declared once (`json`): a
    /// document that uses them is written as format 2 and reads back
    /// whole; one that does not keeps format 1's bytes (the pinned
    /// encodings), so its links still open in pages older than time mode.
    #[test]
    fn time_mode_fields_round_trip_as_format_2() {
        use crate::document::{LagSpec, TimeSettings, Window};
        let plain = presets::preset_doc(PresetId::CaseB, Lang::En);
        assert!(encode(&plain).starts_with("{\"v\":1,"));
        assert!(!encode(&plain).contains("time"));
        let mut d = plain.clone();
        let (label, spec) = presets::awareness30();
        assert!(d.add_scenario(label, spec));
        d.time = Some(TimeSettings {
            on: true,
            horizon: 18,
            weights: vec![1.0, 0.5, 2.0],
        });
        d.segments[1].lags = vec![LagSpec {
            median: 30.0,
            p90: 90.0,
        }];
        d.scenarios[0].window = Some(Window { first: 2, last: 4 });
        let text = encode(&d);
        assert!(text.starts_with("{\"v\":2,"), "{text}");
        assert!(
            text.contains("\"lags\":[{\"median\":30.0,\"p90\":90.0}]"),
            "{text}"
        );
        assert!(
            text.contains("\"window\":{\"first\":2,\"last\":4}"),
            "{text}"
        );
        assert!(text.contains("\"time\":{\"on\":true,\"horizon\":18,\"weights\":[1.0,0.5,2.0]}"));
        assert_eq!(decode(&text), Ok(d.clone()));
        // Each field alone needs format 2.
        for f in [
            |d: &mut Document| d.time = None,
            |d: &mut Document| d.segments[1].lags.clear(),
            |d: &mut Document| d.scenarios[0].window = None,
        ] {
            let mut one = d.clone();
            f(&mut one);
            assert!(encode(&one).starts_with("{\"v\":2,"));
        }
        // More lags than transitions is refused, like rates.
        let mut bad = d.clone();
        bad.segments[0].lags = vec![
            LagSpec {
                median: 1.0,
                p90: 1.0
            };
            bad.stages()
        ];
        assert_eq!(
            decode(&encode(&bad)),
            Err(DecodeError::Inconsistent(Inconsistency::LagCount {
                segment: 0
            }))
        );
    }

    /// The engine checks the time-mode values, each beside its field.
    #[test]
    fn time_mode_values_are_the_engines_to_check() {
        use crate::document::{LagSpec, TimeSettings, Window};
        use funnelcast_engine::{Field, Problem};
        let mut d = presets::preset_doc(PresetId::CaseB, Lang::En);
        let (label, spec) = presets::awareness30();
        assert!(d.add_scenario(label, spec));
        let plan = d.plan().unwrap();
        assert!(d.time_plan(&plan).is_none(), "off: one period");
        d.time = Some(TimeSettings {
            on: true,
            horizon: 40,
            weights: vec![],
        });
        d.segments[0].lags = vec![LagSpec {
            median: 20.0,
            p90: 10.0,
        }];
        d.scenarios[0].window = Some(Window { first: 5, last: 3 });
        let errs = d.time_plan(&plan).unwrap().unwrap_err();
        let fields: Vec<Field> = errs.iter().map(|e| e.field).collect();
        assert!(fields.contains(&Field::Horizon), "{errs:?}");
        assert!(errs.contains(&funnelcast_engine::ModelError::new(
            Field::LagP90(0, 1),
            Problem::P90BelowMedian
        )));
        assert!(fields.contains(&Field::CampaignEnd(1)), "{errs:?}");
        d.time.as_mut().unwrap().horizon = 12;
        d.segments[0].lags[0].p90 = 40.0;
        d.scenarios[0].window = Some(Window { first: 2, last: 4 });
        let tp = d.time_plan(&plan).unwrap().unwrap();
        assert_eq!(tp.horizon(), 12);
        // Switched off, the settings stay for next time, and nothing runs
        // over months.
        d.time.as_mut().unwrap().on = false;
        assert!(d.time_plan(&plan).is_none());
        assert!(encode(&d).starts_with("{\"v\":2,"));
    }

    /// Each invariant the page indexes by is checked, never trusted.
    #[test]
    fn broken_lengths_and_indices_are_refused() {
        use Inconsistency::*;
        let base = presets::preset_doc(PresetId::CaseB, Lang::En);
        let (label, spec) = presets::awareness30();
        let mut with_scenario = base.clone();
        with_scenario.add_scenario(label, spec);
        type Break = Box<dyn Fn(&mut Document)>;
        let cases: Vec<(Break, Inconsistency)> = vec![
            (
                Box::new(|d| d.segments[1].spec.rates.truncate(2)),
                RateCount { segment: 1 },
            ),
            (Box::new(|d| d.stages.truncate(1)), StageCount { found: 1 }),
            (Box::new(|d| d.segments.clear()), SegmentCount { found: 0 }),
            (
                Box::new(|d| d.scenarios[0].spec.scope = funnelcast_engine::Scope::Segment(2)),
                ScopeIndex { scenario: 1 },
            ),
            (
                Box::new(|d| {
                    d.scenarios[0].spec.levers.push(Lever::RatePoints {
                        stage: 5,
                        points: 0.1,
                    })
                }),
                LeverStage { scenario: 1 },
            ),
            (
                Box::new(|d| d.goal.lever = GoalLever::RatePoints { stage: 0 }),
                GoalStage,
            ),
        ];
        for (break_it, want) in cases {
            let mut d = with_scenario.clone();
            break_it(&mut d);
            // Encode by hand: the edits above bypass the page's own edits.
            let text = serde_json::to_string(&d).unwrap();
            assert_eq!(decode(&text), Err(DecodeError::Inconsistent(want)));
        }
    }

    /// A lever kind given twice would be shown once (the editor finds the
    /// first) and applied twice (the engine folds them all): refused.
    #[test]
    fn a_lever_given_twice_is_refused() {
        let mut d = presets::initial_doc(Lang::En);
        let (label, spec) = presets::awareness30();
        d.add_scenario(label, spec);
        let with = |levers: &str| {
            let text = encode(&d);
            assert!(text.contains(r#""levers":[{"kind":"volume","frac":0.3}]"#));
            text.replacen(
                "\"levers\":[{\"kind\":\"volume\",\"frac\":0.3}]",
                &format!("\"levers\":{levers}"),
                1,
            )
        };
        let twice = [
            r#"[{"kind":"volume","frac":0.1},{"kind":"volume","frac":1.0}]"#,
            r#"[{"kind":"deal","frac":0.1},{"kind":"volume","frac":0.2},{"kind":"deal","frac":0.1}]"#,
            r#"[{"kind":"rate_points","stage":2,"points":0.01},{"kind":"rate_points","stage":2,"points":0.05}]"#,
            r#"[{"kind":"rate_relative","stage":4,"frac":0.1},{"kind":"rate_relative","stage":4,"frac":0.1}]"#,
        ];
        for levers in twice {
            assert_eq!(
                decode(&with(levers)),
                Err(DecodeError::Inconsistent(Inconsistency::RepeatedLever {
                    scenario: 1
                })),
                "{levers}"
            );
        }
        // Different stages, or points and a relative change at one stage,
        // are distinct levers, each with its own box.
        let distinct = [
            r#"[{"kind":"volume","frac":0.1},{"kind":"deal","frac":1.0}]"#,
            r#"[{"kind":"rate_points","stage":2,"points":0.01},{"kind":"rate_points","stage":3,"points":0.05}]"#,
            r#"[{"kind":"rate_points","stage":2,"points":0.01},{"kind":"rate_relative","stage":2,"frac":0.05}]"#,
        ];
        for levers in distinct {
            let back = decode(&with(levers)).unwrap();
            assert_eq!(back.scenarios[0].spec.levers.len(), 2, "{levers}");
        }
    }

    /// The page holds a seed in a number box (an f64): above 2^53 it would
    /// be shown rounded and could not be typed back.
    #[test]
    fn a_seed_above_2_pow_53_is_refused() {
        let mut d = presets::initial_doc(Lang::En);
        for seed in [u64::MAX, 1 << 53, (1 << 53) + 1] {
            d.seed = seed;
            assert!(
                matches!(decode(&encode(&d)), Err(DecodeError::Malformed(_))),
                "{seed}: {:?}",
                decode(&encode(&d)).map(|d| d.seed)
            );
        }
        for seed in [0, 42, (1 << 53) - 1] {
            d.seed = seed;
            assert_eq!(decode(&encode(&d)).map(|d| d.seed), Ok(seed));
        }
    }

    /// A made-up version 2 that moves `trials` and `seed` into `run`: its
    /// migration step runs on the committed v1 fixture, and a v2 reader gets
    /// the v1 values. (The real chain, [`MIGRATIONS`], is empty today.)
    #[test]
    fn a_made_up_v2_migrates_the_v1_fixture() {
        fn num(n: u64) -> Value {
            Value::Num(n.to_string())
        }
        fn v1_to_v2(mut v: Value) -> Result<Value, String> {
            let trials = v.remove("trials").ok_or("no trials")?;
            let seed = v.remove("seed").ok_or("no seed")?;
            v.insert(
                "run",
                Value::Obj(vec![("trials".into(), trials), ("seed".into(), seed)]),
            );
            v.insert("v", num(2));
            Ok(v)
        }
        let steps: &[Migration] = &[v1_to_v2];
        let v1 = include_str!("../../tests/fixtures/v1-document.json");
        let v2 = migrate(v1, 2, steps).unwrap();
        assert_eq!(v2.get("v"), Some(&num(2)));
        assert_eq!(
            v2.get("run"),
            Some(&Value::Obj(vec![
                ("trials".into(), num(5000)),
                ("seed".into(), num(7))
            ]))
        );
        assert!(v2.get("trials").is_none());
        let Some(Value::Arr(stages)) = v2.get("stages") else {
            panic!("no stages: {v2:?}")
        };
        assert_eq!(
            stages[1].get("text"),
            Some(&Value::Str("看过 <b>价格</b>".into()))
        );
        // A v2 document goes through no step; a v3 one is newer; none is v0.
        let again = migrate(&json::to_text(&v2), 2, steps).unwrap();
        assert_eq!(again, v2);
        assert_eq!(
            migrate(&json::to_text(&v2), 1, MIGRATIONS),
            Err(DecodeError::NewerVersion { found: 2 })
        );
        assert_eq!(
            migrate("{\"v\":0}", 2, steps),
            Err(DecodeError::UnknownVersion { found: 0 })
        );
        // Version 3 with only one step written: refused, not guessed.
        assert_eq!(
            migrate(v1, 3, steps),
            Err(DecodeError::UnknownVersion { found: 1 })
        );
        // A step that forgets to set the version is caught.
        let sloppy: &[Migration] = &[|v| Ok(v)];
        assert!(matches!(
            migrate(v1, 2, sloppy),
            Err(DecodeError::Malformed(_))
        ));
        // Today's chain reads the v1 fixture as it is.
        assert_eq!(decode(v1).unwrap().trials, 5000);
    }

    /// Bytes that are not UTF-8 are refused by name, whatever brought them
    /// (address.rs and share/web.rs both read through this).
    #[test]
    fn bytes_that_are_not_utf8_are_refused() {
        let text = encode(&presets::initial_doc(Lang::En));
        assert_eq!(text_from_bytes(text.clone().into_bytes()), Ok(text.clone()));
        // A byte order mark (a text editor's) is dropped, as browsers do.
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(text_from_bytes(bom), Ok(text.clone()));
        let mut bad = text.clone().into_bytes();
        let at = text.find("\"stages\"").unwrap();
        for junk in [
            &[0xFFu8][..],
            &[0xC3, 0x28],
            &[0xED, 0xA0, 0x80],
            &[0xE2, 0x82],
        ] {
            bad.splice(at..at, junk.iter().copied());
            assert!(
                matches!(text_from_bytes(bad.clone()), Err(DecodeError::Malformed(_))),
                "{junk:?}"
            );
            bad = text.clone().into_bytes();
        }
        // Cut inside a character.
        let zh = encode(&presets::initial_doc(Lang::Zh)).replace("month", "月份");
        let cut = zh.find("月").unwrap() + 1;
        assert!(text_from_bytes(zh.as_bytes()[..cut].to_vec()).is_err());
    }

    /// The example in docs/document-format.md opens, and its parts are the
    /// ones the document describes.
    #[test]
    fn the_documented_example_decodes() {
        let d = decode(include_str!("../../docs/example-document.json")).unwrap();
        assert_eq!(d.stages.len(), 5);
        assert_eq!(
            d.segments[1].label,
            crate::names::Label::Text("企业客户".into())
        );
        assert_eq!(d.scenarios.len(), 2);
        assert_eq!(
            d.scenarios[1].spec.scope,
            funnelcast_engine::Scope::Segment(1)
        );
        assert_eq!(d.goal.lever, GoalLever::RatePoints { stage: 2 });
        assert_eq!(d.engine, 1);
        assert!(d.plan().is_ok(), "{:?}", d.plan().err());
    }

    /// A name is data in the file: markup, entities, quotes, backslashes,
    /// control characters and direction overrides come back exactly, and
    /// the JSON stays one line of valid JSON.
    #[test]
    fn names_with_markup_round_trip_exactly() {
        use crate::names::Label;
        let names = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "</text><script>alert(1)</script><text>",
            "&amp;lt;b&amp;gt;",
            "\u{202E}gnp.exe",
            "\"quoted\" \\ back\u{0}slash\nline",
        ];
        let mut d = presets::initial_doc(Lang::En);
        for (i, n) in names.iter().enumerate().take(d.stages()) {
            d.stages[i] = Label::Text(n.to_string());
        }
        d.segments[0].label = Label::Text(names[5].into());
        let text = encode(&d);
        assert!(!text.contains('\n') && !text.contains('\0'), "{text}");
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["stages"][0]["text"], names[0]);
        assert_eq!(value["segments"][0]["label"]["text"], names[5]);
        assert_eq!(decode(&text), Ok(d));
    }

    #[test]
    fn a_huge_text_is_refused_before_parsing() {
        let text = format!("{{\"v\":1,\"pad\":\"{}\"}}", "x".repeat(MAX_ENCODED_BYTES));
        assert!(matches!(decode(&text), Err(DecodeError::TooLong { .. })));
    }

    #[test]
    fn out_of_range_values_decode_and_are_left_to_the_engine() {
        let mut d = presets::initial_doc(Lang::En);
        d.segments[0].spec.rates[0] = RateSpec::Fixed { value: 1.5 };
        let back = decode(&encode(&d)).unwrap();
        assert!(
            back.plan().is_err(),
            "the engine refuses it beside its field"
        );
    }

    /// Generated documents (natively: proptest does not run on wasm32).
    #[cfg(not(target_arch = "wasm32"))]
    mod generated {
        use super::*;
        use crate::document::{Goal, LagSpec, Period, Scenario, Segment, TimeSettings, Window};
        use crate::format::Currency;
        use crate::names::{Label, NameKey};
        use funnelcast_engine::{DealSpec, ScenarioSpec, SegmentSpec, VolumeSpec};
        use proptest::prelude::*;

        fn label() -> impl Strategy<Value = Label> {
            prop_oneof![
                proptest::sample::select(NameKey::ALL).prop_map(Label::Key),
                // Any text, markup and right-to-left marks included.
                "\\PC{0,60}".prop_map(Label::Text),
            ]
        }

        fn finite() -> impl Strategy<Value = f64> {
            prop_oneof![-1e12..1e12f64, 0.0..1.0f64, Just(0.0), Just(f64::MAX)]
        }

        fn rate() -> impl Strategy<Value = RateSpec> {
            prop_oneof![
                finite().prop_map(|value| RateSpec::Fixed { value }),
                (any::<u64>(), any::<u64>()).prop_map(|(k, n)| RateSpec::Evidence { k, n }),
                (finite(), finite()).prop_map(|(low, high)| RateSpec::Range { low, high }),
            ]
        }

        fn segment(stages: usize) -> impl Strategy<Value = Segment> {
            (
                label(),
                prop_oneof![
                    finite().prop_map(|value| VolumeSpec::Fixed { value }),
                    (finite(), finite()).prop_map(|(low, high)| VolumeSpec::Range { low, high }),
                ],
                proptest::collection::vec(rate(), stages - 1),
                finite(),
                finite(),
                proptest::collection::vec(
                    (finite(), finite()).prop_map(|(median, p90)| LagSpec { median, p90 }),
                    0..stages,
                ),
            )
                .prop_map(|(label, volume, rates, mean, cv, lags)| Segment {
                    label,
                    spec: SegmentSpec {
                        volume,
                        rates,
                        deal: DealSpec { mean, cv },
                    },
                    lags,
                })
        }

        fn lever(stages: usize) -> impl Strategy<Value = Lever> {
            prop_oneof![
                finite().prop_map(|frac| Lever::Volume { frac }),
                finite().prop_map(|frac| Lever::Deal { frac }),
                (1..stages, finite())
                    .prop_map(|(stage, points)| Lever::RatePoints { stage, points }),
                (1..stages, finite()).prop_map(|(stage, frac)| Lever::RateRelative { stage, frac }),
            ]
        }

        fn scenario(stages: usize, segments: usize) -> impl Strategy<Value = Scenario> {
            (
                label(),
                prop_oneof![Just(Scope::All), (0..segments).prop_map(Scope::Segment)],
                proptest::collection::vec(lever(stages), 0..=4),
                proptest::option::of(finite()),
                proptest::option::of(
                    (any::<u32>(), any::<u32>()).prop_map(|(first, last)| Window { first, last }),
                ),
            )
                .prop_map(|(label, scope, mut levers, cost, window)| {
                    // One lever of a kind, as the decoder requires.
                    let mut seen = vec![];
                    levers.retain(|l| {
                        let k = LeverKind::of(l);
                        let new = !seen.contains(&k);
                        seen.push(k);
                        new
                    });
                    Scenario {
                        label,
                        spec: ScenarioSpec {
                            scope,
                            levers,
                            cost,
                        },
                        window,
                    }
                })
        }

        fn document() -> impl Strategy<Value = Document> {
            (
                limits::MIN_STAGES..=limits::MAX_STAGES,
                1..=limits::MAX_SEGMENTS,
            )
                .prop_flat_map(|(k, nseg)| {
                    (
                        proptest::collection::vec(label(), k),
                        proptest::collection::vec(segment(k), nseg),
                        proptest::collection::vec(scenario(k, nseg), 0..limits::MAX_SCENARIOS),
                        (any::<u32>(), 0..=MAX_SEED, proptest::option::of(finite())),
                        (
                            proptest::sample::select(Currency::ALL.to_vec()),
                            prop_oneof![Just(Period::Month), Just(Period::Quarter)],
                            proptest::option::of(finite()),
                            finite(),
                            prop_oneof![
                                Just(GoalLever::Volume),
                                (1..k).prop_map(|stage| GoalLever::RatePoints { stage })
                            ],
                        ),
                        proptest::option::of(proptest::sample::select(PresetId::ALL.to_vec())),
                        proptest::option::of(
                            (
                                any::<bool>(),
                                any::<u32>(),
                                proptest::collection::vec(finite(), 0..=36),
                            )
                                .prop_map(|(on, horizon, weights)| {
                                    TimeSettings {
                                        on,
                                        horizon,
                                        weights,
                                    }
                                }),
                        ),
                    )
                        .prop_map(
                            |(
                                stages,
                                segments,
                                scenarios,
                                (trials, seed, margin),
                                (currency, period, target, prob, lever),
                                preset,
                                time,
                            )| {
                                Document {
                                    v: FORMAT_VERSION,
                                    preset,
                                    stages,
                                    segments,
                                    scenarios,
                                    trials,
                                    seed,
                                    margin,
                                    currency,
                                    period,
                                    goal: Goal {
                                        target,
                                        prob,
                                        lever,
                                    },
                                    engine: seed as u32,
                                    time,
                                }
                            },
                        )
                })
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

            /// decode ∘ encode = identity, bit for bit (f64 included).
            #[test]
            fn decode_encode_is_identity(d in document()) {
                let text = encode(&d);
                prop_assert_eq!(decode(&text), Ok(d));
            }

            /// Cut or damaged encodings are refused or read, never a panic.
            #[test]
            fn damaged_encodings_never_panic(d in document(), cut in any::<prop::sample::Index>(),
                                             at in any::<prop::sample::Index>(), byte in any::<u8>()) {
                let mut bytes = encode(&d).into_bytes();
                let _ = decode(&String::from_utf8_lossy(&bytes[..cut.index(bytes.len() + 1)]));
                let i = at.index(bytes.len());
                bytes[i] = byte;
                let _ = decode(&String::from_utf8_lossy(&bytes));
            }

            /// The hand-written JSON (`json`) reads and writes what serde_json
            /// reads and writes for the same types: its text read by
            /// serde_json, serde_json's text read by it, and a damaged
            /// text (one byte changed) accepted or refused by both alike.
            #[test]
            fn the_json_agrees_with_serde_json(d in document(), at in any::<prop::sample::Index>(),
                                               byte in any::<u8>()) {
                // The text says the oldest format that holds it; in memory
                // it is the newest (`decode`).
                let mut read = serde_json::from_str::<Document>(&encode(&d)).unwrap();
                prop_assert_eq!(read.v, d.format_needed());
                read.v = d.v;
                prop_assert_eq!(&read, &d);
                let theirs = serde_json::to_string(&d).unwrap();
                prop_assert_eq!(&json::from_text::<Document>(&theirs).unwrap(), &d);
                let mut bytes = theirs.into_bytes();
                let i = at.index(bytes.len());
                bytes[i] = byte;
                let text = String::from_utf8_lossy(&bytes);
                prop_assert_eq!(
                    json::from_text::<Document>(&text).ok(),
                    serde_json::from_str::<Document>(&text).ok(),
                    "{}", text
                );
            }

            /// Arbitrary text never panics.
            #[test]
            fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
                let _ = decode(&text);
            }

            /// JSON of the right shape with arbitrary values never panics, and
            /// what decodes keeps the invariants the page indexes by.
            #[test]
            fn what_decodes_can_be_indexed(d in document(), k in 0usize..14, g in 0usize..8) {
                let mut d = d;
                d.stages.truncate(k);
                d.segments.truncate(g);
                if let Ok(back) = decode(&serde_json::to_string(&d).unwrap()) {
                    let stages = back.stages();
                    for seg in &back.segments {
                        prop_assert_eq!(seg.spec.rates.len() + 1, stages);
                    }
                    let _ = back.expected_totals();
                    let _ = back.plan();
                }
            }
        }
    }
}
