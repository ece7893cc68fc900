//! Parts of the page kept out of the first load.
//!
//! In the release page (`--features split`) each function marked
//! `#[cfg_attr(feature = "split", leptos::lazy)]` is cut out of the main
//! `.wasm` into a module of its own, fetched the first time it is called
//! (docs/architecture.md, "The first load"). Without the feature (tests, a
//! plain debug build) the same functions are ordinary `async fn`s.
//!
//! What is not needed to see the first results waits for them: the parts
//! below (charts, editors of scenarios and settings, goal seek, the share
//! card, the handout, the explainers, the paste box, the address's
//! compressor) are asked for once the first run has settled (done, refused
//! or failed), so their bytes never compete with the main module's on a
//! slow link. The presentation mode and the QR slide are asked for when
//! they are opened.

use std::cell::Cell;
use std::future::Future;

use leptos::prelude::*;

use crate::document::Document;
use crate::format::Lang;
use crate::ui::state::{use_state, SimStatus};

thread_local! {
    /// Split modules asked for and not yet arrived.
    static PENDING: Cell<usize> = const { Cell::new(0) };
    /// Set once the parts asked for after the first results are all in.
    static SETTLED: ArcRwSignal<bool> = ArcRwSignal::new(false);
}

/// Whether the parts asked for once the first run settled have all arrived
/// (tracked: an effect that reads it runs again when they do). The service
/// worker is registered only then (ui/offline.rs): its install fetches every
/// file of the build once more, and on a slow link that would compete with
/// the parts.
pub fn parts_settled() -> bool {
    SETTLED.with(|s| s.get())
}

/// Awaits `fut`, counted as a part of the page on its way: while any is,
/// `<html data-parts="loading">`, then `"ready"` (docs/test-contract.md), so
/// a test knows when the deferred parts are in. A part whose view is thrown
/// away before its module arrived (its parent redrawn) stops counting then.
pub async fn part<T>(fut: impl Future<Output = T>) -> T {
    let _on_its_way = OnItsWay::new();
    fut.await
}

struct OnItsWay;

impl OnItsWay {
    fn new() -> Self {
        if PENDING.with(|p| p.replace(p.get() + 1)) == 0 {
            mark_parts("loading");
        }
        OnItsWay
    }
}

impl Drop for OnItsWay {
    fn drop(&mut self) {
        if PENDING.with(|p| p.replace(p.get() - 1)) == 1 {
            mark_parts("ready");
            SETTLED.with(|s| {
                if !s.get_untracked() {
                    // When the page is whole (examples/first_load.rs reports it).
                    #[cfg(target_arch = "wasm32")]
                    crate::runner::timing::mark("funnelcast:parts");
                    s.set(true);
                }
            });
        }
    }
}

fn mark_parts(v: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = el.set_attribute("data-parts", v);
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = v;
}

/// The view `load` gives, once the first run has settled; nothing before.
pub fn after_first_run<Fut>(load: impl Fn() -> Fut + Send + Sync + 'static) -> impl IntoView
where
    Fut: Future<Output = AnyView> + Send + 'static,
{
    let state = use_state();
    let settled = RwSignal::new(false);
    // A latch: a later run (status back to pending) keeps what is loaded.
    Effect::new(move |_| {
        if !settled.get_untracked()
            && !matches!(state.status(), SimStatus::Pending | SimStatus::Running)
        {
            settled.set(true);
        }
    });
    move || {
        settled
            .get()
            .then(|| Suspend::new(Untracked(Box::pin(part(load())))))
    }
}

/// Polls its future with no reactive observer: a `Suspend` otherwise
/// subscribes to every signal the deferred component reads while it is
/// built, and would build the whole component anew (losing what the user
/// typed in it, and aborting a module on its way) whenever one changes.
struct Untracked<F>(std::pin::Pin<Box<F>>);

impl<F: Future> Future for Untracked<F> {
    type Output = F::Output;
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<F::Output> {
        untrack(|| self.0.as_mut().poll(cx))
    }
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn share_card() -> AnyView {
    view! { <crate::ui::share::ShareCard /> }.into_any()
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn goal_seek() -> AnyView {
    view! { <crate::ui::results::GoalSeek /> }.into_any()
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn handout() -> AnyView {
    view! { <crate::ui::print::Handout /> }.into_any()
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn explainers() -> AnyView {
    view! { <crate::ui::app::Explainers /> }.into_any()
}

/// Presentation mode, asked for when it is first opened.
#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn presentation(p: crate::ui::present::Presenting) -> AnyView {
    view! { <crate::ui::present::Overlay p=p /> }.into_any()
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn qr_slide() -> AnyView {
    crate::ui::share::qr_slide_body()
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn charts() -> AnyView {
    view! { <crate::ui::charts::Charts /> }.into_any()
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn scenarios() -> AnyView {
    view! { <crate::ui::scenarios::ScenariosEditor /> }.into_any()
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn settings() -> AnyView {
    view! { <crate::ui::app::Settings /> }.into_any()
}

/// The address's fragment for a document: the deflate compressor is only
/// needed once there are results to keep in the address.
#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn address_fragment(doc: Document, lang: Lang) -> String {
    crate::share::address::fragment(&crate::share::address::encode(&doc), lang)
}

#[cfg_attr(feature = "split", leptos::lazy)]
pub async fn paste_counts(g: usize) -> AnyView {
    view! { <crate::ui::funnel_editor::PasteCounts g=g /> }.into_any()
}
