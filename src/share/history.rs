//! Undo and redo over whole documents (a document is small, ~1–20 KB, and a
//! snapshot cannot get out of step with the edit functions the way inverse
//! edits could).
//!
//! A slider drag sends an edit per `input` event, and typing a number one per
//! keystroke; those with the same key (the slider, the box), close together,
//! make one step, so one undo takes the whole drag or number back.

use crate::document::Document;

/// Steps kept; older ones are dropped (about 2 MB at the largest documents).
pub const MAX_STEPS: usize = 100;

/// Keyed edits (a drag, a box's keystrokes) within this gap are one step.
pub const COALESCE_MS: f64 = 1_000.0;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    past: Vec<Document>,
    future: Vec<Document>,
    /// The drag key and time of the last edit, while it may still coalesce.
    last_drag: Option<(u64, f64)>,
}

impl History {
    /// Records that `before` is about to be replaced by an edit. `drag` is
    /// `Some(key)` for live edits (a slider), which coalesce by key.
    pub fn record(&mut self, before: &Document, drag: Option<u64>, now_ms: f64) {
        let coalesce = matches!((drag, self.last_drag),
            (Some(k), Some((last, t))) if k == last && now_ms - t <= COALESCE_MS);
        self.last_drag = drag.map(|k| (k, now_ms));
        if coalesce {
            return;
        }
        if self.past.last() == Some(before) {
            // An edit that changed nothing left the same snapshot.
            self.future.clear();
            return;
        }
        self.past.push(before.clone());
        if self.past.len() > MAX_STEPS {
            self.past.remove(0);
        }
        self.future.clear();
    }

    /// The document to go back to, given the current one (which redo gets).
    pub fn undo(&mut self, current: &Document) -> Option<Document> {
        let prev = self.past.pop()?;
        self.future.push(current.clone());
        self.last_drag = None;
        Some(prev)
    }

    pub fn redo(&mut self, current: &Document) -> Option<Document> {
        let next = self.future.pop()?;
        self.past.push(current.clone());
        self.last_drag = None;
        Some(next)
    }

    pub fn can_undo(&self) -> bool {
        !self.past.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.future.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Lang;
    use crate::presets;

    fn doc(seed: u64) -> Document {
        let mut d = presets::initial_doc(Lang::En);
        d.seed = seed;
        d
    }

    #[test]
    fn undo_and_redo_walk_the_edits() {
        let mut h = History::default();
        assert!(!h.can_undo() && !h.can_redo());
        h.record(&doc(1), None, 0.0);
        h.record(&doc(2), None, 10.0);
        // Now at doc(3).
        assert_eq!(h.undo(&doc(3)), Some(doc(2)));
        assert_eq!(h.undo(&doc(2)), Some(doc(1)));
        assert_eq!(h.undo(&doc(1)), None);
        assert_eq!(h.redo(&doc(1)), Some(doc(2)));
        assert_eq!(h.redo(&doc(2)), Some(doc(3)));
        assert_eq!(h.redo(&doc(3)), None);
        // A new edit after an undo drops the redo branch.
        assert_eq!(h.undo(&doc(3)), Some(doc(2)));
        h.record(&doc(2), None, 20.0);
        assert!(!h.can_redo());
    }

    #[test]
    fn a_drag_is_one_step_and_two_drags_are_two() {
        let mut h = History::default();
        // Dragging slider 7: events every 16 ms from doc(10) to doc(15).
        for (n, s) in (10..15).enumerate() {
            h.record(&doc(s), Some(7), n as f64 * 16.0);
        }
        // Another slider right after: a new step.
        h.record(&doc(15), Some(8), 100.0);
        // The same slider again after a pause: a new step.
        h.record(&doc(16), Some(8), 100.0 + COALESCE_MS + 1.0);
        assert_eq!(h.undo(&doc(17)), Some(doc(16)));
        assert_eq!(h.undo(&doc(16)), Some(doc(15)));
        assert_eq!(h.undo(&doc(15)), Some(doc(10)), "the whole drag");
        assert_eq!(h.undo(&doc(10)), None);
    }

    #[test]
    fn typed_edits_never_coalesce_and_the_history_is_bounded() {
        let mut h = History::default();
        for s in 0..(MAX_STEPS as u64 + 20) {
            h.record(&doc(s), None, 0.0);
        }
        let mut n = 0;
        let mut cur = doc(999);
        while let Some(prev) = h.undo(&cur) {
            cur = prev;
            n += 1;
        }
        assert_eq!(n, MAX_STEPS);
        assert_eq!(cur, doc(20), "the oldest steps were dropped");
    }
}
