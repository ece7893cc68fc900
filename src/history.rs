//! Undo and redo over whole documents (a document is small, ~1–20 KB, and a
//! snapshot cannot get out of step with the edit functions the way inverse
//! edits could).
//!
//! A slider drag sends an edit per `input` event, and typing a number one per
//! keystroke; those with the same [`Group`] (the slider, the box), close
//! together, make one step, so one undo takes the whole drag or number back.

use crate::document::Document;
use crate::fields::FieldId;

/// What an edit belongs to, for undo: edits of one group in a row, close
/// together, are one step. A slider and the box of the same field are two
/// groups (a drag, then typing, are two steps).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// A slider's live `input` events.
    Drag(FieldId),
    /// The keystrokes of one number typed into a box.
    Typing(FieldId),
}

/// Steps kept; older ones are dropped (about 2 MB at the largest documents).
pub const MAX_STEPS: usize = 100;

/// Keyed edits (a drag, a box's keystrokes) within this gap are one step.
pub const COALESCE_MS: f64 = 1_000.0;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    past: Vec<Document>,
    future: Vec<Document>,
    /// The group and time of the last edit, while it may still coalesce.
    last: Option<(Group, f64)>,
}

impl History {
    /// Records that `before` is about to be replaced by an edit. `group` is
    /// `Some` for edits that coalesce (a drag, a typed number); `None` makes
    /// a step of its own.
    pub fn record(&mut self, before: &Document, group: Option<Group>, now_ms: f64) {
        let coalesce = matches!((group, self.last),
            (Some(g), Some((last, t))) if g == last && now_ms - t <= COALESCE_MS);
        self.last = group.map(|g| (g, now_ms));
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
        self.last = None;
        Some(prev)
    }

    pub fn redo(&mut self, current: &Document) -> Option<Document> {
        let next = self.future.pop()?;
        self.past.push(current.clone());
        self.last = None;
        Some(next)
    }

    /// The group of the last edit recorded (none after an undo or redo, or
    /// an edit of its own).
    pub fn last_group(&self) -> Option<Group> {
        self.last.map(|(g, _)| g)
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
    use funnelcast_engine::Field;

    fn slider(i: usize) -> Group {
        Group::Drag(FieldId::Model(Field::Rate(0, i)))
    }

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
        // Dragging slider 1: events every 16 ms from doc(10) to doc(15).
        for (n, s) in (10..15).enumerate() {
            h.record(&doc(s), Some(slider(1)), n as f64 * 16.0);
        }
        assert_eq!(h.last_group(), Some(slider(1)));
        // Another slider right after: a new step.
        h.record(&doc(15), Some(slider(2)), 100.0);
        // The same slider again after a pause: a new step.
        h.record(&doc(16), Some(slider(2)), 100.0 + COALESCE_MS + 1.0);
        assert_eq!(h.undo(&doc(17)), Some(doc(16)));
        assert_eq!(h.last_group(), None, "an undo ends the drag");
        assert_eq!(h.undo(&doc(16)), Some(doc(15)));
        assert_eq!(h.undo(&doc(15)), Some(doc(10)), "the whole drag");
        assert_eq!(h.undo(&doc(10)), None);
    }

    /// The same field dragged, then typed into, is two steps: the groups
    /// differ although the field is the same.
    #[test]
    fn a_drag_then_typing_the_same_field_are_two_steps() {
        let mut h = History::default();
        let rate = FieldId::Model(Field::Rate(0, 1));
        h.record(&doc(1), Some(Group::Drag(rate)), 0.0);
        h.record(&doc(2), Some(Group::Drag(rate)), 16.0);
        h.record(&doc(3), Some(Group::Typing(rate)), 32.0);
        h.record(&doc(4), Some(Group::Typing(rate)), 48.0);
        assert_eq!(h.undo(&doc(5)), Some(doc(3)), "the typed number");
        assert_eq!(h.undo(&doc(3)), Some(doc(1)), "the drag");
        assert_eq!(h.undo(&doc(1)), None);
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
