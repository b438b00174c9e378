//! IMP302: immutable users, a login user with no password and no SSH key.

use super::mutable_users_without_password_file::has_no_password;
use super::{Context, Sink};

pub fn check(cx: &Context, out: &mut Sink) {
    if !cx.host.users.mutable_users.is_false() {
        return;
    }
    for u in cx.host.users.users.iter() {
        if !u.is_normal_user.is_true() || !has_no_password(u) || !u.authorized_keys.is_false() {
            continue;
        }
        out.report(
            u.at.as_ref(),
            format!(
                "{} is a login user with no password and no SSH key, and users are immutable: nobody can \
                 log in as {}",
                u.name, u.name
            ),
            format!("set users.users.{}.hashedPasswordFile or openssh.authorizedKeys.keys", u.name),
        );
    }
}
