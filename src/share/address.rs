//! The address is the state: the whole document in the fragment (`#…`, never
//! sent to a server), as `#1.<payload>&lang=zh`.
//!
//! - `1.` is the address encoding's version (how the payload is packed), not
//!   the document's format version (that one is inside the JSON, and old
//!   documents are migrated by the codec);
//! - the payload is the document's JSON from [`document::encode`], deflated
//!   (miniz_oxide) and in URL-safe base64 without padding;
//! - `lang=` is a view setting riding along: switching the language rewrites
//!   only that part, never the model's.
//!
//! Decoding never trusts the payload: its length is bounded before base64,
//! inflation stops at [`MAX_ENCODED_BYTES`] of output (a deflate bomb is
//! refused, not inflated), and the JSON goes through the one codec.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::document::{self, DecodeError, Document, MAX_ENCODED_BYTES};
use crate::format::Lang;

/// The payload's packing, written first.
const PREFIX: &str = "1.";

/// Longest payload read. Deflate shrinks JSON by ~2–4×, and base64 grows it
/// by 4/3, so a payload for the longest document (`MAX_ENCODED_BYTES` of
/// JSON) is far shorter; anything longer is refused before it is decoded.
pub const MAX_PAYLOAD_CHARS: usize = MAX_ENCODED_BYTES;

/// Deflate level: 10 (miniz's best) is ~1 % shorter than 6 for a few µs more
/// on a document of 1 KB.
const LEVEL: u8 = 10;

/// Why an address does not open, for the `error-banner`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AddressError {
    /// Not `1.…`: written by another (newer) packing, or not ours at all.
    UnknownPacking,
    /// Longer than [`MAX_PAYLOAD_CHARS`].
    TooLong,
    /// Characters outside URL-safe base64 (e.g. a link cut or mangled by a
    /// chat program).
    NotBase64,
    /// Not deflate data, cut short, or inflating beyond the limit.
    Damaged,
    /// The text inside is not a document this build can open.
    Document(DecodeError),
}

impl core::fmt::Display for AddressError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            AddressError::UnknownPacking => write!(f, "unknown link format"),
            AddressError::TooLong => write!(f, "link too long"),
            AddressError::NotBase64 => write!(f, "link has characters it cannot hold"),
            AddressError::Damaged => write!(f, "link is damaged or cut short"),
            AddressError::Document(e) => write!(f, "{e}"),
        }
    }
}

/// The model part of the address (no `#`): `1.<payload>`.
pub fn encode(doc: &Document) -> String {
    let json = document::encode(doc);
    let packed = miniz_oxide::deflate::compress_to_vec(json.as_bytes(), LEVEL);
    let mut out = String::with_capacity(PREFIX.len() + packed.len() * 4 / 3 + 4);
    out.push_str(PREFIX);
    push_base64url(&packed, &mut out);
    out
}

/// The same model part as [`encode`], its deflate stream made of stored
/// (uncompressed) blocks: longer, but written without the compressor, and
/// read by the same [`decode`]. The page writes it while the compressor, a
/// module fetched after the first results, is still on its way
/// (docs/architecture.md, "The first load"), so the address holds the
/// document as soon as its results are shown.
pub fn encode_stored(doc: &Document) -> String {
    let json = document::encode(doc);
    let packed = stored_deflate(json.as_bytes());
    let mut out = String::with_capacity(PREFIX.len() + packed.len() * 4 / 3 + 4);
    out.push_str(PREFIX);
    push_base64url(&packed, &mut out);
    out
}

/// URL-safe base64 without padding, as `URL_SAFE_NO_PAD` writes it: the
/// page's one encoder for the address, in its first load and in [`encode`]
/// (the crate's generic encoder would be 3 KB more code). The crate still
/// decodes; a test checks this against the crate's encoder as a reference.
fn push_base64url(bytes: &[u8], out: &mut String) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        // 1, 2 or 3 bytes give 2, 3 or 4 characters.
        for k in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize]));
        }
    }
}

/// A raw deflate stream (RFC 1951, 3.2.4) of stored blocks: each is one
/// byte (BFINAL, BTYPE 00, padding), LEN and its one's complement NLEN
/// (little-endian), then LEN bytes as they are.
fn stored_deflate(data: &[u8]) -> Vec<u8> {
    const MAX_BLOCK: usize = u16::MAX as usize;
    let blocks = data.len().div_ceil(MAX_BLOCK).max(1);
    let mut out = Vec::with_capacity(data.len() + blocks * 5);
    let mut rest = data;
    loop {
        let (block, tail) = rest.split_at(rest.len().min(MAX_BLOCK));
        let last = tail.is_empty();
        let len = block.len() as u16;
        out.push(u8::from(last));
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
        if last {
            return out;
        }
        rest = tail;
    }
}

/// Reads the model part of an address (`1.<payload>`, no `#`).
///
/// # Errors
/// See [`AddressError`]; never panics, whatever the text.
pub fn decode(model: &str) -> Result<Document, AddressError> {
    let payload = model
        .strip_prefix(PREFIX)
        .ok_or(AddressError::UnknownPacking)?;
    if payload.len() > MAX_PAYLOAD_CHARS {
        return Err(AddressError::TooLong);
    }
    let packed = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| AddressError::NotBase64)?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_ENCODED_BYTES)
        .map_err(|_| AddressError::Damaged)?;
    // Inflated bytes that are not UTF-8 are refused as a file with the same
    // bytes is (the document's reason, not the packing's).
    let text = document::text_from_bytes(json).map_err(AddressError::Document)?;
    document::decode(&text).map_err(AddressError::Document)
}

/// A fragment taken apart: the model (if any) and the language (if any).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fragment {
    pub model: Option<String>,
    pub lang: Option<Lang>,
}

/// Splits `#1.xxx&lang=zh` (with or without `#`). Unknown `key=value` parts
/// are ignored, so a later build may add view settings.
pub fn parse_fragment(hash: &str) -> Fragment {
    let hash = hash.strip_prefix('#').unwrap_or(hash);
    let mut f = Fragment::default();
    for (i, part) in hash.split('&').enumerate() {
        if let Some(code) = part.strip_prefix("lang=") {
            f.lang = Lang::from_code(code);
        } else if i == 0 && !part.is_empty() {
            f.model = Some(part.to_string());
        }
    }
    f
}

/// The whole fragment, `#` included.
pub fn fragment(model: &str, lang: Lang) -> String {
    format!("#{model}&lang={}", lang.code())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::PresetId;
    use crate::presets;

    #[test]
    fn every_preset_round_trips_and_is_url_safe() {
        for id in PresetId::ALL {
            for lang in [Lang::En, Lang::Zh] {
                let d = presets::preset_doc(id, lang);
                let m = encode(&d);
                assert!(
                    m.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)),
                    "{m}"
                );
                assert_eq!(decode(&m), Ok(d));
            }
        }
    }

    /// Stored blocks, checked by another reader (miniz's inflate), at the
    /// block size's edges: empty, one byte, one full block, one byte over,
    /// and several blocks.
    #[test]
    fn stored_deflate_inflates_to_its_input() {
        for n in [0usize, 1, 65_535, 65_536, 200_000] {
            let data: Vec<u8> = (0..n).map(|i| (i * 7 + i / 300) as u8).collect();
            let packed = stored_deflate(&data);
            assert_eq!(packed.len(), n + 5 * n.div_ceil(65_535).max(1), "n = {n}");
            let inflated = miniz_oxide::inflate::decompress_to_vec(&packed).expect("inflates");
            assert!(inflated == data, "n = {n}");
        }
    }

    /// The hand-written encoder against the base64 crate's, at every length
    /// up to 300 (each remainder of three) and on every byte value.
    #[test]
    fn push_base64url_writes_what_the_base64_crate_writes() {
        for n in 0..300usize {
            let bytes: Vec<u8> = (0..n).map(|i| (i * 97 + n * 31) as u8).collect();
            let mut ours = String::new();
            push_base64url(&bytes, &mut ours);
            assert_eq!(ours, URL_SAFE_NO_PAD.encode(&bytes), "n = {n}");
        }
        let all: Vec<u8> = (0..=255u8).collect();
        let mut ours = String::new();
        push_base64url(&all, &mut ours);
        assert_eq!(ours, URL_SAFE_NO_PAD.encode(&all));
    }

    #[test]
    fn a_stored_address_opens_as_the_same_document_and_is_url_safe() {
        for id in PresetId::ALL {
            let d = presets::preset_doc(id, Lang::Zh);
            let m = encode_stored(&d);
            assert!(
                m.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)),
                "{m}"
            );
            assert!(m.len() > encode(&d).len());
            assert_eq!(decode(&m), Ok(d));
        }
    }

    #[test]
    fn the_fragment_carries_the_language_beside_the_model() {
        let d = presets::initial_doc(Lang::En);
        let m = encode(&d);
        let en = fragment(&m, Lang::En);
        let zh = fragment(&m, Lang::Zh);
        assert_ne!(en, zh);
        let (pe, pz) = (parse_fragment(&en), parse_fragment(&zh));
        // Switching the language leaves the model's part as it was.
        assert_eq!(pe.model.as_deref(), Some(m.as_str()));
        assert_eq!(pz.model, pe.model);
        assert_eq!((pe.lang, pz.lang), (Some(Lang::En), Some(Lang::Zh)));
        assert_eq!(parse_fragment(""), Fragment::default());
        assert_eq!(parse_fragment("#"), Fragment::default());
        assert_eq!(
            parse_fragment("#lang=zh"),
            Fragment {
                model: None,
                lang: Some(Lang::Zh)
            }
        );
    }

    #[test]
    fn each_kind_of_damage_is_named() {
        let m = encode(&presets::initial_doc(Lang::En));
        assert_eq!(decode("2.abc"), Err(AddressError::UnknownPacking));
        assert_eq!(decode(""), Err(AddressError::UnknownPacking));
        assert_eq!(decode("1.ab$cd"), Err(AddressError::NotBase64));
        // Cut short at a whole base64 quad: the deflate stream ends early.
        let cut = 2 + (m.len() - 2) / 2 / 4 * 4;
        assert_eq!(decode(&m[..cut]), Err(AddressError::Damaged));
        let long = format!("1.{}", "A".repeat(MAX_PAYLOAD_CHARS + 1));
        assert_eq!(decode(&long), Err(AddressError::TooLong));
        // Valid packing of text that is not a document.
        let packed = miniz_oxide::deflate::compress_to_vec(b"{\"v\":1}", 6);
        let not_doc = format!("1.{}", URL_SAFE_NO_PAD.encode(packed));
        assert!(matches!(
            decode(&not_doc),
            Err(AddressError::Document(DecodeError::Malformed(_)))
        ));
    }

    /// Bytes that are not UTF-8 inside a good packing: refused with the
    /// reason a file with the same bytes gets (the one codec's), never read
    /// with replacement characters.
    #[test]
    fn text_that_is_not_utf8_is_refused_like_a_file() {
        let json = document::encode(&presets::initial_doc(Lang::En));
        let mut bytes = json.into_bytes();
        // Inside a name: with U+FFFD in its place the document would open.
        let at = bytes.len() / 2;
        bytes.splice(at..at, [0xFF, 0xFE]);
        let packed = miniz_oxide::deflate::compress_to_vec(&bytes, 6);
        let link = format!("1.{}", URL_SAFE_NO_PAD.encode(packed));
        assert!(
            matches!(
                decode(&link),
                Err(AddressError::Document(DecodeError::Malformed(_)))
            ),
            "{:?}",
            decode(&link)
        );
        // The very error a file's reading (share/web.rs) gives these bytes.
        assert_eq!(
            decode(&link),
            Err(AddressError::Document(
                document::text_from_bytes(bytes).unwrap_err()
            ))
        );
    }

    /// A deflate bomb: a few hundred bytes that would inflate to 8 MB. It is
    /// refused at the output limit, without inflating it all.
    #[test]
    fn a_decompression_bomb_is_refused() {
        let big = vec![b' '; 8 * 1024 * 1024];
        let packed = miniz_oxide::deflate::compress_to_vec(&big, 10);
        assert!(packed.len() < 20_000, "{}", packed.len());
        let m = format!("1.{}", URL_SAFE_NO_PAD.encode(packed));
        assert!(m.len() < MAX_PAYLOAD_CHARS);
        assert_eq!(decode(&m), Err(AddressError::Damaged));
    }

    /// The committed v1 address (packed by another deflate, Python's zlib,
    /// from tests/fixtures/v1-document.json) opens as this hand-written
    /// document, whatever the format becomes: old links keep opening.
    #[test]
    fn the_v1_fixture_opens_as_written() {
        use crate::document::{Goal, Period, Scenario, Segment};
        use crate::format::Currency;
        use crate::names::{Label, NameKey};
        use funnelcast_engine::{
            DealSpec, GoalLever, Lever, RateSpec, ScenarioSpec, Scope, SegmentSpec, VolumeSpec,
        };
        let text = include_str!("../../tests/fixtures/v1-address.txt").trim();
        let f = parse_fragment(text);
        assert_eq!(f.lang, Some(Lang::Zh));
        let got = decode(f.model.as_deref().unwrap()).unwrap();
        let want = Document {
            // Read as the newest format, which holds it unchanged.
            v: crate::document::FORMAT_VERSION,
            preset: None,
            stages: vec![
                Label::Key(NameKey::Visits),
                Label::Text("看过 <b>价格</b>".into()),
                Label::Key(NameKey::Cart),
                Label::Key(NameKey::Order),
            ],
            segments: vec![
                Segment {
                    label: Label::Text("=Web & \"App\"".into()),
                    spec: SegmentSpec {
                        volume: VolumeSpec::Range {
                            low: 5000.0,
                            high: 20000.0,
                        },
                        rates: vec![
                            RateSpec::Fixed { value: 0.3 },
                            RateSpec::Evidence { k: 120, n: 1000 },
                            RateSpec::Range {
                                low: 0.4,
                                high: 0.6,
                            },
                        ],
                        deal: DealSpec {
                            mean: 85.5,
                            cv: 0.25,
                        },
                    },
                    lags: vec![],
                },
                Segment {
                    label: Label::Key(NameKey::Enterprise),
                    spec: SegmentSpec {
                        volume: VolumeSpec::Fixed { value: 300.0 },
                        rates: vec![
                            RateSpec::Fixed { value: 0.5 },
                            RateSpec::Fixed { value: 0.2 },
                            RateSpec::Fixed { value: 0.9 },
                        ],
                        deal: DealSpec {
                            mean: 1200.0,
                            cv: 0.0,
                        },
                    },
                    lags: vec![],
                },
            ],
            scenarios: vec![
                Scenario {
                    label: Label::Key(NameKey::Awareness30),
                    spec: ScenarioSpec {
                        scope: Scope::All,
                        levers: vec![Lever::Volume { frac: 0.3 }],
                        cost: None,
                    },
                    window: None,
                },
                Scenario {
                    label: Label::Text("Checkout fix −2 pts".into()),
                    spec: ScenarioSpec {
                        scope: Scope::Segment(0),
                        levers: vec![
                            Lever::RatePoints {
                                stage: 3,
                                points: -0.02,
                            },
                            Lever::RateRelative {
                                stage: 2,
                                frac: 0.1,
                            },
                            Lever::Deal { frac: -0.05 },
                        ],
                        cost: Some(2500.0),
                    },
                    window: None,
                },
            ],
            trials: 5000,
            seed: 7,
            margin: Some(0.4),
            currency: Currency::Cny,
            period: Period::Quarter,
            goal: Goal {
                target: Some(90000.0),
                prob: 0.8,
                lever: GoalLever::RatePoints { stage: 2 },
            },
            // Written before documents recorded it: the first numbers.
            engine: 1,
            time: None,
        };
        assert_eq!(got, want);
        assert!(got.plan().is_ok());
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod generated {
        use super::*;
        use proptest::prelude::*;

        fn any_preset_doc() -> impl Strategy<Value = Document> {
            (
                proptest::sample::select(PresetId::ALL.to_vec()),
                // Any seed the decoder reads (a larger one is refused).
                0..=document::MAX_SEED,
                1u32..2_000_000,
                "\\PC{0,60}",
            )
                .prop_map(|(id, seed, trials, name)| {
                    let mut d = presets::preset_doc(id, Lang::Zh);
                    d.seed = seed;
                    d.trials = trials;
                    d.stages[0] = crate::names::Label::Text(name);
                    d
                })
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

            /// decode ∘ encode = identity, names in any script included.
            #[test]
            fn address_decode_encode_is_identity(d in any_preset_doc()) {
                prop_assert_eq!(decode(&encode(&d)), Ok(d.clone()));
                prop_assert_eq!(decode(&encode_stored(&d)), Ok(d));
            }

            /// A cut, a changed character or arbitrary text: refused or read,
            /// never a panic.
            #[test]
            fn damaged_addresses_never_panic(d in any_preset_doc(),
                                             cut in any::<prop::sample::Index>(),
                                             at in any::<prop::sample::Index>(),
                                             ch in proptest::char::any(),
                                             junk in "\\PC{0,300}") {
                let m = encode(&d);
                let cut_at = cut.index(m.len() + 1);
                let _ = decode(&m[..cut_at]);
                let mut chars: Vec<char> = m.chars().collect();
                let i = at.index(chars.len());
                chars[i] = ch;
                let _ = decode(&chars.into_iter().collect::<String>());
                let _ = decode(&junk);
                let _ = decode(&format!("1.{junk}"));
                let _ = parse_fragment(&junk);
            }

            /// Random bytes deflated and packed: refused or read, never a panic.
            #[test]
            fn arbitrary_packed_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
                let _ = decode(&format!("1.{}", URL_SAFE_NO_PAD.encode(&bytes)));
                let packed = miniz_oxide::deflate::compress_to_vec(&bytes, 6);
                let _ = decode(&format!("1.{}", URL_SAFE_NO_PAD.encode(packed)));
            }
        }
    }
}
