//! IMP303: a plaintext password in the configuration.

use super::{Context, Sink};

pub fn check(cx: &Context, out: &mut Sink) {
    for u in cx.host.users.users.iter() {
        for (option, fact) in [
            ("password", &u.password),
            ("initialPassword", &u.initial_password),
        ] {
            if !fact.is_true() {
                continue;
            }
            out.report(
                fact.at.as_ref().or(u.at.as_ref()),
                format!(
                    "users.users.{}.{option} is a plaintext password: it is copied into the world-readable \
                     Nix store",
                    u.name
                ),
                "use hashedPasswordFile (a file made with mkpasswd, on storage mounted at boot)".to_string(),
            );
        }
    }
}
