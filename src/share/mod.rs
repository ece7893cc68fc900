//! The model leaves the tab: the address (`address`), the QR code (`qr`), the comparison as CSV (`csv`), and what
//! the browser keeps of it, with the choice of the document to start with
//! (`keep`). `web` is the
//! browser's side of it all (storage, the address bar, clipboard, files);
//! everything else is plain code, tested natively.

pub mod address;
pub mod chart_export;
pub mod csv;
pub mod keep;
pub mod qr;
pub mod web;

use crate::document::DecodeError;
use crate::format::Lang;
use address::AddressError;

/// What the crash banner may say of the model (a panic leaves the app's own
/// state untrustworthy, so the autosave keeps this one flag beside it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaveState {
    /// Not edited since it opened: the address (or the autosave it came
    /// from) holds it, and a reload opens it again.
    Unchanged = 0,
    /// Edited, and the last edit is saved in this browser.
    Saved = 1,
    /// Edited, and the last edit is not saved (storage refused, another
    /// tab's model waits, or the autosave's pause had not ended).
    Unsaved = 2,
}

static SAVE_STATE: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

pub fn set_save_state(s: SaveState) {
    SAVE_STATE.store(s as u8, std::sync::atomic::Ordering::Relaxed);
}

pub fn save_state() -> SaveState {
    match SAVE_STATE.load(std::sync::atomic::Ordering::Relaxed) {
        0 => SaveState::Unchanged,
        1 => SaveState::Saved,
        _ => SaveState::Unsaved,
    }
}

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

/// The page's language at start: the link's, else the user's saved choice,
/// else the browser's.
pub fn boot_lang(link: Option<Lang>, saved: Option<Lang>, browser: Lang) -> Lang {
    link.or(saved).unwrap_or(browser)
}

#[cfg(test)]
mod tests {
    use super::*;

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
