//! IMP206: a hashedPasswordFile that is not readable when users are created.

use super::{Context, Sink};

pub fn check(cx: &Context, out: &mut Sink) {
    for u in cx.host.users.users.iter() {
        let Some(file) = &u.hashed_password_file else {
            continue;
        };
        let Some(path) = file.as_str() else { continue };
        let Some(reason) = cx
            .analysis
            .not_early_reason(path, crate::timeline::USERS_CREATED)
        else {
            continue;
        };
        let help = match cx.analysis.storage_path(path) {
            Some(real) => format!(
                "point hashedPasswordFile at the real file {real} on a filesystem with neededForBoot = true"
            ),
            None => "keep the password file on a filesystem with neededForBoot = true".to_string(),
        };
        out.report(
            file.at.as_ref(),
            format!(
                "users.users.{}.hashedPasswordFile {path} is not readable when NixOS creates users at \
                 activation: {reason}; {} gets no password and is locked out",
                u.name, u.name
            ),
            help,
        );
    }
}
