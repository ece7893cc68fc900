//! The page's state, shared through context: the document, field messages,
//! the simulation status and the last good results. Edits go through
//! [`AppState::edit`], which marks the results pending at once (before any
//! debounce), as TESTING.md's `sim-status` contract asks.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::rc::Rc;

use funnelcast_engine::{GoalLever, GoalResult, Problem, Results};
use leptos::prelude::*;

use crate::doc::Doc;
use crate::format::{Lang, ParseError};
use crate::i18n::*;
use crate::sim::{Callbacks, GoalAsk, Job, MainThreadRunner, Runner};
use leptos_i18n::I18nContext;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SimStatus {
    Pending,
    Running,
    Done,
    Invalid,
    Error,
}

impl SimStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SimStatus::Pending => "pending",
            SimStatus::Running => "running",
            SimStatus::Done => "done",
            SimStatus::Invalid => "invalid",
            SimStatus::Error => "error",
        }
    }
}

/// A message beside a field: text that is not a number, or a number the
/// engine refuses.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FieldMsg {
    Parse(ParseError),
    Model(Problem),
}

/// Goal seek inputs: revenue target (None = not asked) and probability (%).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GoalInput {
    pub target: Option<f64>,
    pub prob_pct: f64,
    /// The volume, or one stage's rate in points.
    pub lever: GoalLever,
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub doc: RwSignal<Doc>,
    pub lang: Signal<Lang>,
    /// Messages found where a value is typed (not a number, not whole, …),
    /// owned by their input: it clears them when it goes or is rewritten.
    parse_errors: RwSignal<BTreeMap<String, FieldMsg>>,
    model_errors: Memo<BTreeMap<String, Problem>>,
    pub status: RwSignal<SimStatus>,
    pub results: RwSignal<Option<Results>>,
    pub goal: RwSignal<GoalInput>,
    pub goal_out: RwSignal<Option<GoalResult>>,
    pub run_error: RwSignal<Option<String>>,
    /// The share of trials done while a run takes more than one slice.
    pub progress: RwSignal<Option<f64>>,
    /// Bumped by every edit: a run whose number is stale is dropped.
    generation: StoredValue<Rc<Cell<u64>>, LocalStorage>,
}

pub fn use_state() -> AppState {
    expect_context::<AppState>()
}

const DEBOUNCE_MS: u64 = 120;

impl AppState {
    /// Creates the state and provides it as context.
    pub fn provide(doc: Doc, lang: Signal<Lang>) -> AppState {
        let doc = RwSignal::new(doc);
        let model_errors = Memo::new(move |_| {
            doc.with(|d| match d.model.validate() {
                Ok(_) => BTreeMap::new(),
                Err(errs) => errs
                    .into_iter()
                    .map(|e| (e.field.testid(), e.problem))
                    .collect(),
            })
        });
        let state = AppState {
            doc,
            lang,
            parse_errors: RwSignal::new(BTreeMap::new()),
            model_errors,
            status: RwSignal::new(SimStatus::Pending),
            results: RwSignal::new(None),
            goal: RwSignal::new(GoalInput {
                target: None,
                prob_pct: 90.0,
                lever: GoalLever::Volume,
            }),
            goal_out: RwSignal::new(None),
            run_error: RwSignal::new(None),
            progress: RwSignal::new(None),
            generation: StoredValue::new_local(Rc::new(Cell::new(0))),
        };
        provide_context(state);
        state.drive();
        state
    }

    /// Applies an edit to the document; results are pending from now on.
    pub fn edit(&self, f: impl FnOnce(&mut Doc)) {
        self.status.set(SimStatus::Pending);
        self.doc.update(f);
    }

    /// A structural edit (stages, segments, scenarios, preset). Inputs that
    /// go away drop their own messages (see `NumInput`).
    pub fn edit_structure(&self, f: impl FnOnce(&mut Doc)) {
        self.edit(f);
    }

    /// The goal-seek lever in effect: a rate lever whose stage was removed
    /// falls back to the volume.
    pub fn goal_lever(&self) -> GoalLever {
        match self.goal.with(|g| g.lever) {
            GoalLever::RatePoints { stage } if stage >= self.doc.with(|d| d.stages()) => {
                GoalLever::Volume
            }
            l => l,
        }
    }

    pub fn set_goal(&self, f: impl FnOnce(&mut GoalInput)) {
        self.status.set(SimStatus::Pending);
        self.goal.update(f);
    }

    pub fn set_parse_error(&self, testid: &str, e: FieldMsg) {
        self.status.set(SimStatus::Invalid);
        self.parse_errors.update(|m| {
            m.insert(testid.to_string(), e);
        });
    }

    pub fn clear_parse_error(&self, testid: &str) {
        if self.parse_errors.with_untracked(|m| m.contains_key(testid)) {
            self.parse_errors.update(|m| {
                m.remove(testid);
            });
        }
    }

    pub fn field_msg(&self, testid: &str) -> Option<FieldMsg> {
        if let Some(e) = self.parse_errors.with(|m| m.get(testid).copied()) {
            return Some(e);
        }
        self.model_errors
            .with(|m| m.get(testid).copied())
            .map(FieldMsg::Model)
    }

    /// Schedules a run after every change of the model or the goal, when all
    /// fields are good; otherwise the status is `invalid` and the last good
    /// results stay.
    fn drive(self) {
        Effect::new(move |_| {
            let model = self.doc.with(|d| d.model.clone());
            let goal = self.goal.get();
            let bad = !self.parse_errors.with(|m| m.is_empty())
                || !self.model_errors.with(|m| m.is_empty());
            let gen = self.generation.with_value(|g| {
                g.set(g.get() + 1);
                g.get()
            });
            if bad {
                self.status.set(SimStatus::Invalid);
                return;
            }
            self.status.set(SimStatus::Pending);
            let lever = self.goal_lever();
            let job = Job {
                model,
                goal: goal.target.map(|target| GoalAsk {
                    target,
                    prob: goal.prob_pct / 100.0,
                    lever,
                }),
            };
            let current = self.generation.get_value();
            set_timeout(
                move || {
                    if current.get() != gen {
                        return;
                    }
                    self.status.set(SimStatus::Running);
                    self.progress.set(None);
                    let live = {
                        let current = current.clone();
                        move || current.get() == gen
                    };
                    let progress = {
                        let live = live.clone();
                        move |f: f64| {
                            if live() {
                                self.progress.set(Some(f));
                            }
                        }
                    };
                    MainThreadRunner.run(
                        job,
                        Callbacks {
                            live: Box::new(live),
                            progress: Box::new(progress),
                            done: Box::new(move |out| {
                                if current.get() != gen {
                                    return;
                                }
                                match out {
                                    Ok(out) => {
                                        self.results.set(Some(out.results));
                                        self.goal_out.set(out.goal);
                                        self.run_error.set(None);
                                        self.status.set(SimStatus::Done);
                                        #[cfg(target_arch = "wasm32")]
                                        crate::sim::timing::measure_render();
                                    }
                                    Err(e) => {
                                        self.run_error.set(Some(e));
                                        self.status.set(SimStatus::Error);
                                    }
                                }
                            }),
                        },
                    );
                },
                std::time::Duration::from_millis(DEBOUNCE_MS),
            );
        });
    }
}

/// A field message in the page's language.
pub fn field_msg_text(i18n: I18nContext<Locale>, testid: &str, msg: &FieldMsg) -> String {
    let lang = if i18n.get_locale() == Locale::zh {
        Lang::Zh
    } else {
        Lang::En
    };
    // The engine's bounds are fractions; percent fields show them in percent.
    let scale = if is_percent_field(testid) { 100.0 } else { 1.0 };
    let num = |x: f64| crate::format::format_number(x * scale, lang);
    match *msg {
        FieldMsg::Parse(ParseError::Empty) => t_string!(i18n, err_empty).to_string(),
        FieldMsg::Parse(_) => t_string!(i18n, err_not_number).to_string(),
        FieldMsg::Model(p) => match p {
            Problem::OutOfRange { min, max } => {
                t_string!(i18n, err_range, min = num(min), max = num(max)).to_string()
            }
            Problem::NotFinite => t_string!(i18n, err_not_number).to_string(),
            Problem::NotWhole => t_string!(i18n, err_whole).to_string(),
            Problem::LowNotBelowHigh => t_string!(i18n, err_low_high).to_string(),
            Problem::MoreSuccessesThanTrials => t_string!(i18n, err_k_n).to_string(),
            Problem::TooMany { max } => t_string!(i18n, err_too_many, max = max).to_string(),
            Problem::TooFew { min } => t_string!(i18n, err_too_few, min = min).to_string(),
            Problem::NoSuchIndex => t_string!(i18n, err_no_index).to_string(),
            Problem::TrialsForScenarios { max, scenarios } => t_string!(
                i18n,
                err_trials_scenarios,
                max = num(max as f64),
                n = scenarios
            )
            .to_string(),
            _ => t_string!(i18n, err_generic).to_string(),
        },
    }
}

/// Fields typed in percent (TESTING.md: rates, CV, margin, percent levers).
pub fn is_percent_field(testid: &str) -> bool {
    [
        "rate-",
        "deal-cv-",
        "margin",
        "lever-volume-pct-",
        "lever-rate-pts-",
        "lever-rate-pct-",
        "lever-deal-pct-",
    ]
    .iter()
    .any(|p| testid.starts_with(p))
}
