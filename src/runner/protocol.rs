//! What crosses between the page and its simulation workers. Plain data:
//! [`ToWorker`] and [`FromWorker`] cross as compact bytes (the page's own
//! codec, [`super::wire`]) in a `Uint8Array` ([`to_js`], [`from_js`]),
//! except a share's per-trial draws (megabytes at a million trials), which
//! ride beside the message as `Float64Array`s whose buffers are transferred,
//! not copied ([`share_to_js`], [`share_from_js`]).
//!
//! A job on one worker: the page sends `Run` for every key block with
//! `lead: Some(0)`; the worker answers with progress, partial results, then
//! `Done` (or `Failed`). A job on `n` workers: worker 0 leads — it draws the
//! first blocks and is told to expect `n − 1` shares; each other worker
//! draws a later range of blocks and answers with its `Share`, which the page
//! hands on to the lead. The lead merges the shares in block order, so the
//! digits are those of one whole run whatever the split; then it summarises,
//! runs the sensitivity and the goal seek, and answers `Done`.

use funnelcast_engine::ChunkSummary;

use super::{Job, JobId, Reply};

/// From the page to a worker. (`Share` comes first in both enums, with the
/// same fields: the page hands a share on as it came, and the bytes number
/// variants.)
#[derive(Clone, Debug, PartialEq)]
pub enum ToWorker {
    /// Another worker's share of job `id`, for the lead.
    Share { id: JobId, share: ChunkSummary },
    /// Draw key blocks `from..to` of `job`'s run. With `lead: Some(k)` the
    /// worker also waits for `k` shares of the other blocks, then answers
    /// the whole job; with `None` it answers with its [`FromWorker::Share`].
    Run {
        job: Job,
        from: u32,
        to: u32,
        lead: Option<u32>,
    },
    /// Give up job `id` (nothing more is sent about it).
    Cancel(JobId),
    /// Are you there? (answered with [`FromWorker::Pong`] between slices:
    /// a worker that closed itself sends no error, only silence).
    Ping,
}

/// From a worker to the page.
#[derive(Clone, Debug, PartialEq)]
pub enum FromWorker {
    /// A helper's share of job `id`, for the lead.
    Share {
        id: JobId,
        share: ChunkSummary,
    },
    /// The worker has started and takes jobs.
    Ready,
    Reply(Reply),
    /// The answer to [`ToWorker::Ping`].
    Pong,
}

/// The key blocks of each of `workers` workers for a run of `blocks` key
/// blocks: contiguous, in order, the first (the lead's) the largest, none
/// empty; fewer workers than asked when the run is too short to share
/// (`min_blocks` key blocks at least per worker).
pub fn split(blocks: u32, workers: u32, min_blocks: u32) -> Vec<(u32, u32)> {
    let n = workers.clamp(1, (blocks / min_blocks.max(1)).max(1));
    let size = blocks.div_ceil(n);
    (0..n)
        .map(|j| (j * size, ((j + 1) * size).min(blocks)))
        .filter(|(a, b)| a < b)
        .collect()
}

#[cfg(target_arch = "wasm32")]
mod js {
    use super::*;
    use crate::runner::wire::{from_bytes, to_bytes, Wire, WireError};
    use js_sys::{Array, Float64Array, Reflect};
    use wasm_bindgen::{JsCast, JsValue};

    /// A message: its bytes under `m`, in a plain object so a share's draws
    /// can ride beside them.
    pub fn to_js<T: Wire>(v: &T) -> JsValue {
        let msg = js_sys::Object::new();
        let bytes = js_sys::Uint8Array::from(to_bytes(v).as_slice());
        let _ = Reflect::set(&msg, &"m".into(), &bytes);
        msg.into()
    }

    pub fn from_js<T: Wire>(v: &JsValue) -> Result<T, WireError> {
        let bytes = Reflect::get(v, &"m".into())
            .ok()
            .and_then(|m| m.dyn_into::<js_sys::Uint8Array>().ok())
            .ok_or(WireError::NotAMessage)?
            .to_vec();
        from_bytes(&bytes)
    }

    /// A message holding a share, with its draws as transferred
    /// `Float64Array`s under `draws`; also the list of buffers to transfer.
    pub fn share_to_js(
        mut share: ChunkSummary,
        wrap: impl FnOnce(ChunkSummary) -> JsValue,
    ) -> (JsValue, Array) {
        let revenue = std::mem::take(&mut share.revenue);
        let uplift = std::mem::take(&mut share.uplift);
        let msg = wrap(share);
        let draws = Array::new();
        let transfer = Array::new();
        for v in revenue.iter().chain(&uplift) {
            // One copy, out of this worker's memory; the buffer then moves.
            let a = Float64Array::from(v.as_slice());
            transfer.push(&a.buffer());
            draws.push(&a);
        }
        let _ = Reflect::set(&msg, &"draws".into(), &draws);
        (msg, transfer)
    }

    /// The draws of a share message back into its summary (which was
    /// decoded without them); `false` when they do not fit it.
    pub fn share_from_js(msg: &JsValue, share: &mut ChunkSummary) -> bool {
        let Ok(draws) = Reflect::get(msg, &"draws".into()) else {
            return false;
        };
        let draws: Array = draws.unchecked_into();
        let arrays: Vec<Vec<f64>> = draws
            .iter()
            .filter_map(|a| a.dyn_into::<Float64Array>().ok())
            .map(|a| a.to_vec())
            .collect();
        if !arrays.len().is_multiple_of(2) || arrays.len() != draws.length() as usize {
            return false;
        }
        let half = arrays.len() / 2;
        let mut it = arrays.into_iter();
        share.revenue = it.by_ref().take(half).collect();
        share.uplift = it.collect();
        let n = share.trials as usize;
        share.revenue.iter().all(|r| r.len() == n)
            && share
                .uplift
                .iter()
                .enumerate()
                .all(|(s, u)| u.len() == if s == 0 { 0 } else { n })
    }

    /// The buffers of a share message's draws, to transfer it on.
    pub fn share_buffers(msg: &JsValue) -> Array {
        let out = Array::new();
        if let Ok(draws) = Reflect::get(msg, &"draws".into()) {
            for a in draws.unchecked_into::<Array>().iter() {
                if let Ok(a) = a.dyn_into::<Float64Array>() {
                    out.push(&a.buffer());
                }
            }
        }
        out
    }
}

#[cfg(target_arch = "wasm32")]
pub use js::*;

#[cfg(test)]
mod tests {
    use super::*;

    /// The page hands a helper's share to the lead as it came: the two
    /// messages must have one shape.
    #[test]
    fn a_share_message_is_the_same_both_ways() {
        use super::super::wire::{from_bytes, to_bytes};
        use crate::format::Lang;
        use crate::presets::initial_doc;
        let plan = initial_doc(Lang::En)
            .model()
            .validate()
            .unwrap()
            .with_trials(9_000);
        let share = funnelcast_engine::Simulation::chunk(&plan, 1..3);
        let from = FromWorker::Share {
            id: 7,
            share: share.clone(),
        };
        let to = ToWorker::Share { id: 7, share };
        let bytes = to_bytes(&from);
        assert_eq!(from_bytes::<ToWorker>(&bytes).unwrap(), to);
        assert_eq!(to_bytes(&to), bytes);
    }

    #[test]
    fn a_split_covers_every_block_once_in_order() {
        for blocks in 1..200u32 {
            for workers in 1..6u32 {
                let parts = split(blocks, workers, 8);
                assert!(!parts.is_empty() && parts.len() <= workers as usize);
                assert_eq!(parts[0].0, 0);
                assert_eq!(parts.last().unwrap().1, blocks);
                for w in parts.windows(2) {
                    assert_eq!(w[0].1, w[1].0, "adjacent");
                }
                assert!(parts.iter().all(|(a, b)| a < b), "none empty");
                // The lead's share is never smaller than another's.
                let lead = parts[0].1 - parts[0].0;
                assert!(parts.iter().all(|(a, b)| b - a <= lead));
                if parts.len() > 1 {
                    assert!(blocks / parts.len() as u32 >= 8, "long enough to share");
                }
            }
        }
        assert_eq!(split(245, 2, 8), vec![(0, 123), (123, 245)]);
        assert_eq!(split(10, 2, 8), vec![(0, 10)]);
    }
}
