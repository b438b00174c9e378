//! IMP301: mutable users on an ephemeral root, a login user with no declared password.

use super::{Context, Sink};
use crate::facts::User;

/// Known to have no declared password source at all.
pub fn has_no_password(u: &User) -> bool {
    u.hashed_password_file.is_none()
        && u.hashed_password.is_false()
        && u.password.is_false()
        && u.initial_password.is_false()
        && u.initial_hashed_password.is_false()
}

pub fn check(cx: &Context, out: &mut Sink) {
    let users = &cx.host.users;
    if !users.mutable_users.is_true() || !cx.analysis.ephemeral.is_ephemeral() {
        return;
    }
    if cx.analysis.survives_reboot("/etc/shadow") != Some(false) {
        return;
    }
    for u in users
        .users
        .iter()
        // With authorized keys, SSH logins still work (sshd with PAM lets a key in for an
        // account with no password); not known whether there are any: no finding.
        .filter(|u| {
            u.is_normal_user.is_true() && has_no_password(u) && u.authorized_keys.is_false()
        })
    {
        out.report(
            u.at.as_ref(),
            format!(
                "{0} has no declared password and users are mutable: a password set with passwd lives in \
                 /etc/shadow on the ephemeral root, so after a reboot {0} cannot log in",
                u.name
            ),
            format!(
                "set users.users.{}.hashedPasswordFile to a file on storage mounted at boot, or set \
                 users.mutableUsers = false and declare every password",
                u.name
            ),
        );
    }
}
