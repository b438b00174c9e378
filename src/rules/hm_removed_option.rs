//! IMP602: home-manager persistence options that impermanence removed.

use super::{Context, Sink};

pub fn check(cx: &Context, out: &mut Sink) {
    for root in cx.host.persistence.iter() {
        for opt in &root.legacy_options {
            out.report(
                opt.at.as_ref().or(root.at.as_ref()),
                format!(
                    "{} is no longer an option of impermanence's home-manager module: evaluation fails once \
                     the impermanence input is updated",
                    opt.name
                ),
                "remove it; home directories are now persisted by the NixOS module \
                 (environment.persistence.<path>.users.<name>)"
                    .to_string(),
            );
        }
    }
    for at in &cx.host.legacy_hm_imports {
        out.report(
            Some(at),
            "impermanence's home-manager module is imported through its flake outputs: current impermanence \
             replaces them by an assertion that fails, and imports the module through its NixOS module itself"
                .to_string(),
            "drop the import and keep inputs.impermanence.nixosModules.impermanence".to_string(),
        );
    }
}
