//! Text → parse → module collection → evaluation → facts → rules → every reporter, on one
//! configuration.nix whose text is the input.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn dir() -> &'static std::path::Path {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("impermalint-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("configuration.nix"), "{ }").unwrap();
        d
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let dir = dir();
    let overlay = [(dir.join("configuration.nix"), text.to_string())];
    let Ok(mut loaded) = impermalint::nix::frontend::load_overlay(dir, &Default::default(), &overlay) else {
        return;
    };
    let settings = impermalint::settings::Settings::default();
    let diags = impermalint::app::lint(&loaded.hosts, &settings, &mut loaded.sources);
    let coverage = impermalint::report::Coverage::of(&loaded.hosts);
    for format in [
        impermalint::report::Format::Human,
        impermalint::report::Format::Json,
        impermalint::report::Format::Sarif,
        impermalint::report::Format::Github,
    ] {
        let mut out = Vec::new();
        let _ = impermalint::report::write(
            format,
            &diags,
            &coverage,
            &mut loaded.sources,
            &mut out,
            false,
        );
    }
    let _ = impermalint::fix::plan(&diags, &mut loaded.sources);
});
