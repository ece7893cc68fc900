//! Generates the `i18n` module from `locales/{en,zh}.json` (leptos_i18n 0.6
//! does its code generation from the build script).
use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::error::Error;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?).join("i18n");
    // interpolate_display: messages with values are also needed as plain strings
    // (attributes, titles, SVG text), not only as views.
    let cfg = Config::new("en")?
        .add_locale("zh")?
        .parse_options(ParseOptions::default().interpolate_display(true));
    let infos = TranslationsInfos::parse(cfg)?;
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    infos.generate_i18n_module(out)?;
    Ok(())
}
