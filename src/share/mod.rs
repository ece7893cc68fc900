//! The model leaves the tab: the address (`address`), undo and redo
//! (`history`), the QR code (`qr`), the comparison as CSV (`csv`), and the
//! choice of the document to start with (`boot`, below). `web` is the
//! browser's side of it all (storage, the address bar, clipboard, files);
//! everything else is plain code, tested natively.

pub mod address;
pub mod chart_export;
pub mod csv;
pub mod history;
pub mod qr;
pub mod web;

use crate::document::{self, DecodeError, Document, ENGINE_NUMBERS};
use crate::format::Lang;
use address::AddressError;

/// Whether the last autosave was refused (storage full or disabled): the
/// crash banner then says to keep the address instead of promising a reload.
pub static SAVE_REFUSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Local storage keys.
pub const DOC_KEY: &str = "funnelcast.doc";
/// The planner's own model, kept aside when a link replaced it on screen.
pub const PREVIOUS_KEY: &str = "funnelcast.doc.previous";

/// What went wrong with a source of the document, for the `error-banner`
/// (the address, a file) or the `autosave-notice` (storage).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceError {
    Address(AddressError),
    File(DecodeError),
    /// Storage holds something that is not a document.
    Stored(DecodeError),
    /// Storage cannot be read at all (disabled, private mode, blocked).
    StorageUnavailable,
}

/// The sources of the document at start-up, each read or failed.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    /// The address's model part, decoded (`None`: the address holds none).
    pub address: Option<Result<Document, AddressError>>,
    /// The autosave (`None`: nothing saved yet).
    pub stored: Option<Result<Document, SourceError>>,
}

/// The document to start with and what to tell the user.
#[derive(Clone, Debug, PartialEq)]
pub struct Boot {
    pub doc: Document,
    /// The document came from the address (a shared link).
    pub from_link: bool,
    /// Problems with the address (banner) and with storage (notice).
    pub link_error: Option<AddressError>,
    pub storage_error: Option<SourceError>,
    /// The planner's own autosaved model, when a link replaced it on screen.
    pub previous: Option<Document>,
    /// The engine numbers the link's document was computed with, when they
    /// are not this build's.
    pub engine_changed: Option<u32>,
}

/// The address wins over storage, storage over the default; a source that
/// fails gives a message and the next one. Never fails.
pub fn boot(sources: Sources, default: impl FnOnce() -> Document) -> Boot {
    let (stored, storage_error) = match sources.stored {
        Some(Ok(d)) => (Some(d), None),
        Some(Err(e)) => (None, Some(e)),
        None => (None, None),
    };
    let (linked, link_error) = match sources.address {
        Some(Ok(d)) => (Some(d), None),
        Some(Err(e)) => (None, Some(e)),
        None => (None, None),
    };
    let from_link = linked.is_some();
    let (mut doc, previous) = match (linked, stored) {
        (Some(l), Some(s)) => {
            let same = same_model(&l, &s);
            (l, (!same).then_some(s))
        }
        (Some(l), None) => (l, None),
        (None, Some(s)) => (s, None),
        (None, None) => (default(), None),
    };
    let engine_changed = (from_link && doc.engine != ENGINE_NUMBERS).then_some(doc.engine);
    // From now on the document is computed by this build's engine.
    doc.engine = ENGINE_NUMBERS;
    let previous = previous.map(|mut p| {
        p.engine = ENGINE_NUMBERS;
        p
    });
    Boot {
        doc,
        from_link,
        link_error,
        storage_error,
        previous,
        engine_changed,
    }
}

/// Equal apart from the engine numbers they record.
fn same_model(a: &Document, b: &Document) -> bool {
    let mut b = b.clone();
    b.engine = a.engine;
    *a == b
}

/// Reads stored text (the same codec as a link or a file).
pub fn read_stored(text: &str) -> Result<Document, SourceError> {
    document::decode(text).map_err(SourceError::Stored)
}

/// The page's language at start: the link's, else the user's saved choice,
/// else the browser's.
pub fn boot_lang(link: Option<Lang>, saved: Option<Lang>, browser: Lang) -> Lang {
    link.or(saved).unwrap_or(browser)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::PresetId;
    use crate::presets;

    fn d(id: PresetId) -> Document {
        presets::preset_doc(id, Lang::En)
    }

    #[test]
    fn the_address_wins_over_storage_and_storage_over_the_default() {
        let def = || d(PresetId::Classic5);
        let b = boot(Sources::default(), def);
        assert_eq!(b.doc, d(PresetId::Classic5));
        assert!(!b.from_link && b.previous.is_none());

        let b = boot(
            Sources {
                address: None,
                stored: Some(Ok(d(PresetId::Aida))),
            },
            def,
        );
        assert_eq!(b.doc, d(PresetId::Aida));

        // A link over a different saved model: the saved one is offered back.
        let b = boot(
            Sources {
                address: Some(Ok(d(PresetId::B2b))),
                stored: Some(Ok(d(PresetId::Aida))),
            },
            def,
        );
        assert_eq!(b.doc, d(PresetId::B2b));
        assert!(b.from_link);
        assert_eq!(b.previous, Some(d(PresetId::Aida)));

        // The same model: nothing to restore.
        let b = boot(
            Sources {
                address: Some(Ok(d(PresetId::B2b))),
                stored: Some(Ok(d(PresetId::B2b))),
            },
            def,
        );
        assert_eq!(b.previous, None);
    }

    #[test]
    fn a_bad_source_gives_its_error_and_the_next_source() {
        let def = || d(PresetId::Classic5);
        let b = boot(
            Sources {
                address: Some(Err(AddressError::Damaged)),
                stored: Some(Ok(d(PresetId::Aida))),
            },
            def,
        );
        assert_eq!(b.doc, d(PresetId::Aida));
        assert_eq!(b.link_error, Some(AddressError::Damaged));
        assert!(!b.from_link && b.previous.is_none());

        let garbage = read_stored("not json");
        assert!(matches!(garbage, Err(SourceError::Stored(_))));
        let b = boot(
            Sources {
                address: Some(Err(AddressError::NotBase64)),
                stored: Some(garbage),
            },
            def,
        );
        assert_eq!(b.doc, d(PresetId::Classic5));
        assert!(matches!(b.storage_error, Some(SourceError::Stored(_))));
        assert_eq!(b.link_error, Some(AddressError::NotBase64));
    }

    #[test]
    fn a_link_from_other_engine_numbers_is_flagged_once() {
        let mut old = d(PresetId::Aida);
        old.engine = ENGINE_NUMBERS + 7;
        let b = boot(
            Sources {
                address: Some(Ok(old)),
                stored: None,
            },
            || d(PresetId::Classic5),
        );
        assert_eq!(b.engine_changed, Some(ENGINE_NUMBERS + 7));
        assert_eq!(b.doc.engine, ENGINE_NUMBERS);
        let b = boot(
            Sources {
                address: Some(Ok(d(PresetId::Aida))),
                stored: None,
            },
            || d(PresetId::Classic5),
        );
        assert_eq!(b.engine_changed, None);
    }

    #[test]
    fn the_language_of_a_link_wins() {
        assert_eq!(
            boot_lang(Some(Lang::Zh), Some(Lang::En), Lang::En),
            Lang::Zh
        );
        assert_eq!(boot_lang(None, Some(Lang::Zh), Lang::En), Lang::Zh);
        assert_eq!(boot_lang(None, None, Lang::Zh), Lang::Zh);
    }
}
