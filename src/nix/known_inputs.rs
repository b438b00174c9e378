//! Third-party modules known not to touch what the rules read.
//!
//! A module from a flake input is not read by the static frontend. Most of the ones people
//! import configure a boot loader, an editor, a theme or hardware, and declare nothing the facts
//! hold: no file system, persistence, user password, SSH host key, secret key, initrd rollback
//! or home file that a rule looks at. Those are listed here (by repository name, or by the input
//! name when the input's URL is not written in flake.nix), so that importing them does not make
//! a host's read incomplete. Any other module from an input is reported as unread.

/// Repository (or input) names, lowercase.
const HARMLESS: &[&str] = &[
    "nixos-hardware",
    "hardware",
    "lanzaboote",
    "nix-index-database",
    "nixvim",
    "stylix",
    "nur",
    "nix-topology",
    "determinate",
    "nix-ld",
    "vscode-server",
    "nixos-vscode-server",
    "plasma-manager",
    "nix-flatpak",
    "catppuccin",
    "spicetify-nix",
    "nix-minecraft",
    "niri",
    "niri-flake",
    "hyprland",
    "chaotic",
    "nix-gaming",
    "nixos-cosmic",
    "nix-colors",
    "nix-doom-emacs",
];

/// Is the input (by name, and its URL when known) one of the harmless ones?
pub fn is_harmless(input: &str, url: Option<&str>) -> bool {
    let repo = url
        .and_then(|u| {
            let u = u.split(['?', '#']).next().unwrap_or(u);
            let parts: Vec<&str> = u.trim_end_matches('/').split(['/', ':']).collect();
            // github:owner/repo[/ref] → repo
            match parts.as_slice() {
                [scheme, _owner, repo, ..]
                    if scheme.starts_with("git")
                        || *scheme == "gitlab"
                        || *scheme == "sourcehut" =>
                {
                    Some(repo.to_string())
                }
                _ => parts
                    .iter()
                    .rev()
                    .find(|p| !p.is_empty())
                    .map(|s| s.trim_end_matches(".git").to_string()),
            }
        })
        .map(|r| r.to_ascii_lowercase());
    let input = input.to_ascii_lowercase();
    match repo {
        Some(r) => HARMLESS.contains(&r.as_str()),
        None => HARMLESS.contains(&input.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_repository_or_input_name() {
        assert!(is_harmless("hardware", Some("github:NixOS/nixos-hardware")));
        assert!(is_harmless(
            "lanzaboote",
            Some("github:nix-community/lanzaboote/v0.4.2")
        ));
        assert!(is_harmless("lanzaboote", None));
        assert!(!is_harmless(
            "lanzaboote",
            Some("github:someone/my-modules")
        ));
        assert!(!is_harmless("mymodules", None));
    }
}
