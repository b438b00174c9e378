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
    "nixos-generators",
    "noctalia",
    "noctalia-shell",
    "quadlet-nix",
    "nixos-cli",
    "daeuniverse",
    "microvm.nix",
    "microvm",
    "nix-flatpak",
    "flatpak",
    "nix-index",
    "colmena",
    "grub2-themes",
];

/// Is the input (by name, and its URL when known) one of the harmless ones? With a URL, one of
/// its path components must name the repository (`github:owner/repo/ref`,
/// `https://flakehub.com/f/Owner/repo/*`, `git+https://host/owner/repo.git`).
pub fn is_harmless(input: &str, url: Option<&str>) -> bool {
    match url {
        Some(u) => u
            .split(['/', ':', '?', '#'])
            .map(|c| c.trim_end_matches(".git").to_ascii_lowercase())
            .any(|c| HARMLESS.contains(&c.as_str())),
        None => HARMLESS.contains(&input.to_ascii_lowercase().as_str()),
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
        assert!(is_harmless(
            "determinate",
            Some("https://flakehub.com/f/DeterminateSystems/determinate/*")
        ));
    }
}
