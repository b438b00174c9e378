//! The facts JSON loader and the rules on what it loads.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = std::env::temp_dir().join(format!(
        "impermalint-fuzz-facts-{}.json",
        std::process::id()
    ));
    if std::fs::write(&path, text).is_err() {
        return;
    }
    if let Ok(doc) = impermalint::app::read_facts(&path) {
        let mut sources = impermalint::source::SourceDb::default();
        let _ = impermalint::app::lint(
            &doc.hosts,
            &impermalint::settings::Settings::default(),
            &mut sources,
        );
    }
});
