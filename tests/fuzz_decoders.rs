//! The two decoders a stranger's input reaches — a link's model part
//! (`share::address::decode`) and a file's or the autosave's JSON
//! (`document::decode`) — fed a fixed budget of generated and mutated inputs:
//! truncated, bit-flipped, spliced, of the wrong version, with huge counts,
//! deep nesting, 10 MB strings, deflate bombs, and valid documents at every
//! limit with extreme values. Each must be refused or read; none may panic,
//! and none may allocate more than a stated bound, measured by the counting
//! allocator below (this binary's global allocator).
//!
//! The mutator is SplitMix64 from a seed fixed before the test was written
//! (`SEED`); the budget is fixed (`MUTANTS_*` and the generated cases:
//! [`TOTAL_AT_LEAST`] inputs in all), so a run is the same every time. Natively
//! only: the component-test build for wasm32 skips this file.
#![cfg(not(target_arch = "wasm32"))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use funnelcast::document::{self, Document, PresetId, MAX_ENCODED_BYTES};
use funnelcast::format::Lang;
use funnelcast::names::Label;
use funnelcast::presets;
use funnelcast::share::address;
use funnelcast_engine::{DealSpec, Lever, RateSpec, ScenarioSpec, Scope, VolumeSpec};

// --- The counting allocator -------------------------------------------------

/// Counts the bytes live on the current thread and their peak. Per thread,
/// so the test harness's other threads do not count; `const` thread-locals
/// of plain `Cell`s need no allocation and no destructor.
struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn grow(n: usize) {
    let _ = LIVE.try_with(|l| {
        let v = l.get() + n as isize;
        l.set(v);
        let _ = PEAK.try_with(|p| p.set(p.get().max(v)));
    });
}

fn shrink(n: usize) {
    let _ = LIVE.try_with(|l| l.set(l.get() - n as isize));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grow(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        shrink(layout.size());
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            shrink(layout.size());
            grow(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Runs `f` and returns the most bytes it had allocated at once (above what
/// was live when it started).
fn peak_of(f: impl FnOnce()) -> usize {
    let start = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(start));
    f();
    (PEAK.with(Cell::get) - start).max(0) as usize
}

// --- The budget and the bound ----------------------------------------------

/// Fixed before the test was written; never tuned.
const SEED: u64 = 0x5EED_2026_1202_0011;
/// Byte-level mutants of documents' JSON, decoded as JSON.
const MUTANTS_JSON: usize = 50_000;
/// Mutants of the same JSON, packed as a valid link (so they reach the
/// JSON codec through the link's path).
const MUTANTS_PACKED: usize = 20_000;
/// Character-level mutants of links (base64 and deflate damaged).
const MUTANTS_LINK: usize = 30_000;
/// Every input tried, generated cases included (checked at the end).
const TOTAL_AT_LEAST: usize = 100_000;

/// The most a decode may allocate at once: 64 KiB, plus 16 bytes for every
/// byte of JSON it reads (a JSON value becomes at most a few words per
/// byte: a one-byte label `""` is a 32-byte enum in a vector that doubles).
/// The JSON it reads is capped at `MAX_ENCODED_BYTES` (256 KiB) — a file's
/// text is refused beyond it, a link's payload stops inflating at it — so
/// a link, whatever it inflates to, is bounded as 256 KiB of JSON, and no
/// input, however long, makes a decode allocate more than
/// 64 KiB + 16 × 256 KiB = 4.06 MiB.
fn bound(input_len: usize, link: bool) -> usize {
    let json = if link {
        MAX_ENCODED_BYTES
    } else {
        input_len.min(MAX_ENCODED_BYTES)
    };
    64 * 1024 + 16 * json
}

// --- Generation ----------------------------------------------------------------

/// SplitMix64: a tiny generator with a fixed seed, for reproducible mutants.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// Pieces a mutation may insert: JSON structure, extreme numbers, versions,
/// escapes, markup, right-to-left overrides.
const TOKENS: &[&str] = &[
    "\"",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "null",
    "true",
    "-1",
    "0",
    "-0",
    "1e999",
    "-1e999",
    "1e308",
    "4294967296",
    "18446744073709551616",
    "-9223372036854775809",
    "0.1e-400",
    "NaN",
    "\"v\":2",
    "\"v\":0",
    "\"v\":-1",
    "\"v\":\"1\"",
    "\\u0000",
    "\\ud800",
    "\\uDFFF\\uD800",
    "\"text\":\"<script>alert(1)</script>\"",
    "\u{202E}",
    "\"key\":\"nope\"",
    "{\"range\":{}}",
    "[[[[[[[[",
    "]]]]]]]]",
    "\"stages\":[]",
    "\"scenarios\":[",
    "\"stage\":99",
];

fn mutate(rng: &mut Rng, seed: &[u8], other: &[u8]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..1 + rng.below(3) {
        let len = b.len().max(1);
        match rng.below(8) {
            // Flip 1–4 bits.
            0 => {
                for _ in 0..1 + rng.below(4) {
                    if !b.is_empty() {
                        let i = rng.below(b.len());
                        b[i] ^= 1 << rng.below(8);
                    }
                }
            }
            // Cut short.
            1 => b.truncate(rng.below(len)),
            // Remove a span.
            2 => {
                let i = rng.below(len);
                let j = (i + 1 + rng.below(64)).min(b.len());
                if i < j {
                    b.drain(i..j);
                }
            }
            // Repeat a span.
            3 => {
                let i = rng.below(len);
                let j = (i + 1 + rng.below(256)).min(b.len());
                if i < j {
                    let span = b[i..j].to_vec();
                    for _ in 0..1 + rng.below(4) {
                        b.splice(i..i, span.iter().copied());
                    }
                }
            }
            // Insert a token.
            4 | 5 => {
                let i = rng.below(len + 1).min(b.len());
                let t = rng.pick(TOKENS).as_bytes();
                b.splice(i..i, t.iter().copied());
            }
            // Replace a number with a token.
            6 => {
                let i = rng.below(len).min(b.len().saturating_sub(1));
                if let Some(s) = (i..b.len()).find(|&k| b[k].is_ascii_digit()) {
                    let e = (s..b.len())
                        .find(|&k| !(b[k].is_ascii_digit() || b"-.eE+".contains(&b[k])))
                        .unwrap_or(b.len());
                    let t = rng.pick(TOKENS).as_bytes();
                    b.splice(s..e, t.iter().copied());
                }
            }
            // Splice with another seed.
            _ => {
                let i = rng.below(len).min(b.len());
                let j = rng.below(other.len().max(1)).min(other.len());
                b.truncate(i);
                b.extend_from_slice(&other[j..]);
            }
        }
    }
    b
}

fn pack(json: &[u8]) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(json, 1);
    format!("1.{}", URL_SAFE_NO_PAD.encode(packed))
}

/// A valid document at every limit with extreme values: 12 stages, 6
/// segments, 7 scenarios, 60-character names of markup, 4-byte characters
/// and right-to-left overrides, the largest numbers a field holds.
fn extreme_doc() -> Document {
    let mut d = presets::preset_doc(PresetId::CaseB, Lang::Zh);
    let names = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "</text><script>alert(1)</script>",
        "&amp;lt;b&amp;gt;",
        "\u{202E}gnp.exe",
        "=cmd|' /C calc'!A0",
    ];
    while d.add_stage(Label::Text("𝔘".repeat(60))) {}
    while d.add_segment(Label::Text("\u{202E}".repeat(60))) {}
    while d.add_scenario(
        Label::Text("<".repeat(60)),
        ScenarioSpec {
            scope: Scope::Segment(5),
            levers: vec![
                Lever::Volume { frac: 100.0 },
                Lever::Deal { frac: -1.0 },
                Lever::RatePoints {
                    stage: 11,
                    points: 1.0,
                },
                Lever::RateRelative {
                    stage: 1,
                    frac: f64::MIN_POSITIVE,
                },
            ],
            cost: Some(f64::MAX),
        },
    ) {}
    for (i, n) in names.iter().enumerate() {
        d.stages[i] = Label::Text(n.to_string());
        d.segments[i].label = Label::Text(n.to_string());
    }
    for seg in &mut d.segments {
        seg.spec.volume = VolumeSpec::Range {
            low: 5e-324,
            high: f64::MAX,
        };
        seg.spec.deal = DealSpec {
            mean: 1e12,
            cv: -0.0,
        };
        for r in &mut seg.spec.rates {
            *r = RateSpec::Evidence {
                k: u64::MAX,
                n: u64::MAX,
            };
        }
    }
    d.trials = u32::MAX;
    d.seed = document::MAX_SEED;
    d.margin = Some(f64::MIN_POSITIVE);
    d
}

/// Texts built to be hostile: wrong versions, huge counts, deep nesting,
/// 10 MB strings, deflate bombs. (JSON text, or a whole link when `link`.)
fn generated(base: &str) -> Vec<(bool, String)> {
    let mut out = vec![];
    let body = base
        .strip_prefix("{\"v\":1,")
        .expect("a version-1 document");
    for v in [
        "0",
        "2",
        "99",
        "-1",
        "1.5",
        "\"1\"",
        "null",
        "4294967296",
        "1e400",
        "[]",
        "{}",
    ] {
        out.push((false, format!("{{\"v\":{v},{body}")));
    }
    // Huge counts, within the length limit: the decoder reads and refuses.
    let many = |item: &str, n: usize| vec![item; n].join(",");
    out.push((
        false,
        format!(
            "{{\"v\":1,\"stages\":[{}]}}",
            many("{\"text\":\"\"}", 20_000)
        ),
    ));
    out.push((
        false,
        base.replacen(
            "\"stages\":[",
            &format!("\"stages\":[{},", many("{\"key\":\"visits\"}", 15_000)),
            1,
        ),
    ));
    out.push((
        false,
        base.replacen(
            "\"levers\":[",
            &format!("\"levers\":[{},", many("{\"volume\":{\"frac\":0}}", 10_000)),
            1,
        ),
    ));
    out.push((
        false,
        format!("{{\"v\":1,\"stages\":[{}]}}", many("\"\"", 80_000)),
    ));
    out.push((false, format!("[{}]", many("0", 120_000))));
    // Deep nesting: serde_json stops at its recursion limit, no stack overflow.
    for depth in [129, 1_000, 100_000] {
        out.push((false, format!("{}{}", "[".repeat(depth), "]".repeat(depth))));
        out.push((false, format!("{{\"v\":1,\"stages\":{}", "[".repeat(depth))));
        out.push((
            false,
            format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth)),
        ));
    }
    // 10 MB: refused by length before anything is read.
    let ten_mb = "x".repeat(10 * 1024 * 1024);
    out.push((false, format!("{{\"v\":1,\"pad\":\"{ten_mb}\"}}")));
    out.push((true, format!("1.{ten_mb}")));
    // Just at and over the length limit.
    for n in [MAX_ENCODED_BYTES - 20, MAX_ENCODED_BYTES + 1] {
        out.push((false, format!("{{\"v\":1,\"pad\":\"{}\"}}", "y".repeat(n))));
    }
    // Deflate bombs and near-bombs.
    for n in [MAX_ENCODED_BYTES, MAX_ENCODED_BYTES + 1, 8 << 20] {
        out.push((true, pack(&vec![b' '; n])));
    }
    out.push((
        true,
        pack(
            format!(
                "{{\"v\":1,\"pad\":\"{}\"}}",
                "z".repeat(MAX_ENCODED_BYTES - 40)
            )
            .as_bytes(),
        ),
    ));
    // Not our packing, empty, or the prefix alone.
    for s in ["", "1.", "2.AAAA", "1.====", "1.\u{202E}", "1.%00"] {
        out.push((true, s.to_string()));
    }
    out
}

/// Hostile documents that parse as JSON of the right shape but must be
/// refused, as a file and as a link: each would show the user something
/// other than what runs. `base` holds a scenario with a volume lever.
fn must_refuse(base: &str) -> Vec<Vec<u8>> {
    let levers = "\"levers\":[";
    assert!(base.contains(levers), "a scenario with levers");
    let mut out: Vec<Vec<u8>> = [
        // One kind twice: the box shows +10 %, the engine computes +120 %.
        r#"{"kind":"volume","frac":0.1},{"kind":"volume","frac":1.0},"#,
        r#"{"kind":"deal","frac":0.1},{"kind":"deal","frac":-0.1},"#,
        // Two rate levers of one kind at one stage.
        r#"{"kind":"rate_points","stage":1,"points":0.1},{"kind":"rate_points","stage":1,"points":0.1},"#,
        r#"{"kind":"rate_relative","stage":2,"frac":0.1},{"kind":"rate_relative","stage":2,"frac":0.2},"#,
    ]
    .iter()
    .map(|l| {
        base.replacen(levers, &format!("{levers}{l}"), 1)
            .into_bytes()
    })
    .collect();
    // A seed a number box cannot hold (above 2^53).
    let seed = base.find("\"seed\":").expect("a seed");
    let end = seed + base[seed..].find(',').expect("a field after the seed");
    for big in ["18446744073709551615", "9007199254740992"] {
        out.push(format!("{}\"seed\":{big}{}", &base[..seed], &base[end..]).into_bytes());
    }
    // Bytes that are not UTF-8, inside a name: never read as U+FFFD.
    let name = base.find("\"text\":\"").expect("a typed name") + 8;
    let mut bad = base.as_bytes().to_vec();
    bad.splice(name..name, [0xC3, 0x28, 0xFF]);
    out.push(bad);
    out
}

/// Decodes `text` (JSON, or a link when `link`) and checks the bound; what
/// decodes keeps the invariants the page indexes by.
fn try_one(text: &str, link: bool, worst: &mut (usize, usize, String), slowest: &mut f64) {
    let mut decoded: Option<Document> = None;
    let t0 = std::time::Instant::now();
    let peak = peak_of(|| {
        decoded = if link {
            address::decode(text).ok()
        } else {
            document::decode(text).ok()
        };
    });
    // Printed, never asserted (no timing assertions): a hang would show as
    // a test that never ends.
    *slowest = slowest.max(t0.elapsed().as_secs_f64());
    if let Some(d) = decoded {
        assert!(
            (2..=12).contains(&d.stages()),
            "{}",
            &text[..text.len().min(200)]
        );
        for seg in &d.segments {
            assert_eq!(seg.spec.rates.len() + 1, d.stages());
        }
        // The page's first uses of a decoded document must not panic either.
        let _ = d.plan();
        let _ = d.expected_totals();
        let _ = d.name_problems();
    }
    let limit = bound(text.len(), link);
    assert!(
        peak <= limit,
        "{peak} bytes allocated at once for an input of {} bytes (bound {limit}): {}",
        text.len(),
        &text[..text.len().min(200)]
    );
    if peak * 1000 / limit > worst.0 * 1000 / worst.1.max(1) {
        *worst = (peak, limit, text.chars().take(80).collect());
    }
}

#[test]
fn the_decoders_survive_a_fixed_budget_of_hostile_inputs() {
    let mut seeds: Vec<Document> = PresetId::ALL
        .iter()
        .flat_map(|&id| [Lang::En, Lang::Zh].map(|l| presets::preset_doc(id, l)))
        .collect();
    seeds.push(extreme_doc());
    for fixture in [
        include_str!("fixtures/v1-document.json"),
        include_str!("../docs/example-document.json"),
    ] {
        seeds.push(document::decode(fixture).expect("fixture"));
    }
    let long = include_str!("fixtures/long-address.txt").trim();
    let long_model = address::parse_fragment(long).model.expect("a model part");
    seeds.push(address::decode(&long_model).expect("long fixture"));
    let jsons: Vec<Vec<u8>> = seeds
        .iter()
        .map(|d| document::encode(d).into_bytes())
        .collect();
    let links: Vec<String> = seeds.iter().map(address::encode).collect();
    // Every seed decodes to itself, both ways (the mutants start from good input).
    for (d, (j, l)) in seeds.iter().zip(jsons.iter().zip(&links)) {
        assert_eq!(
            &document::decode(std::str::from_utf8(j).unwrap()).unwrap(),
            d
        );
        assert_eq!(&address::decode(l).unwrap(), d);
    }

    // The allocator counts (a bound it could not see would prove nothing).
    let mb = peak_of(|| drop(std::hint::black_box(vec![1u8; 1 << 20])));
    assert!(mb >= 1 << 20, "{mb}");

    let mut rng = Rng(SEED);
    let mut tried = 0usize;
    let mut worst = (0usize, 1usize, String::new());
    let mut read = 0usize;
    let mut slowest = 0.0f64;

    for (link, text) in generated(std::str::from_utf8(&jsons[0]).unwrap()) {
        try_one(&text, link, &mut worst, &mut slowest);
        tried += 1;
    }
    let example = include_str!("../docs/example-document.json");
    for bytes in must_refuse(&document::encode(
        &document::decode(example).expect("the example"),
    )) {
        let shown = String::from_utf8_lossy(&bytes);
        let link = pack(&bytes);
        assert!(
            address::decode(&link).is_err(),
            "a link opened: {}",
            &shown[..shown.len().min(300)]
        );
        // A file's bytes go the way share/web.rs reads them.
        assert!(
            document::text_from_bytes(bytes.clone())
                .and_then(|t| document::decode(&t))
                .is_err(),
            "a file opened: {}",
            &shown[..shown.len().min(300)]
        );
        try_one(&link, true, &mut worst, &mut slowest);
        tried += 1;
    }
    for _ in 0..MUTANTS_JSON {
        let (a, b) = (rng.pick(&jsons), rng.pick(&jsons));
        let m = mutate(&mut rng, a, b);
        let text = String::from_utf8_lossy(&m);
        if document::decode(&text).is_ok() {
            read += 1;
        }
        try_one(&text, false, &mut worst, &mut slowest);
        tried += 1;
    }
    for _ in 0..MUTANTS_PACKED {
        let (a, b) = (rng.pick(&jsons), rng.pick(&jsons));
        let m = mutate(&mut rng, a, b);
        try_one(&pack(&m), true, &mut worst, &mut slowest);
        tried += 1;
    }
    for _ in 0..MUTANTS_LINK {
        let (a, b) = (rng.pick(&links), rng.pick(&links));
        let m = mutate(&mut rng, a.as_bytes(), b.as_bytes());
        try_one(&String::from_utf8_lossy(&m), true, &mut worst, &mut slowest);
        tried += 1;
    }
    assert!(tried >= TOTAL_AT_LEAST, "{tried} inputs");
    // Some mutants must still be documents, or the mutator only tested the
    // JSON parser's first byte.
    assert!(read > 100, "only {read} mutants decoded");
    eprintln!(
        "fuzz: {tried} inputs, {read} JSON mutants decoded; largest share of the bound: {} of {} bytes for {:?}; slowest decode {:.1} ms",
        worst.0, worst.1, worst.2, slowest * 1e3
    );
}
