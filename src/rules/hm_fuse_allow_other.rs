//! IMP601: old home-manager persistence with allowOther but FUSE does not allow it.

use super::{Context, Sink};
use crate::facts::PersistModule;

pub fn check(cx: &Context, out: &mut Sink) {
    if !cx.host.programs_fuse_user_allow_other.is_false() {
        return;
    }
    for root in cx
        .host
        .persistence
        .iter()
        .filter(|r| r.module == PersistModule::HomeManager)
    {
        if !root.allow_other.is_true() {
            continue;
        }
        out.report(
            root.allow_other.at.as_ref().or(root.at.as_ref()),
            "home.persistence sets allowOther, but programs.fuse.userAllowOther is not enabled: every bindfs \
             mount fails and the persisted home directories stay empty"
                .to_string(),
            "set programs.fuse.userAllowOther = true; in the NixOS configuration".to_string(),
        );
    }
}
