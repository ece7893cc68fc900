//! The bytes of the page's messages to and from its workers: a small
//! hand-written codec. A serde format instantiates serde's derive code for
//! every message type (the results and all they hold) on top of its own,
//! for messages whose shape never leaves one build of the page: the page and
//! its workers run the same module, so both sides always agree on it
//! (docs/benchmarks.md has the size measured against `postcard`).
//!
//! The format: values one after the other, no names, no padding.
//! - Unsigned integers (`u32`, `u64`, `usize`) as LEB128: ids, counts,
//!   indices and histogram bins are mostly small (one byte each), and a
//!   `usize` has the same bytes on wasm32 and natively (a value too large
//!   for the type it is read as is refused).
//! - `f64` as its 8 little-endian bytes, bit for bit (NaN payloads, −0.0).
//! - `bool` and `Option` as a byte 0 or 1; an enum's variant as a tag byte,
//!   then its fields; any other byte is refused.
//! - `String` and `Vec` as a length, then the UTF-8 bytes or the elements.
//!   Every value takes at least one byte, so a length longer than the bytes
//!   left is refused before anything is allocated for it.
//!
//! A job's model crosses as its JSON text (the document's own codec). The
//! engine's `CountHist` keeps its fields private: it crosses as its plain
//! parts (`CountHist::to_parts` / `from_parts`).

use funnelcast_engine::summary::{CountHist, CountHistParts};
use funnelcast_engine::{
    ChunkSummary, Comparison, ExactFigures, ExactLaw, Field, GoalLever, GoalResult, Histogram,
    McError, ModelError, Problem, Results, ScenarioResult, Sensitivity, SensitivityBar,
    SensitivityInput, StageSummary, Summary, Swing,
};

use super::protocol::{FromWorker, ToWorker};
use super::{GoalAsk, Job, JobOutput, Reply, RunError};

/// Why bytes were refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WireError {
    /// The bytes end inside a value.
    Truncated,
    /// A tag byte (a variant, a bool, an option) that names nothing.
    BadTag(u8),
    /// A number too large for its type, or a length beyond the bytes left.
    TooLarge,
    /// Text that is not UTF-8.
    NotUtf8,
    /// A job's model whose JSON text does not decode.
    Model,
    /// Bytes left over after the message.
    Trailing,
    /// A value its type refuses (a `CountHist` bin width no histogram has).
    Invalid,
    /// Not a message at all (no bytes under `m`).
    NotAMessage,
}

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self, f)
    }
}

impl std::error::Error for WireError {}

/// What a tag byte of an engine enum becomes for a variant this page does
/// not know (the engine's error enums are `#[non_exhaustive]`): no variant
/// has it, so the other side refuses the message.
const UNKNOWN: u8 = 0xFF;

/// A value that crosses as bytes.
pub trait Wire: Sized {
    fn put(&self, out: &mut Vec<u8>);
    fn take(r: &mut Reader) -> Result<Self, WireError>;
}

/// The bytes of one message.
pub fn to_bytes<T: Wire>(v: &T) -> Vec<u8> {
    let mut out = Vec::new();
    v.put(&mut out);
    out
}

/// One message from all of `bytes` (bytes left over are refused).
pub fn from_bytes<T: Wire>(bytes: &[u8]) -> Result<T, WireError> {
    let mut r = Reader { rest: bytes };
    let v = T::take(&mut r)?;
    if r.rest.is_empty() {
        Ok(v)
    } else {
        Err(WireError::Trailing)
    }
}

/// The bytes not read yet.
pub struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn byte(&mut self) -> Result<u8, WireError> {
        let (&b, rest) = self.rest.split_first().ok_or(WireError::Truncated)?;
        self.rest = rest;
        Ok(b)
    }

    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        if n > self.rest.len() {
            return Err(WireError::Truncated);
        }
        let (head, rest) = self.rest.split_at(n);
        self.rest = rest;
        Ok(head)
    }

    /// A LEB128 number: 7 bits a byte, low first; at most 10 bytes.
    pub fn varint(&mut self) -> Result<u64, WireError> {
        let mut v = 0u64;
        for i in 0..10 {
            let b = self.byte()?;
            // The tenth byte holds bit 63 only.
            if i == 9 && b > 1 {
                return Err(WireError::TooLarge);
            }
            v |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(WireError::TooLarge)
    }

    /// A length prefix: at most the bytes left, since every value takes at
    /// least one byte.
    pub fn length(&mut self) -> Result<usize, WireError> {
        let n = self.varint()?;
        if n > self.rest.len() as u64 {
            return Err(WireError::TooLarge);
        }
        Ok(n as usize)
    }
}

fn put_varint(mut v: u64, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

impl Wire for u64 {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(*self, out);
    }
    fn take(r: &mut Reader) -> Result<Self, WireError> {
        r.varint()
    }
}

impl Wire for u32 {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(u64::from(*self), out);
    }
    fn take(r: &mut Reader) -> Result<Self, WireError> {
        u32::try_from(r.varint()?).map_err(|_| WireError::TooLarge)
    }
}

impl Wire for usize {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(*self as u64, out);
    }
    fn take(r: &mut Reader) -> Result<Self, WireError> {
        usize::try_from(r.varint()?).map_err(|_| WireError::TooLarge)
    }
}

impl Wire for f64 {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_bits().to_le_bytes());
    }
    fn take(r: &mut Reader) -> Result<Self, WireError> {
        let b = r.bytes(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(f64::from_bits(u64::from_le_bytes(a)))
    }
}

impl Wire for bool {
    fn put(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }
    fn take(r: &mut Reader) -> Result<Self, WireError> {
        match r.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            t => Err(WireError::BadTag(t)),
        }
    }
}

impl Wire for String {
    fn put(&self, out: &mut Vec<u8>) {
        self.len().put(out);
        out.extend_from_slice(self.as_bytes());
    }
    fn take(r: &mut Reader) -> Result<Self, WireError> {
        let n = r.length()?;
        let b = r.bytes(n)?;
        std::str::from_utf8(b)
            .map(str::to_owned)
            .map_err(|_| WireError::NotUtf8)
    }
}

impl<T: Wire> Wire for Option<T> {
    fn put(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(v) => {
                out.push(1);
                v.put(out);
            }
        }
    }
    fn take(r: &mut Reader) -> Result<Self, WireError> {
        match r.byte()? {
            0 => Ok(None),
            1 => T::take(r).map(Some),
            t => Err(WireError::BadTag(t)),
        }
    }
}

/// Room reserved up front for a vector's elements, at most: a length is
/// checked against the bytes left, but an element in memory can be far
/// larger than its one byte on the wire.
const RESERVE_BYTES: usize = 1 << 16;

impl<T: Wire> Wire for Vec<T> {
    fn put(&self, out: &mut Vec<u8>) {
        self.len().put(out);
        for v in self {
            v.put(out);
        }
    }
    fn take(r: &mut Reader) -> Result<Self, WireError> {
        let n = r.length()?;
        let mut v = Vec::with_capacity(n.min(RESERVE_BYTES / std::mem::size_of::<T>().max(1)));
        for _ in 0..n {
            v.push(T::take(r)?);
        }
        Ok(v)
    }
}

/// A struct as its fields in order. Its decoder names every field, so a
/// field added to the struct stops the build until it is added here.
macro_rules! wire_struct {
    ($t:ty { $($f:ident),* $(,)? }) => {
        impl Wire for $t {
            fn put(&self, out: &mut Vec<u8>) {
                $(self.$f.put(out);)*
            }
            fn take(r: &mut Reader) -> Result<Self, WireError> {
                Ok(Self { $($f: Wire::take(r)?,)* })
            }
        }
    };
}

/// An enum as a tag byte, then the variant's fields in order. `open`: an
/// enum of another crate marked `#[non_exhaustive]`, whose variants unknown
/// here are sent as [`UNKNOWN`] (and refused on the other side).
macro_rules! wire_enum {
    (open $t:ident $body:tt) => {
        wire_enum!(@impl $t, [_], $body);
    };
    ($t:ident $body:tt) => {
        wire_enum!(@impl $t, [], $body);
    };
    (@impl $t:ident, [$($wild:tt)?], {
        $($tag:literal => $v:ident $(($($a:ident),*))? $({$($f:ident),*})?),* $(,)?
    }) => {
        impl Wire for $t {
            fn put(&self, out: &mut Vec<u8>) {
                match self {
                    $(Self::$v $(($($a),*))? $({$($f),*})? => {
                        out.push($tag);
                        $($($a.put(out);)*)?
                        $($($f.put(out);)*)?
                    })*
                    $($wild => out.push(UNKNOWN),)?
                }
            }
            fn take(r: &mut Reader) -> Result<Self, WireError> {
                Ok(match r.byte()? {
                    $($tag => {
                        $($(let $a = Wire::take(r)?;)*)?
                        $($(let $f = Wire::take(r)?;)*)?
                        Self::$v $(($($a),*))? $({$($f),*})?
                    })*
                    t => return Err(WireError::BadTag(t)),
                })
            }
        }
    };
}

// The messages. `Share` is the first variant of both directions, with the
// same fields: the page hands a helper's share to the lead as it came.
wire_enum!(ToWorker {
    0 => Share { id, share },
    1 => Run { job, from, to, lead },
    2 => Cancel(id),
    3 => Ping,
});
wire_enum!(FromWorker {
    0 => Share { id, share },
    1 => Ready,
    2 => Reply(reply),
    3 => Pong,
});
wire_enum!(Reply {
    0 => Progress { id, trials_done, trials },
    1 => Partial { id, results },
    2 => Done { id, output, workers },
    3 => Failed { id, error },
});
wire_enum!(RunError {
    0 => Invalid(errors),
    1 => Stopped,
});
wire_struct!(GoalAsk {
    target,
    prob,
    lever
});
// A time-mode job never crosses to a worker: it runs on the page's thread
// (`Job::time`), so neither its inputs nor its monthly figures have bytes.
// A job in time mode is refused here rather than run as one period.
impl Wire for JobOutput {
    fn put(&self, out: &mut Vec<u8>) {
        self.results.put(out);
        self.goal.put(out);
    }
    fn take(r: &mut Reader) -> Result<Self, WireError> {
        Ok(JobOutput {
            results: Wire::take(r)?,
            goal: Wire::take(r)?,
            months: None,
        })
    }
}

/// The model as its JSON text: the document's codec, which the page has
/// anyway, instead of a second encoder for every input kind.
impl Wire for Job {
    fn put(&self, out: &mut Vec<u8>) {
        self.id.put(out);
        crate::document::model_to_json(&self.model).put(out);
        self.goal.put(out);
        self.time.is_some().put(out);
    }
    fn take(r: &mut Reader) -> Result<Self, WireError> {
        let id = Wire::take(r)?;
        let text = String::take(r)?;
        let model = crate::document::model_from_json(&text).map_err(|_| WireError::Model)?;
        let goal = Wire::take(r)?;
        if bool::take(r)? {
            return Err(WireError::Invalid);
        }
        Ok(Job {
            id,
            model,
            goal,
            time: None,
        })
    }
}

// The engine's answers.
wire_struct!(Results {
    trials,
    seed,
    scenarios,
    sensitivity
});
wire_struct!(ScenarioResult {
    stages,
    customers,
    revenue,
    revenue_hist,
    cvar5,
    cvar5_err,
    p_target,
    p_target_err,
    vs_baseline,
    exact
});
wire_struct!(StageSummary {
    mean,
    p5,
    p50,
    p95,
    exact,
    err
});
wire_struct!(Summary {
    mean,
    sd,
    se,
    min,
    p5,
    p10,
    p50,
    p90,
    p95,
    max,
    err
});
wire_struct!(McError {
    mean,
    p5,
    p10,
    p50,
    p90,
    p95
});
wire_struct!(ExactLaw {
    mean,
    p5,
    p10,
    p50,
    p90,
    p95
});
wire_struct!(ExactFigures { customers, revenue });
wire_struct!(Histogram {
    lo,
    width,
    counts,
    below,
    above
});
wire_struct!(Comparison {
    uplift,
    uplift_hist,
    p_beat,
    p_more,
    p_equal,
    p_beat_err,
    p_more_err,
    p_equal_err,
    p_profit,
    p_profit_err,
    exact_uplift,
    cost,
    net_gain,
    roi
});
wire_struct!(Sensitivity {
    bars,
    bottleneck,
    swings
});
wire_struct!(SensitivityBar { input, gain });
wire_struct!(Swing {
    segment,
    input,
    at_p10,
    at_p90
});
wire_enum!(SensitivityInput {
    0 => Rate { stage },
    1 => Volume,
    2 => Deal,
});
wire_struct!(GoalResult {
    lever,
    change,
    achieved,
    achieved_se,
    tolerance,
    change_err
});
wire_enum!(GoalLever {
    0 => Volume,
    1 => RatePoints { stage },
});
wire_struct!(ModelError { field, problem });
wire_enum!(open Field {
    0 => Stages,
    1 => Segments,
    2 => Volume(g),
    3 => VolumeLow(g),
    4 => VolumeHigh(g),
    5 => Rate(g, i),
    6 => RateLow(g, i),
    7 => RateHigh(g, i),
    8 => EvidenceK(g, i),
    9 => EvidenceN(g, i),
    10 => DealValue(g),
    11 => DealCv(g),
    12 => Margin,
    13 => Trials,
    14 => Seed,
    15 => Scenarios,
    16 => LeverScope(s),
    17 => LeverVolumePct(s),
    18 => LeverRatePts(s, i),
    19 => LeverRatePct(s, i),
    20 => LeverDealPct(s),
    21 => LeverCost(s),
    22 => GoalTarget,
    23 => GoalProb,
});
wire_enum!(open Problem {
    0 => NotFinite,
    1 => OutOfRange { min, max },
    2 => NotWhole,
    3 => LowNotBelowHigh,
    4 => MoreSuccessesThanTrials,
    5 => TooMany { max },
    6 => TooFew { min },
    7 => NoSuchIndex,
    8 => TrialsForScenarios { max, scenarios },
    9 => RangeTooNarrow,
    10 => RangeTooWide { max_ratio },
});
wire_struct!(ChunkSummary {
    first_block,
    blocks,
    trials,
    counts,
    revenue,
    uplift
});

/// A `u128` as its low and high `u64`.
impl Wire for u128 {
    fn put(&self, out: &mut Vec<u8>) {
        put_varint(*self as u64, out);
        put_varint((*self >> 64) as u64, out);
    }
    fn take(r: &mut Reader) -> Result<Self, WireError> {
        let (lo, hi) = (r.varint()?, r.varint()?);
        Ok(u128::from(lo) | u128::from(hi) << 64)
    }
}

wire_struct!(CountHistParts {
    base,
    shift,
    counts,
    n,
    sum,
    min,
    max
});

/// Through its parts (its fields are private to the engine); a bin width
/// no histogram has is refused.
impl Wire for CountHist {
    fn put(&self, out: &mut Vec<u8>) {
        self.to_parts().put(out);
    }
    fn take(r: &mut Reader) -> Result<Self, WireError> {
        CountHist::from_parts(CountHistParts::take(r)?).ok_or(WireError::Invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::PresetId;
    use crate::format::Lang;
    use crate::presets::{apply_preset, initial_doc};
    use crate::runner::{run_job, GoalAsk, JobId};
    use funnelcast_engine::{Model, Simulation};

    /// Case B (two segments) with the two ready scenarios (one with a
    /// cost), an uncertain volume and rates of each kind: every kind of
    /// field in the results but the exact laws. A few thousand trials.
    fn case_b() -> Model {
        use funnelcast_engine::{RateSpec, VolumeSpec};
        let mut d = apply_preset(&initial_doc(Lang::En), PresetId::CaseB, Lang::En);
        let (label, spec) = crate::presets::case_a(d.stages());
        d.add_scenario(label, spec);
        let (label, spec) = crate::presets::awareness30();
        d.add_scenario(label, spec);
        let mut m = d.model();
        m.trials = 9_000;
        m.segments[0].volume = VolumeSpec::Range {
            low: 6_000.0,
            high: 11_000.0,
        };
        m.segments[1].rates[1] = RateSpec::Evidence { k: 40, n: 100 };
        m.segments[1].rates[2] = RateSpec::Range {
            low: 0.3,
            high: 0.4,
        };
        m
    }

    /// The classic funnel, every input fixed: the exact laws.
    fn classic() -> Model {
        let mut m = initial_doc(Lang::En).model();
        m.trials = 2_000;
        m
    }

    fn job(id: JobId, lever: GoalLever) -> Job {
        Job {
            id,
            model: case_b(),
            goal: Some(GoalAsk {
                target: 300_000.0,
                prob: 0.9,
                lever,
            }),
            time: None,
        }
    }

    /// A count histogram with coarse bins (values spanning more than its
    /// 65,536 bins) and a sum beyond `u64`: every field in use.
    fn wide_hist() -> CountHist {
        let mut h = CountHist::new();
        for v in [3, 70_000, 1 << 40, 1 << 62, 1 << 62, 1 << 62, 1 << 62, 12] {
            h.add(v);
        }
        assert!(h.mean() * h.len() as f64 > u64::MAX as f64);
        h
    }

    /// One message of every kind, with real results.
    fn messages() -> (Vec<ToWorker>, Vec<FromWorker>) {
        let model = case_b();
        let plan = model.validate().unwrap();
        let mut share = Simulation::chunk(&plan, 1..3);
        assert!(
            share.counts.iter().any(|h| !h.is_empty()),
            "the share carries count histograms"
        );
        share.counts.push(wide_hist());
        let mut output = run_job(&job(1, GoalLever::RatePoints { stage: 2 })).unwrap();
        // As a worker's job: with the sensitivity step.
        output.results.sensitivity = funnelcast_engine::sensitivity::sensitivity(&plan);
        assert!(output.goal.is_some());
        let sc = &output.results.scenarios;
        assert!(sc[1].vs_baseline.as_ref().is_some_and(|c| c.cost.is_some()));
        assert!(!output.results.sensitivity.swings.is_empty());
        let exact = run_job(&Job {
            model: classic(),
            ..job(5, GoalLever::Volume)
        })
        .unwrap();
        assert!(exact.results.scenarios[0].exact.is_some());
        let mut partial = Simulation::new(&plan);
        partial.step();
        let partial = partial.partial().unwrap();
        let errors = vec![
            ModelError::new(Field::Trials, Problem::TooFew { min: 1 }),
            ModelError::new(
                Field::RateLow(1, 2),
                Problem::OutOfRange {
                    min: -0.0,
                    max: f64::from_bits(0x7ff8_0000_dead_beef),
                },
            ),
            ModelError::new(
                Field::LeverRatePts(3, 1),
                Problem::TrialsForScenarios {
                    max: u32::MAX,
                    scenarios: usize::MAX,
                },
            ),
            ModelError::new(Field::GoalProb, Problem::RangeTooNarrow),
        ];
        let to = vec![
            ToWorker::Share {
                id: 9,
                share: share.clone(),
            },
            ToWorker::Run {
                job: job(u64::MAX, GoalLever::Volume),
                from: 0,
                to: 3,
                lead: Some(1),
            },
            ToWorker::Run {
                job: Job {
                    goal: None,
                    ..job(2, GoalLever::Volume)
                },
                from: 3,
                to: 5,
                lead: None,
            },
            ToWorker::Cancel(4),
            ToWorker::Ping,
        ];
        let from = vec![
            FromWorker::Share { id: 9, share },
            FromWorker::Ready,
            FromWorker::Pong,
            FromWorker::Reply(Reply::Progress {
                id: 3,
                trials_done: 5,
                trials: 9,
            }),
            FromWorker::Reply(Reply::Partial {
                id: 3,
                results: partial,
            }),
            FromWorker::Reply(Reply::Done {
                id: 1,
                output,
                workers: 2,
            }),
            FromWorker::Reply(Reply::Done {
                id: 5,
                output: exact,
                workers: 0,
            }),
            FromWorker::Reply(Reply::Failed {
                id: 2,
                error: RunError::Invalid(errors),
            }),
            FromWorker::Reply(Reply::Failed {
                id: 2,
                error: RunError::Stopped,
            }),
        ];
        (to, from)
    }

    /// Equal values, every `f64` bit for bit: the bytes of the value read
    /// back are those it was read from (a float written other than as its
    /// bits would differ).
    fn round_trip<T: Wire + PartialEq + std::fmt::Debug>(v: &T) -> Vec<u8> {
        let bytes = to_bytes(v);
        let back: T = from_bytes(&bytes).unwrap();
        assert_eq!(to_bytes(&back), bytes);
        bytes
    }

    #[test]
    fn every_message_kind_comes_back_equal() {
        let (to, from) = messages();
        for m in &to {
            let bytes = round_trip(m);
            let back: ToWorker = from_bytes(&bytes).unwrap();
            // NaN ≠ NaN: only the failure with a NaN bound is compared by
            // its bytes alone.
            assert_eq!(&back, m);
        }
        for m in &from {
            let bytes = round_trip(m);
            let back: FromWorker = from_bytes(&bytes).unwrap();
            let has_nan = matches!(
                m,
                FromWorker::Reply(Reply::Failed {
                    error: RunError::Invalid(_),
                    ..
                })
            );
            if !has_nan {
                assert_eq!(&back, m);
            }
        }
        // The model crosses whole (its JSON text), seed and names included.
        let ToWorker::Run { job: j, .. } = &to[1] else {
            unreachable!()
        };
        let ToWorker::Run { job: back, .. } = from_bytes(&to_bytes(&to[1])).unwrap() else {
            panic!("not a run")
        };
        assert_eq!(back.model, j.model);
        assert_eq!(back.id, u64::MAX);
    }

    #[test]
    fn floats_cross_bit_for_bit() {
        for x in [
            0.0,
            -0.0,
            f64::NAN,
            -f64::NAN,
            f64::from_bits(0x7ff0_0000_0000_0001),
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
            5e-324,
            -1.5e300,
        ] {
            let back: f64 = from_bytes(&to_bytes(&x)).unwrap();
            assert_eq!(back.to_bits(), x.to_bits(), "{x}");
        }
    }

    #[test]
    fn integers_at_their_limits() {
        for v in [0u64, 1, 127, 128, 16_383, 16_384, u32::MAX as u64, u64::MAX] {
            let b = to_bytes(&v);
            assert_eq!(from_bytes::<u64>(&b), Ok(v));
            assert_eq!(from_bytes::<u32>(&b).ok(), u32::try_from(v).ok());
        }
        assert_eq!(to_bytes(&127u32), [127]);
        assert_eq!(to_bytes(&300u32), [0xac, 0x02]);
        assert_eq!(to_bytes(&u64::MAX).len(), 10);
        // Past 64 bits, and more than ten bytes.
        let mut over = vec![0xff; 9];
        over.push(0x02);
        assert_eq!(from_bytes::<u64>(&over), Err(WireError::TooLarge));
        assert_eq!(from_bytes::<u64>(&[0x80; 11]), Err(WireError::TooLarge));
        assert_eq!(
            from_bytes::<u32>(&to_bytes(&(1u64 << 32))),
            Err(WireError::TooLarge)
        );
    }

    #[test]
    fn a_count_histogram_comes_back_equal() {
        for h in [CountHist::new(), CountHist::default(), wide_hist()] {
            let bytes = round_trip(&h);
            assert_eq!(from_bytes::<CountHist>(&bytes).unwrap(), h);
        }
        let h = wide_hist();
        let back: CountHist = from_bytes(&to_bytes(&h)).unwrap();
        assert_eq!(back.len(), 8);
        assert_eq!(back.mean(), h.mean());
        assert_eq!(back.quantile(0.5), h.quantile(0.5));
    }

    /// Share comes first in both directions, with the same fields: the page
    /// forwards a helper's share to the lead without decoding it again.
    #[test]
    fn a_share_has_the_same_bytes_both_ways() {
        let (to, from) = messages();
        let bytes = to_bytes(&from[0]);
        assert_eq!(bytes, to_bytes(&to[0]));
        assert_eq!(from_bytes::<ToWorker>(&bytes).unwrap(), to[0]);
    }

    /// A message cut at each of `cuts` ends inside a value.
    fn refuses_cuts<T: Wire>(bytes: &[u8], cuts: impl Iterator<Item = usize>) {
        for n in cuts {
            // Cut inside a length's reach, the length is beyond the bytes left.
            let e = from_bytes::<T>(&bytes[..n]).err();
            assert!(
                matches!(e, Some(WireError::Truncated | WireError::TooLarge)),
                "{n} of {} bytes: {e:?}",
                bytes.len()
            );
        }
    }

    fn refuses_every_truncation<T: Wire>(bytes: &[u8]) {
        refuses_cuts::<T>(bytes, 0..bytes.len());
    }

    /// Every message but the shares, cut at every byte.
    #[test]
    fn every_truncation_is_refused() {
        let (to, from) = messages();
        for m in to.iter().filter(|m| !matches!(m, ToWorker::Share { .. })) {
            refuses_every_truncation::<ToWorker>(&to_bytes(m));
        }
        for m in from
            .iter()
            .filter(|m| !matches!(m, FromWorker::Share { .. }))
        {
            refuses_every_truncation::<FromWorker>(&to_bytes(m));
        }
    }

    /// A share as it crosses (its draws beside it: 70 KB of count
    /// histograms) and the wide histogram (40 KB), cut at every byte near
    /// both ends and at a fixed stride between: each cut costs a decode up
    /// to it, so every cut of these would take minutes.
    #[test]
    fn long_messages_cut_anywhere_are_refused() {
        let (mut to, _) = messages();
        let ToWorker::Share { share, .. } = &mut to[0] else {
            unreachable!()
        };
        share.revenue.clear();
        share.uplift.clear();
        let cuts = |n: usize| (0..256).chain((256..n - 64).step_by(509)).chain(n - 64..n);
        let hist = to_bytes(&wide_hist());
        let share = to_bytes(&to[0]);
        assert!(hist.len() > 30_000 && share.len() > 60_000);
        refuses_cuts::<CountHist>(&hist, cuts(hist.len()));
        refuses_cuts::<ToWorker>(&share, cuts(share.len()));
    }

    /// A length prefix far beyond the bytes (a vector of results, of
    /// counts, of draws, a text) is refused before anything is reserved for
    /// it: reserving room for 2⁴⁰ elements would abort this test's process.
    #[test]
    fn a_hostile_length_is_refused_without_allocating_it() {
        let huge = to_bytes(&(1u64 << 40));
        let with_len = |head: &[u8], len: &[u8]| {
            let mut b = head.to_vec();
            b.extend_from_slice(len);
            b.extend_from_slice(&[0; 16]);
            b
        };
        // Partial results whose scenarios are 2⁴⁰ long.
        let partial = with_len(&[2, 1, 3, 10, 5], &huge);
        assert_eq!(from_bytes::<FromWorker>(&partial), Err(WireError::TooLarge));
        // A share whose draws are (vectors of draws, then draws).
        let draws = with_len(&[0, 7, 0, 1, 9, 0, 1], &huge);
        assert_eq!(from_bytes::<ToWorker>(&draws), Err(WireError::TooLarge));
        // A count histogram's bins (after its base and shift).
        let bins = with_len(&[0, 0], &huge);
        assert_eq!(from_bytes::<CountHist>(&bins), Err(WireError::TooLarge));
        // A job's model text.
        let text = with_len(&[1, 4], &huge);
        assert_eq!(from_bytes::<ToWorker>(&text), Err(WireError::TooLarge));
        // One more than the bytes left, and exactly as many.
        let mut b = vec![0, 0, 17];
        b.extend_from_slice(&[1; 16]);
        assert_eq!(from_bytes::<CountHist>(&b), Err(WireError::TooLarge));
        b[2] = 16;
        assert_eq!(from_bytes::<CountHist>(&b), Err(WireError::Truncated));
    }

    /// Bytes from a fixed seed: random ones, and valid messages with a few
    /// bytes changed. Nothing panics; what decodes encodes to bytes that
    /// decode to the same bytes again.
    #[test]
    fn random_and_damaged_bytes_never_panic() {
        fn check<T: Wire>(b: &[u8]) -> bool {
            match from_bytes::<T>(b) {
                Ok(v) => {
                    let again = to_bytes(&v);
                    let back: T = from_bytes(&again).unwrap();
                    assert_eq!(to_bytes(&back), again);
                    true
                }
                Err(_) => false,
            }
        }
        let mut seed = 0x05ee_d0fb_17e5_u64;
        let mut next = move || funnelcast_engine::rng::splitmix64(&mut seed);
        let mut decoded = 0;
        for _ in 0..3_000 {
            let len = (next() % 48) as usize;
            let b: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            decoded += check::<ToWorker>(&b) as u32
                + check::<FromWorker>(&b) as u32
                + check::<CountHist>(&b) as u32;
        }
        let (to, from) = messages();
        let to: Vec<Vec<u8>> = to.iter().skip(1).map(to_bytes).collect();
        let from: Vec<Vec<u8>> = from.iter().skip(1).map(to_bytes).collect();
        for k in 0..3_000 {
            let mut b = if k % 2 == 0 {
                to[k / 2 % to.len()].clone()
            } else {
                from[k / 2 % from.len()].clone()
            };
            for _ in 0..1 + next() % 3 {
                let at = (next() % b.len() as u64) as usize;
                b[at] = next() as u8;
            }
            decoded += if k % 2 == 0 {
                check::<ToWorker>(&b)
            } else {
                check::<FromWorker>(&b)
            } as u32;
        }
        // Damage to a float's bytes leaves a valid message: some decode.
        assert!(decoded > 100, "{decoded}");
    }
}
