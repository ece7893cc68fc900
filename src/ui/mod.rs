//! The Leptos components of the page. Logic that needs no DOM lives outside
//! (`document`, `format`, `chart`) and is unit-tested natively.
pub mod app;
pub mod charts;
pub mod funnel_editor;
pub mod hooks;
pub mod input;
pub mod later;
pub mod months;
pub mod offline;
pub mod present;
pub mod print;
pub mod progress;
pub mod results;
pub mod scenarios;
pub mod sharing;
pub mod state;
pub mod tour;
pub mod words;
