//! Parts of the page kept out of the first load.
//!
//! In the release page (`--features split`) each function declared with
//! [`deferred!`] is cut out of the main `.wasm` into a module of its own,
//! fetched the first time it is called (docs/architecture.md, "The first
//! load"). Without the feature (tests, a plain debug build) the same
//! functions are ordinary boxed futures. Every split point is declared
//! here. A part that does not arrive (a dropped request, or a newer
//! build that removed the old parts) gives [`PartMissing`], and [`retrying`]
//! shows a notice with a retry and a reload in its place: the page never
//! stops for a missing part.
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
        later_styles();
        OnItsWay
    }
}

/// Links `later.css` (the parts' styles, style/later.css) the first time a
/// part is asked for: its bytes stay out of the first load's stylesheet.
fn later_styles() {
    #[cfg(target_arch = "wasm32")]
    {
        thread_local!(static LINKED: Cell<bool> = const { Cell::new(false) });
        if LINKED.with(|l| l.replace(true)) {
            return;
        }
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        if let (Ok(link), Some(head)) = (doc.create_element("link"), doc.head()) {
            let _ = link.set_attribute("rel", "stylesheet");
            let _ = link.set_attribute("href", "later.css");
            let _ = head.append_child(&link);
        }
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
    Fut: Future<Output = Result<AnyView, PartMissing>> + 'static,
{
    gated(Some(first_run_settled()), boxed(load))
}

/// A latch set once the first run has settled (done, refused or failed): a
/// later run (status back to pending) keeps what is loaded.
fn first_run_settled() -> RwSignal<bool> {
    let state = use_state();
    let settled = RwSignal::new(false);
    Effect::new(move |_| {
        if !settled.get_untracked()
            && !matches!(state.status(), SimStatus::Pending | SimStatus::Running)
        {
            settled.set(true);
        }
    });
    settled
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

/// A part of the page that did not arrive: its request failed (bad Wi-Fi),
/// or a newer build was published and the old build's parts are gone. The
/// page offers to try again or to reload, instead of stopping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartMissing;

#[cfg(feature = "split")]
impl From<leptos::wasm_split::SplitLoaderError> for PartMissing {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        PartMissing
    }
}

/// The future a deferred part's function gives.
pub type Deferred<T> =
    std::pin::Pin<Box<dyn Future<Output = Result<T, PartMissing>> + Send + Sync>>;

/// Declares a part kept out of the first load: in the release page
/// (`--features split`) its code is cut into a module of its own, fetched
/// the first time it is called; a failed fetch gives `Err(PartMissing)`
/// (wasm_split's `fallible`), where Leptos's `#[lazy]` would panic. Without
/// the feature the body is an ordinary boxed future.
macro_rules! deferred {
    ($(#[$m:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),*) -> $out:ty $body:block) => {
        $(#[$m])*
        #[cfg_attr(
            feature = "split",
            leptos::wasm_split::wasm_split(
                $name,
                wasm_split_path = ::leptos::wasm_split,
                fallible,
                return_wrapper(
                    let future = _; { future.await } -> Result<$out, $crate::ui::later::PartMissing>
                )
            )
        )]
        $vis fn $name($($arg: $ty),*) -> $crate::ui::later::Deferred<$out> {
            Box::pin(leptos::__reexports::send_wrapper::SendWrapper::new(async move {
                Ok($body)
            }))
        }
    };
}

deferred! {
    /// A simulation worker's message loop: the same module runs the page
    /// and its workers, and only a worker needs this (src/main.rs).
    pub fn worker_loop() -> bool {
        #[cfg(target_arch = "wasm32")]
        crate::runner::in_worker::start();
        true
    }
}

deferred! {
    /// The time-mode engine, asked for when the first run in time mode
    /// starts: a run taken in steps, or the problems of its inputs.
    pub fn month_run(
        plan: funnelcast_engine::Plan,
        time: funnelcast_engine::months::TimeSpec
    ) -> Result<Box<dyn crate::runner::MonthRun>, Vec<funnelcast_engine::ModelError>> {
        crate::runner::Months::new(plan, &time)
            .map(|m| Box::new(m) as Box<dyn crate::runner::MonthRun>)
    }
}

deferred! {
    /// The goal seek of a one-period job on the page's thread, asked for
    /// when a job with a goal has its results (a job from the workers has
    /// its goal answered there).
    pub fn goal_search(
        plan: funnelcast_engine::Plan,
        ask: crate::runner::GoalAsk
    ) -> Box<dyn crate::runner::GoalSearch> {
        ask.search(&plan)
    }
}

deferred! {
    /// Segment `g`'s days between stages, in the funnel editor while time
    /// mode is on (with the time-mode views' code).
    pub fn segment_lags(g: usize) -> AnyView {
        view! { <crate::ui::months::SegmentLags g=g /> }.into_any()
    }
}

deferred! {
    /// "Over time": time mode's switch, inputs and monthly figures.
    pub fn over_time() -> AnyView {
        view! { <crate::ui::months::OverTime /> }.into_any()
    }
}

deferred! {
    pub fn share_card() -> AnyView {
        view! { <crate::ui::sharing::ShareCard /> }.into_any()
    }
}

deferred! {
    /// The notices about the model's sources (a link that did not open,
    /// the own model kept, unreadable saves, another tab's change): said
    /// just after the first results, which they never delay.
    pub fn share_notices() -> AnyView {
        view! { <crate::ui::sharing::ShareNotices /> }.into_any()
    }
}

deferred! {
    /// The header's undo, redo, copy-link and QR buttons: every one acts on
    /// results already shown (the keys for undo and redo work from the
    /// start).
    pub fn share_tools() -> AnyView {
        view! { <crate::ui::sharing::ShareTools /> }.into_any()
    }
}

deferred! {
    /// The verdict above the results table (only runs with scenarios have
    /// one: the first results of a page seldom do).
    pub fn verdict() -> AnyView {
        view! { <crate::ui::results::Verdict /> }.into_any()
    }
}

deferred! {
    pub fn goal_seek() -> AnyView {
        view! { <crate::ui::results::GoalSeek /> }.into_any()
    }
}

deferred! {
    pub fn handout() -> AnyView {
        view! { <crate::ui::print::Handout /> }.into_any()
    }
}

deferred! {
    /// Presentation mode, asked for when it is first opened.
    pub fn presentation(p: crate::ui::present::Presenting) -> AnyView {
        view! { <crate::ui::present::Overlay p=p /> }.into_any()
    }
}

deferred! {
    pub fn explainers() -> AnyView {
        view! { <crate::ui::app::Explainers /> }.into_any()
    }
}

deferred! {
    pub fn qr_slide() -> AnyView {
        crate::ui::sharing::qr_slide_body()
    }
}

deferred! {
    pub fn charts() -> AnyView {
        view! { <crate::ui::charts::Charts /> }.into_any()
    }
}

deferred! {
    pub fn scenarios() -> AnyView {
        view! { <crate::ui::scenarios::ScenariosEditor /> }.into_any()
    }
}

deferred! {
    pub fn settings() -> AnyView {
        view! { <crate::ui::app::Settings /> }.into_any()
    }
}

deferred! {
    /// The address's fragment for a document: the deflate compressor is only
    /// needed once there are results to keep in the address.
    pub fn address_fragment(doc: Document, lang: Lang) -> String {
        crate::share::address::fragment(&crate::share::address::encode(&doc), lang)
    }
}

deferred! {
    pub fn paste_counts(g: usize) -> AnyView {
        view! { <crate::ui::funnel_editor::PasteCounts g=g /> }.into_any()
    }
}

/// The view `load` gives, fetched when this is first shown; when its part
/// does not arrive, a notice that says so, with a retry (a failed fetch is
/// not cached: a retry fetches again) and a reload into the newest build.
pub fn retrying<Fut>(load: impl Fn() -> Fut + Send + Sync + 'static) -> impl IntoView
where
    Fut: Future<Output = Result<AnyView, PartMissing>> + 'static,
{
    gated(None, boxed(load))
}

/// A part's loader behind one type, so the view code below is built once,
/// not once per part.
type Loader = std::sync::Arc<
    dyn Fn() -> std::pin::Pin<Box<dyn Future<Output = Result<AnyView, PartMissing>>>> + Send + Sync,
>;

fn boxed<Fut>(load: impl Fn() -> Fut + Send + Sync + 'static) -> Loader
where
    Fut: Future<Output = Result<AnyView, PartMissing>> + 'static,
{
    std::sync::Arc::new(move || Box::pin(load()))
}

/// [`retrying`], shown once `gate` (when given) holds.
fn gated(gate: Option<RwSignal<bool>>, load: Loader) -> AnyView {
    let attempt = RwSignal::new(0u32);
    (move || {
        if gate.is_some_and(|g| !g.get()) {
            return None;
        }
        attempt.track();
        let fut = part(load());
        Some(Suspend::new(Untracked(Box::pin(
            leptos::__reexports::send_wrapper::SendWrapper::new(async move {
                match fut.await {
                    Ok(v) => v,
                    Err(PartMissing) => missing_notice(attempt),
                }
            }),
        ))))
    })
    .into_any()
}

fn missing_notice(attempt: RwSignal<u32>) -> AnyView {
    use crate::i18n::*;
    use crate::ui::words::tr;
    let i18n = use_i18n();
    view! {
        <div class="notice warn part-missing" data-testid="part-missing" role="alert">
            <span>{tr(i18n, |i| t_string!(i, part_missing))}</span>
            <button
                class="btn"
                data-testid="part-retry"
                on:click=move |_| attempt.update(|n| *n += 1)
            >
                {tr(i18n, |i| t_string!(i, part_retry))}
            </button>
            <button
                class="btn"
                data-testid="part-reload"
                on:click=move |_| crate::share::web::reload()
            >
                {tr(i18n, |i| t_string!(i, reload))}
            </button>
        </div>
    }
    .into_any()
}
