//! What the browser keeps of the user's model, and the rules that keep any
//! of it from being lost: the autosave, the user's own model while one from
//! a link or a file is on screen, text this build could not read, and each
//! tab's last state for its reload.
//!
//! Plain code over a key-value [`Store`], so the rules are tested natively
//! against fake storage (the state-machine test below generates thousands
//! of sequences of links, edits, reloads, tabs and dismissals); `web` gives
//! the browser's local and session storage. The rules:
//!
//! - **The user's own model is never overwritten by one that came from
//!   elsewhere.** The autosave records whether it descends from a link or a
//!   file ([`ORIGIN_KEY`]); before such a model is saved over the user's
//!   own, the own one moves to [`OWN_KEY`], where it stays until the user
//!   restores or drops it, and every start-up offers it back.
//! - **A reload shows what the tab showed.** Each tab keeps its last
//!   document in session storage, with the address it last wrote; when the
//!   address is still that one (the page's own), the tab's document wins:
//!   it is newer than the address, which follows finished runs.
//! - **Text this build cannot read is kept aside** ([`UNREADABLE_KEY`]) and
//!   never overwritten without the user's word: saving holds while the only
//!   place for it is taken.

use crate::document::{self, Document, ENGINE_NUMBERS};

use super::address::{self, AddressError};
use super::web::StorageRefused;
use super::SourceError;

/// The autosave: the document last edited, in any tab.
pub const DOC_KEY: &str = "funnelcast.doc";
/// `"shared"` while the autosave descends from a link or a file rather than
/// from the user's own model (absent: the user's own, as older builds wrote).
pub const ORIGIN_KEY: &str = "funnelcast.doc.origin";
/// The user's own model, kept aside while one from elsewhere is worked on
/// (the key's name is the one older builds wrote and never read back).
pub const OWN_KEY: &str = "funnelcast.doc.previous";
/// Saved text this build could not read (a newer format, a damaged save).
pub const UNREADABLE_KEY: &str = "funnelcast.doc.unreadable";
/// When the autosave's document and the kept own model were last edited.
const EDITED_KEY: &str = "funnelcast.doc.edited";
const OWN_EDITED_KEY: &str = "funnelcast.doc.previous.edited";

/// Session storage (one tab's, kept across its reloads): the model part this
/// tab last wrote into its address, and its document and origin.
const TAB_ADDRESS_KEY: &str = "funnelcast.tab.address";
const TAB_DOC_KEY: &str = "funnelcast.tab.doc";
const TAB_ORIGIN_KEY: &str = "funnelcast.tab.origin";
const TAB_EDITED_KEY: &str = "funnelcast.tab.edited";

const SHARED: &str = "shared";

/// A key-value store: the browser's local or session storage, or a map.
pub trait Store {
    /// `Err` when the store cannot be used at all.
    fn get(&self, key: &str) -> Result<Option<String>, StorageRefused>;
    /// `Err` when the store is disabled or full.
    fn set(&mut self, key: &str, value: &str) -> Result<(), StorageRefused>;
    fn remove(&mut self, key: &str);
}

/// A store in memory: the tests' storage, and a stand-in where the browser
/// has none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemStore {
    map: std::collections::BTreeMap<String, String>,
    /// Refuses every write, as a full or disabled storage does.
    pub full: bool,
}

impl Store for MemStore {
    fn get(&self, key: &str) -> Result<Option<String>, StorageRefused> {
        Ok(self.map.get(key).cloned())
    }
    fn set(&mut self, key: &str, value: &str) -> Result<(), StorageRefused> {
        if self.full {
            return Err(StorageRefused);
        }
        self.map.insert(key.to_string(), value.to_string());
        Ok(())
    }
    fn remove(&mut self, key: &str) {
        self.map.remove(key);
    }
}

/// Where the document on screen comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The user's own model: the default, a preset, their own autosave, or
    /// one of those edited.
    Own,
    /// Opened from a link or a file (and maybe edited since).
    Shared,
}

impl Origin {
    fn code(self) -> Option<&'static str> {
        match self {
            Origin::Own => None,
            Origin::Shared => Some(SHARED),
        }
    }

    fn from_code(code: Option<&str>) -> Origin {
        if code == Some(SHARED) {
            Origin::Shared
        } else {
            Origin::Own
        }
    }
}

/// Saved text that could not be read, and whether it is safe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unreadable {
    /// Kept under [`UNREADABLE_KEY`]: saving goes on.
    Kept,
    /// The place for it holds other unreadable text (or storage refused
    /// the copy): saving holds until the user keeps or drops one.
    Held,
}

/// A document with the time of its last edit (milliseconds of any clock
/// that only goes forward; 0: not known), so that of two versions of the
/// user's own model the newer is kept.
#[derive(Clone, Debug, PartialEq)]
pub struct Stamped {
    pub doc: Document,
    pub edited: u64,
}

/// The document to start with and what to tell the user.
#[derive(Clone, Debug, PartialEq)]
pub struct Start {
    pub doc: Document,
    pub origin: Origin,
    /// When the document on screen was last edited (0: not known).
    pub edited: u64,
    /// The link's document when this start opened one (for "back to the
    /// shared version" and the notice).
    pub shared: Option<Document>,
    /// A link that did not open (banner).
    pub link_error: Option<AddressError>,
    /// Storage that could not be used or read (notice).
    pub storage_error: Option<SourceError>,
    /// The user's own model, kept aside, offered back.
    pub own: Option<Stamped>,
    /// The engine numbers the link's document was computed with, when they
    /// are not this build's.
    pub engine_changed: Option<u32>,
    pub unreadable: Option<Unreadable>,
    /// Nothing was found to open (no link, no saved model, no tab state):
    /// the default on a first visit, when the page offers its tour.
    pub fresh: bool,
}

/// Picks the start-up document: this tab's own last state when the address
/// is the one it wrote (a reload), else the address (a link), else the
/// autosave, else `default`. A source that fails gives its message and the
/// next one. Keeps unreadable text aside. Never fails.
///
/// `model` is the address's model part (`None`: the address holds none).
pub fn start(
    local: &mut impl Store,
    session: &impl Store,
    model: Option<&str>,
    default: impl FnOnce() -> Document,
) -> Start {
    let mut storage_error = None;
    let mut unreadable = None;
    let stored = match local.get(DOC_KEY) {
        Err(StorageRefused) => {
            storage_error = Some(SourceError::StorageUnavailable);
            None
        }
        Ok(None) => None,
        Ok(Some(text)) => match document::decode(&text) {
            Ok(d) => Some(Stamped {
                doc: d,
                edited: read_stamp(local, EDITED_KEY),
            }),
            Err(e) => {
                storage_error = Some(SourceError::Stored(e));
                unreadable = Some(keep_unreadable(local, &text));
                None
            }
        },
    };
    // An earlier visit's unreadable text is still there: say so again.
    if unreadable.is_none() && matches!(local.get(UNREADABLE_KEY), Ok(Some(_))) {
        unreadable = Some(Unreadable::Kept);
    }
    let stored_origin = read_origin(local, ORIGIN_KEY);

    let tab = tab_state(session, model);
    let linked = match (&tab, model) {
        (None, Some(m)) => Some(address::decode(m)),
        _ => None,
    };
    let mut link_error = None;
    let mut shared = None;
    let mut fresh = false;
    let (screen, origin) = match (tab, linked) {
        // A reload: what the tab showed, newer than its address.
        (Some(t), _) => t,
        (None, Some(Ok(l))) => {
            shared = Some(l.clone());
            (Stamped { doc: l, edited: 0 }, Origin::Shared)
        }
        (None, linked) => {
            link_error = linked.and_then(Result::err);
            match stored.clone() {
                Some(d) => (d, stored_origin),
                None => {
                    // Storage that cannot remember the tour was seen would
                    // offer it on every visit: a first visit needs it.
                    fresh = link_error.is_none() && storage_error.is_none();
                    (
                        Stamped {
                            doc: default(),
                            edited: 0,
                        },
                        Origin::Own,
                    )
                }
            }
        }
    };
    // The user's own model to offer back: the newer of the autosave (when
    // it is theirs) and the one kept aside, unless it is on screen.
    let own_autosave = stored.filter(|_| stored_origin == Origin::Own);
    let own = newer(own_autosave, read_stamped(local, OWN_KEY, OWN_EDITED_KEY))
        .filter(|own| !same_model(&own.doc, &screen.doc));
    let mut s = Start {
        engine_changed: shared
            .as_ref()
            .and_then(|l| (l.engine != ENGINE_NUMBERS).then_some(l.engine)),
        doc: screen.doc,
        origin,
        edited: screen.edited,
        shared,
        link_error,
        storage_error,
        own,
        unreadable,
        fresh,
    };
    // From now on every document is computed by this build's engine.
    s.doc.engine = ENGINE_NUMBERS;
    if let Some(own) = &mut s.own {
        own.doc.engine = ENGINE_NUMBERS;
    }
    s
}

/// The newer of two versions (the first on a tie).
fn newer(a: Option<Stamped>, b: Option<Stamped>) -> Option<Stamped> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.edited > a.edited { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// Saves the document being worked on (the autosave), edited at `edited`.
/// The user's own model in the autosave is never lost to it: it moves aside
/// first when the document saved comes from elsewhere, or is an older
/// version than the one there (another tab's newer edit). Gives what it
/// moved aside.
pub fn save(
    local: &mut impl Store,
    doc: &Document,
    origin: Origin,
    edited: u64,
) -> Result<Option<Stamped>, StorageRefused> {
    let text = document::encode(doc);
    let mut moved = None;
    if read_origin(local, ORIGIN_KEY) == Origin::Own {
        let there = local.get(DOC_KEY)?.filter(|old| *old != text);
        if let Some(there) = there.and_then(|t| document::decode(&t).ok()) {
            let there = Stamped {
                doc: there,
                edited: read_stamp(local, EDITED_KEY),
            };
            // Strictly newer: a tab's own successive saves (equal times when
            // unknown) replace each other.
            if origin == Origin::Shared || there.edited > edited {
                keep_own(local, &there.doc, there.edited)?;
                moved = Some(there);
            }
        }
    }
    // The mark first: should the document's write fail, the autosave
    // still holds the own model, which is now also kept aside.
    if let Some(c) = origin.code() {
        local.set(ORIGIN_KEY, c)?;
    }
    local.set(DOC_KEY, &text)?;
    let _ = local.set(EDITED_KEY, &edited.to_string());
    if origin == Origin::Own {
        local.remove(ORIGIN_KEY);
    }
    Ok(moved)
}

/// Keeps a version of the user's own model aside, unless a newer one is
/// kept there already.
pub fn keep_own(local: &mut impl Store, doc: &Document, edited: u64) -> Result<(), StorageRefused> {
    if let Some(kept) = read_stamped(local, OWN_KEY, OWN_EDITED_KEY) {
        if kept.edited > edited || same_model(&kept.doc, doc) {
            return Ok(());
        }
    }
    local.set(OWN_KEY, &document::encode(doc))?;
    let _ = local.set(OWN_EDITED_KEY, &edited.to_string());
    Ok(())
}

/// The kept own model is back on screen, or dropped: its place is free
/// again, unless it holds another version meanwhile (another tab's).
fn forget_own(local: &mut impl Store, doc: &Document) {
    if read_doc(local, OWN_KEY).is_some_and(|kept| same_model(&kept, doc)) {
        local.remove(OWN_KEY);
        local.remove(OWN_EDITED_KEY);
    }
}

/// Records this tab's document for its reload (session storage).
fn note_tab(session: &mut impl Store, doc: &Document, origin: Origin, edited: u64) {
    if session.set(TAB_DOC_KEY, &document::encode(doc)).is_ok() {
        let _ = session.set(TAB_EDITED_KEY, &edited.to_string());
        match origin.code() {
            Some(c) => {
                let _ = session.set(TAB_ORIGIN_KEY, c);
            }
            None => session.remove(TAB_ORIGIN_KEY),
        }
    }
}

/// The unreadable text kept aside, for a download.
pub fn unreadable_text(local: &impl Store) -> Option<String> {
    local.get(UNREADABLE_KEY).ok().flatten()
}

/// The user drops the unreadable text kept aside. When other unreadable
/// text waited in the autosave (`held`), it takes the freed place, so
/// saving can go on: the new state of the notice.
pub fn drop_unreadable(local: &mut impl Store, held: bool) -> Option<Unreadable> {
    local.remove(UNREADABLE_KEY);
    if !held {
        return None;
    }
    let waiting = local.get(DOC_KEY).ok().flatten();
    waiting
        .filter(|t| document::decode(t).is_err())
        .map(|t| keep_unreadable(local, &t))
}

/// Equal apart from the engine numbers they record.
pub fn same_model(a: &Document, b: &Document) -> bool {
    let mut b = b.clone();
    b.engine = a.engine;
    *a == b
}

/// This tab's last state, when the address is still the one it wrote.
fn tab_state(session: &impl Store, model: Option<&str>) -> Option<(Stamped, Origin)> {
    let doc = read_stamped(session, TAB_DOC_KEY, TAB_EDITED_KEY)?;
    let wrote = session.get(TAB_ADDRESS_KEY).ok()?;
    (wrote.as_deref() == model).then(|| (doc, read_origin(session, TAB_ORIGIN_KEY)))
}

fn read_doc(store: &impl Store, key: &str) -> Option<Document> {
    let text = store.get(key).ok()??;
    document::decode(&text).ok()
}

fn read_stamped(store: &impl Store, key: &str, stamp_key: &str) -> Option<Stamped> {
    Some(Stamped {
        doc: read_doc(store, key)?,
        edited: read_stamp(store, stamp_key),
    })
}

fn read_stamp(store: &impl Store, key: &str) -> u64 {
    store
        .get(key)
        .ok()
        .flatten()
        .and_then(|t| crate::format::parse_whole(&t).ok())
        .unwrap_or(0)
}

fn read_origin(store: &impl Store, key: &str) -> Origin {
    Origin::from_code(store.get(key).ok().flatten().as_deref())
}

/// Moves unreadable autosave text to its own key, unless that holds other
/// text: then saving holds.
fn keep_unreadable(local: &mut impl Store, text: &str) -> Unreadable {
    match local.get(UNREADABLE_KEY) {
        Ok(Some(kept)) if kept != text => Unreadable::Held,
        Ok(_) => match local.set(UNREADABLE_KEY, text) {
            Ok(()) => Unreadable::Kept,
            Err(StorageRefused) => Unreadable::Held,
        },
        Err(StorageRefused) => Unreadable::Held,
    }
}

/// The model part to write into the address once `shown`'s results are on
/// screen: `None` when the address already holds that document (a link
/// opened and not edited keeps its own text).
pub fn address_to_write(shown: &Document, address_model: Option<&str>) -> Option<String> {
    let holds = address_model
        .and_then(|m| address::decode(m).ok())
        .is_some_and(|d| same_model(&d, shown));
    (!holds).then(|| address::encode_stored(shown))
}

/// One tab's side of the rules, as the page drives it: where the document
/// on screen comes from and when it was last edited, the own model it
/// offers back, and whether it may save.
#[derive(Clone, Debug, PartialEq)]
pub struct Keeper {
    pub origin: Origin,
    /// When the document on screen was last edited.
    pub edited: u64,
    /// The user's own model, offered back while it is not on screen.
    pub own: Option<Stamped>,
    /// Another tab's model is in the autosave, and the user has not chosen
    /// yet which to keep.
    pub other_tab: bool,
    /// Unreadable text waits for the user's word before anything is saved.
    pub unreadable_held: bool,
}

impl Keeper {
    pub fn new(start: &Start) -> Keeper {
        Keeper {
            origin: start.origin,
            edited: start.edited,
            own: start.own.clone(),
            other_tab: false,
            unreadable_held: start.unreadable == Some(Unreadable::Held),
        }
    }

    pub fn may_save(&self) -> bool {
        !self.other_tab && !self.unreadable_held
    }

    /// The document on screen was edited at `now`.
    pub fn edited_at(&mut self, now: u64) {
        self.edited = self.edited.max(now);
    }

    /// The autosave, once an edit pauses: this tab's state always (its
    /// reload), the shared autosave when it may.
    pub fn save(
        &mut self,
        local: &mut impl Store,
        session: &mut impl Store,
        doc: &Document,
    ) -> Result<bool, StorageRefused> {
        note_tab(session, doc, self.origin, self.edited);
        if !self.may_save() {
            return Ok(false);
        }
        let moved = save(local, doc, self.origin, self.edited)?;
        if let Some(m) = moved.filter(|m| !same_model(&m.doc, doc)) {
            self.own = newer(Some(m), self.own.take());
        }
        Ok(true)
    }

    /// The tab goes (`pagehide`: a reload, a closed tab, another page): the
    /// last edit is saved; a tab that may not save keeps the user's own
    /// model aside rather than lose it.
    pub fn leave(&mut self, local: &mut impl Store, session: &mut impl Store, doc: &Document) {
        if matches!(self.save(local, session, doc), Ok(false)) && self.origin == Origin::Own {
            let _ = keep_own(local, doc, self.edited);
        }
    }

    /// The address was written with `model`, the model part of `doc` (the
    /// document on screen once its results are): a reload of this address
    /// is this tab's own, not a link opened.
    pub fn wrote_address(&mut self, session: &mut impl Store, model: &str, doc: &Document) {
        note_tab(session, doc, self.origin, self.edited);
        let _ = session.set(TAB_ADDRESS_KEY, model);
    }

    /// Another model replaces `current` on screen: a link pasted into the
    /// address bar or reached by back/forward (`model`, its address's model
    /// part), or a file. The user's own model stays restorable: the one on
    /// screen is kept first; and an own model offered back is theirs again
    /// when it is the one opened.
    pub fn open(
        &mut self,
        local: &mut impl Store,
        session: &mut impl Store,
        current: &Document,
        opened: &Document,
        model: Option<&str>,
    ) {
        if let Some(m) = model {
            let _ = session.set(TAB_ADDRESS_KEY, m);
        }
        let back = self.own.take_if(|o| same_model(&o.doc, opened));
        let mut mine = None;
        if self.origin == Origin::Own && !same_model(current, opened) {
            // Saved first, so the autosave holds the latest own model and
            // the next save moves it aside.
            let moved = if self.may_save() {
                save(local, current, Origin::Own, self.edited)
                    .ok()
                    .flatten()
            } else {
                let _ = keep_own(local, current, self.edited);
                None
            };
            let here = Stamped {
                doc: current.clone(),
                edited: self.edited,
            };
            mine = newer(Some(here), moved);
        }
        self.own = newer(mine, self.own.take());
        match back {
            Some(own) => {
                // Theirs again, saved as such before its kept copy goes
                // (the one on screen before moves aside).
                self.origin = Origin::Own;
                self.edited = own.edited;
                note_tab(session, opened, Origin::Own, own.edited);
                if self.may_save() && save(local, opened, Origin::Own, own.edited).is_ok() {
                    forget_own(local, opened);
                }
            }
            None => {
                self.origin = Origin::Shared;
                self.edited = 0;
                note_tab(session, opened, Origin::Shared, 0);
            }
        }
    }

    /// `restore-previous`: the own model back on screen, saved as the
    /// autosave before its kept copy goes.
    pub fn restore_own(
        &mut self,
        local: &mut impl Store,
        session: &mut impl Store,
        current: &Document,
    ) -> Option<Document> {
        let own = self.own.take()?;
        if self.origin == Origin::Own && !same_model(current, &own.doc) {
            // Another version of the own model is on screen: it swaps
            // places with the one restored, so neither is lost.
            let _ = keep_own(local, current, self.edited);
            self.own = Some(Stamped {
                doc: current.clone(),
                edited: self.edited,
            });
        }
        self.origin = Origin::Own;
        self.edited = own.edited;
        note_tab(session, &own.doc, Origin::Own, own.edited);
        if self.may_save() && save(local, &own.doc, Origin::Own, own.edited).is_ok() {
            forget_own(local, &own.doc);
        }
        Some(own.doc)
    }

    /// The user drops the kept own model.
    pub fn drop_own(&mut self, local: &mut impl Store) {
        if let Some(own) = self.own.take() {
            forget_own(local, &own.doc);
        }
    }

    /// "Load theirs": the other tab's model, and its origin, on screen.
    pub fn load_theirs(
        &mut self,
        local: &mut impl Store,
        session: &mut impl Store,
        current: &Document,
    ) -> Option<Document> {
        let theirs = read_stamped(local, DOC_KEY, EDITED_KEY)?;
        if self.origin == Origin::Own && !same_model(current, &theirs.doc) {
            let _ = keep_own(local, current, self.edited);
            let mine = Stamped {
                doc: current.clone(),
                edited: self.edited,
            };
            self.own = newer(Some(mine), self.own.take());
        }
        self.other_tab = false;
        self.origin = read_origin(local, ORIGIN_KEY);
        self.edited = theirs.edited;
        note_tab(session, &theirs.doc, self.origin, self.edited);
        Some(theirs.doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::PresetId;
    use crate::format::Lang;
    use crate::presets;

    /// Documents told apart by their seed.
    fn doc(n: u64) -> Document {
        let mut d = presets::preset_doc(PresetId::Classic5, Lang::En);
        d.seed = n;
        d
    }

    fn link(d: &Document) -> String {
        address::encode_stored(d)
    }

    fn stored(local: &MemStore, key: &str) -> Option<Document> {
        read_doc(local, key)
    }

    #[test]
    fn a_bad_link_gives_its_error_and_the_autosave_or_the_default() {
        let mut local = MemStore::default();
        save(&mut local, &doc(2), Origin::Own, 2).unwrap();
        let s = start(&mut local, &MemStore::default(), Some("1.!!"), || doc(1));
        assert_eq!(s.doc.seed, 2);
        assert_eq!(s.link_error, Some(AddressError::NotBase64));
        assert!(s.shared.is_none() && s.own.is_none());
        let mut empty = MemStore::default();
        let s = start(&mut empty, &MemStore::default(), Some("2.abc"), || doc(1));
        assert_eq!(s.doc.seed, 1);
        assert_eq!(s.link_error, Some(AddressError::UnknownPacking));
        assert!(!s.fresh, "a link that did not open");
        // Storage that cannot be used at all.
        struct Refusing;
        impl Store for Refusing {
            fn get(&self, _: &str) -> Result<Option<String>, StorageRefused> {
                Err(StorageRefused)
            }
            fn set(&mut self, _: &str, _: &str) -> Result<(), StorageRefused> {
                Err(StorageRefused)
            }
            fn remove(&mut self, _: &str) {}
        }
        let s = start(&mut Refusing, &Refusing, None, || doc(1));
        assert_eq!(s.doc.seed, 1);
        assert!(!s.fresh, "no tour where it could not be remembered");
        assert_eq!(s.storage_error, Some(SourceError::StorageUnavailable));
    }

    #[test]
    fn a_link_from_other_engine_numbers_is_flagged_and_then_computed_anew() {
        let mut old = doc(3);
        old.engine = ENGINE_NUMBERS + 7;
        let s = start(
            &mut MemStore::default(),
            &MemStore::default(),
            Some(&link(&old)),
            || doc(1),
        );
        assert_eq!(s.engine_changed, Some(ENGINE_NUMBERS + 7));
        assert_eq!(s.doc.engine, ENGINE_NUMBERS);
        let s = start(
            &mut MemStore::default(),
            &MemStore::default(),
            Some(&link(&doc(3))),
            || doc(1),
        );
        assert_eq!(s.engine_changed, None);
        // The same model as the own autosave: nothing to offer back.
        let mut local = MemStore::default();
        save(&mut local, &doc(3), Origin::Own, 3).unwrap();
        let s = start(
            &mut local,
            &MemStore::default(),
            Some(&link(&doc(3))),
            || doc(1),
        );
        assert_eq!((s.origin, s.own), (Origin::Shared, None));
    }

    #[test]
    fn a_fresh_page_starts_from_the_default_then_the_autosave() {
        let mut local = MemStore::default();
        let session = MemStore::default();
        let s = start(&mut local, &session, None, || doc(1));
        assert_eq!((s.doc.seed, s.origin), (1, Origin::Own));
        assert!(s.fresh, "a first visit");
        save(&mut local, &doc(2), Origin::Own, 2).unwrap();
        let s = start(&mut local, &MemStore::default(), None, || doc(1));
        assert_eq!((s.doc.seed, s.origin, s.own), (2, Origin::Own, None));
        assert!(!s.fresh, "a saved model");
        let s = start(
            &mut MemStore::default(),
            &MemStore::default(),
            Some(&link(&doc(3))),
            || doc(1),
        );
        assert!(!s.fresh, "a link");
    }

    /// The reliability issue's second defect: own model 11111, link B
    /// opened and edited, a reload, then link C in a new tab.
    #[test]
    fn the_own_model_survives_a_link_its_edits_a_reload_and_another_link() {
        let mut local = MemStore::default();
        let mut tab1 = MemStore::default();
        let s = start(&mut local, &tab1, None, || doc(11111));
        let mut k = Keeper::new(&s);
        k.save(&mut local, &mut tab1, &doc(11111)).unwrap();
        // Link B in a new tab (a fresh session).
        let mut tab2 = MemStore::default();
        let b = link(&doc(2));
        let s = start(&mut local, &tab2, Some(&b), || doc(0));
        assert_eq!(s.own.as_ref().map(|d| d.doc.seed), Some(11111));
        let mut k = Keeper::new(&s);
        k.wrote_address(&mut tab2, &b, &doc(2));
        // B edited: the autosave takes it, the own model moves aside.
        k.save(&mut local, &mut tab2, &doc(3)).unwrap();
        assert_eq!(stored(&local, OWN_KEY).map(|d| d.seed), Some(11111));
        // A reload of that tab: B's edit on screen, 11111 offered.
        k.leave(&mut local, &mut tab2, &doc(3));
        let s = start(&mut local, &tab2, Some(&b), || doc(0));
        assert_eq!(s.doc.seed, 3);
        assert_eq!(s.own.as_ref().map(|d| d.doc.seed), Some(11111));
        // Link C in a third tab: still 11111, never B's edit.
        let c = link(&doc(4));
        let s = start(&mut local, &MemStore::default(), Some(&c), || doc(0));
        assert_eq!(s.doc.seed, 4);
        assert_eq!(s.own.as_ref().map(|d| d.doc.seed), Some(11111));
    }

    /// The third defect: an edit autosaved, then F5 while its run goes on
    /// (the address still holds the model before it).
    #[test]
    fn a_reload_shows_the_tabs_newer_state_over_its_own_older_address() {
        let mut local = MemStore::default();
        let mut tab = MemStore::default();
        let a = link(&doc(1));
        let s = start(&mut local, &tab, Some(&a), || doc(0));
        let mut k = Keeper::new(&s);
        k.wrote_address(&mut tab, &a, &doc(1));
        k.leave(&mut local, &mut tab, &doc(7777));
        let s = start(&mut local, &tab, Some(&a), || doc(0));
        assert_eq!(s.doc.seed, 7777);
        assert!(s.shared.is_none() && s.link_error.is_none());
        // Another link pasted into that tab's address bar is not its own.
        let b = link(&doc(5));
        let s = start(&mut local, &tab, Some(&b), || doc(0));
        assert_eq!(s.doc.seed, 5);
    }

    /// Successive saves of one tab's own model keep nothing aside and offer
    /// nothing back, whether or not their edit times are known (a tab that
    /// never says when it edited saves with time 0).
    #[test]
    fn successive_own_saves_offer_nothing_back() {
        for times in [[0, 0, 0], [5, 6, 7]] {
            let mut local = MemStore::default();
            let mut tab = MemStore::default();
            let s = start(&mut local, &tab, None, || doc(1));
            let mut k = Keeper::new(&s);
            for (n, t) in times.into_iter().enumerate() {
                k.edited_at(t);
                k.save(&mut local, &mut tab, &doc(10 + n as u64)).unwrap();
            }
            assert_eq!(k.own, None, "{times:?}");
            assert_eq!(read_doc(&local, OWN_KEY), None, "{times:?}");
            let s = start(&mut local, &MemStore::default(), None, || doc(1));
            assert_eq!((s.doc.seed, s.own), (12, None), "{times:?}");
        }
    }

    /// The fifth defect: a save this build cannot read.
    #[test]
    fn unreadable_text_is_kept_aside_and_never_overwritten_unasked() {
        let mut local = MemStore::default();
        let newer = r#"{"v":2,"whatever":1}"#;
        local.set(DOC_KEY, newer).unwrap();
        let mut tab = MemStore::default();
        let s = start(&mut local, &tab, None, || doc(1));
        assert_eq!(s.unreadable, Some(Unreadable::Kept));
        assert!(matches!(s.storage_error, Some(SourceError::Stored(_))));
        let mut k = Keeper::new(&s);
        assert!(k.save(&mut local, &mut tab, &doc(2)).unwrap());
        assert_eq!(unreadable_text(&local).as_deref(), Some(newer));
        // Other unreadable text while the place is taken: saving holds.
        local.set(DOC_KEY, "{garbage").unwrap();
        let s = start(&mut local, &MemStore::default(), None, || doc(1));
        assert_eq!(s.unreadable, Some(Unreadable::Held));
        let mut k = Keeper::new(&s);
        assert!(!k.save(&mut local, &mut tab, &doc(3)).unwrap());
        assert_eq!(local.get(DOC_KEY).unwrap().as_deref(), Some("{garbage"));
        assert_eq!(unreadable_text(&local).as_deref(), Some(newer));
        // Dropping the kept text frees the place for the waiting one.
        assert_eq!(drop_unreadable(&mut local, true), Some(Unreadable::Kept));
        assert_eq!(unreadable_text(&local).as_deref(), Some("{garbage"));
        assert_eq!(drop_unreadable(&mut local, false), None);
        assert_eq!(unreadable_text(&local), None);
    }

    #[test]
    fn an_unedited_link_keeps_its_address_and_anything_else_is_written() {
        let a = link(&doc(1));
        assert_eq!(address_to_write(&doc(1), Some(&a)), None);
        assert_eq!(address_to_write(&doc(2), Some(&a)), Some(link(&doc(2))));
        assert_eq!(
            address_to_write(&doc(2), Some("res-h")),
            Some(link(&doc(2)))
        );
        assert_eq!(address_to_write(&doc(2), None), Some(link(&doc(2))));
    }

    /// A small fixed-seed generator for the sequences (xorshift64*).
    struct Gen(u64);
    impl Gen {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
        }
    }

    /// One open tab of the simulated browser.
    struct Tab {
        session: MemStore,
        address: Option<String>,
        screen: Document,
        keeper: Keeper,
        /// Its run finished: the address must hold the screen's document.
        done: bool,
        /// Edited since its last save (the page leaves only then).
        dirty: bool,
    }

    struct World {
        local: MemStore,
        tabs: Vec<Tab>,
        /// The newest version of the user's own model: their last edit of
        /// a model of their own (None before one, or once dropped; an
        /// unedited default is no one's work).
        own_latest: Option<Document>,
        next: u64,
        log: Vec<String>,
    }

    impl World {
        fn fresh(&mut self) -> Document {
            self.next += 1;
            doc(self.next)
        }

        fn open_tab(&mut self, address: Option<String>) {
            let mut session = MemStore::default();
            let s = start(&mut self.local, &session, address.as_deref(), || doc(0));
            let mut t = Tab {
                session: std::mem::take(&mut session),
                address,
                screen: s.doc.clone(),
                keeper: Keeper::new(&s),
                done: false,
                dirty: false,
            };
            Self::finish_run(&mut t);
            self.tabs.push(t);
        }

        /// The page's `keep_address` once results are shown.
        fn finish_run(t: &mut Tab) {
            if let Some(m) = address_to_write(&t.screen, t.address.as_deref()) {
                let d = t.screen.clone();
                t.keeper.wrote_address(&mut t.session, &m, &d);
                t.address = Some(m);
            }
            t.done = true;
        }

        /// `pagehide`: the page saves what was edited since its last save
        /// (the other tabs hear of it).
        fn leave(&mut self, i: usize) {
            let t = &mut self.tabs[i];
            if !t.dirty {
                return;
            }
            let d = t.screen.clone();
            t.keeper.leave(&mut self.local, &mut t.session, &d);
            t.dirty = false;
        }

        fn edit(&mut self, i: usize, finish: bool) {
            let d = self.fresh();
            let now = self.next;
            let t = &mut self.tabs[i];
            t.screen = d.clone();
            t.keeper.edited_at(now);
            t.done = false;
            t.dirty = true;
            if t.keeper.origin == Origin::Own {
                self.own_latest = Some(d.clone());
            }
            if finish {
                if let Ok(true) = t.keeper.save(&mut self.local, &mut t.session, &d) {
                    self.tabs[i].dirty = false;
                }
                let t = &mut self.tabs[i];
                Self::finish_run(t);
            }
        }

        fn step(&mut self, g: &mut Gen) {
            let before = self.local.get(DOC_KEY).unwrap();
            let n = self.tabs.len();
            let i = g.below(n.max(1));
            self.act(g, i, n);
            // Every other tab hears of a change to the autosave (the
            // browser's `storage` event), whoever made it.
            if self.local.get(DOC_KEY).unwrap() != before {
                let closed = self.tabs.len() < n;
                for (j, t) in self.tabs.iter_mut().enumerate() {
                    if closed || j != i {
                        t.keeper.other_tab = true;
                    }
                }
            }
        }

        fn act(&mut self, g: &mut Gen, i: usize, n: usize) {
            match g.below(11) {
                0 if n < 4 => {
                    let d = self.fresh();
                    self.log.push(format!("new tab with link {}", d.seed));
                    self.open_tab(Some(link(&d)));
                }
                1 if n < 4 => {
                    self.log.push("new tab".into());
                    self.open_tab(None);
                }
                2 | 3 if n > 0 => {
                    self.log.push(format!("edit in {i}"));
                    self.edit(i, true);
                }
                4 if n > 0 => {
                    // A drag: many edits, the last one's run still going.
                    self.log.push(format!("drag in {i}"));
                    for _ in 0..3 {
                        self.edit(i, false);
                    }
                }
                5 if n > 0 => {
                    self.log.push(format!("reload {i} (or update)"));
                    self.leave(i);
                    let t = &mut self.tabs[i];
                    let s = start(&mut self.local, &t.session, t.address.as_deref(), || doc(0));
                    t.screen = s.doc.clone();
                    t.keeper = Keeper::new(&s);
                    t.dirty = false;
                    Self::finish_run(t);
                }
                6 if n > 0 => {
                    // Mostly a new link; sometimes back to the own model.
                    let back = self.tabs[i]
                        .keeper
                        .own
                        .clone()
                        .filter(|_| g.below(3) == 0)
                        .map(|o| o.doc);
                    let d = back.unwrap_or_else(|| self.fresh());
                    self.log.push(format!("link {} pasted into {i}", d.seed));
                    let m = link(&d);
                    let t = &mut self.tabs[i];
                    let cur = t.screen.clone();
                    t.keeper
                        .open(&mut self.local, &mut t.session, &cur, &d, Some(&m));
                    t.screen = d;
                    t.address = Some(m);
                    Self::finish_run(t);
                }
                7 if n > 0 => {
                    let t = &mut self.tabs[i];
                    let cur = t.screen.clone();
                    if let Some(own) = t.keeper.restore_own(&mut self.local, &mut t.session, &cur) {
                        self.log.push(format!("restore own in {i}"));
                        t.screen = own;
                        Self::finish_run(t);
                    }
                }
                8 if n > 0 => {
                    let t = &mut self.tabs[i];
                    if t.keeper.own.is_some() && g.below(4) == 0 {
                        self.log.push(format!("drop own in {i}"));
                        let dropped = t.keeper.own.clone().map(|o| o.doc);
                        t.keeper.drop_own(&mut self.local);
                        if dropped == self.own_latest {
                            self.own_latest = None;
                        }
                    } else if t.keeper.other_tab {
                        self.log.push(format!("keep mine in {i}"));
                        let d = t.screen.clone();
                        t.keeper.other_tab = false;
                        if let Ok(true) = t.keeper.save(&mut self.local, &mut t.session, &d) {
                            t.dirty = false;
                        }
                    }
                }
                9 if n > 0 => {
                    let t = &mut self.tabs[i];
                    if t.keeper.other_tab {
                        let cur = t.screen.clone();
                        if let Some(d) = t.keeper.load_theirs(&mut self.local, &mut t.session, &cur)
                        {
                            self.log.push(format!("load theirs in {i}"));
                            t.screen = d;
                            Self::finish_run(t);
                        }
                    }
                }
                10 if n > 1 => {
                    self.log.push(format!("close {i}"));
                    self.leave(i);
                    self.tabs.remove(i);
                }
                _ => {}
            }
        }

        fn check(&self) {
            if let Some(own) = &self.own_latest {
                let on_a_tab = self.tabs.iter().any(|t| {
                    (t.keeper.origin == Origin::Own && same_model(&t.screen, own))
                        || t.keeper
                            .own
                            .as_ref()
                            .is_some_and(|o| same_model(&o.doc, own))
                });
                // Once no tab shows it, a new tab opens it or offers it.
                if !on_a_tab {
                    let mut local = self.local.clone();
                    let s = start(&mut local, &MemStore::default(), None, || doc(0));
                    let offered = same_model(&s.doc, own)
                        || s.own.as_ref().is_some_and(|o| same_model(&o.doc, own));
                    assert!(
                        offered,
                        "a new tab cannot reach {}: {:#?}",
                        own.seed, self.log
                    );
                }
            }
            for t in &self.tabs {
                if t.done {
                    let m = t.address.as_deref().expect("an address once done");
                    let d = address::decode(m).expect("the address decodes");
                    assert!(
                        same_model(&d, &t.screen),
                        "address differs from the screen after: {:#?}",
                        self.log
                    );
                }
            }
        }
    }

    /// The reliability issue's state-machine test: 2,000 generated
    /// sequences of links, edits, drags, reloads, tabs, restores, drops and
    /// other tabs' saves; after every step the user's own latest model is
    /// reachable and a finished tab's address holds what it shows.
    #[test]
    fn no_sequence_loses_the_own_model_or_leaves_a_stale_address() {
        let mut g = Gen(0x9E37_79B9_7F4A_7C15);
        for _ in 0..2_000 {
            let mut w = World {
                local: MemStore::default(),
                tabs: vec![],
                own_latest: None,
                next: 0,
                log: vec![],
            };
            w.open_tab(None);
            for _ in 0..20 {
                w.step(&mut g);
                w.check();
            }
        }
    }
}
