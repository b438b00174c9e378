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
    names_one_of(HARMLESS, input, url)
}

/// Projects whose flake-parts modules are known not to define hosts: formatters, dev shells,
/// hooks, CI, and the projects the rules model (their flake modules declare outputs other than
/// nixosConfigurations). A flake module from any other input may add hosts the static check
/// cannot list (ez-configs, nixos-unified, easy-hosts, …).
const FLAKE_TOOLS: &[&str] = &[
    "flake-parts",
    "treefmt-nix",
    "treefmt",
    "devshell",
    "devenv",
    "make-shell",
    "git-hooks",
    "git-hooks.nix",
    "pre-commit-hooks",
    "pre-commit-hooks.nix",
    "flake-root",
    "process-compose-flake",
    "services-flake",
    "mission-control",
    "hercules-ci-effects",
    "nix-unit",
    "nix-github-actions",
    "pkgs-by-name-for-flake-parts",
    "files",
    "flake-file",
    "import-tree",
    "systems",
    "nixpkgs",
    "home-manager",
    "impermanence",
    "preservation",
    "sops-nix",
    "agenix",
    "agenix-shell",
    "agenix-rekey",
    "disko",
    "deploy-rs",
    "nixos-anywhere",
    "emanote",
    "nix-cargo-integration",
    "nci",
    "nix-bindings-rust",
    "just-flake",
    "nixago",
    "nix-wrapper-modules",
    // Defines `flake.modules`, which hosts of the configuration import (read as such).
    "flake-aspects",
    // Its hosts (`clan.machines`) are read by the static check itself.
    "clan-core",
];

/// Is this input (by name, or its URL when known) one whose flake modules define no hosts?
pub fn is_flake_tool(input: &str, url: Option<&str>) -> bool {
    names_one_of(FLAKE_TOOLS, input, url) || names_one_of(HARMLESS, input, url)
}

/// With a URL, one of its path components must name the repository; without, the input's name.
fn names_one_of(list: &[&str], input: &str, url: Option<&str>) -> bool {
    match url {
        Some(u) => u
            .split(['/', ':', '?', '#'])
            .map(|c| c.trim_end_matches(".git").to_ascii_lowercase())
            .any(|c| list.contains(&c.as_str())),
        None => list.contains(&input.to_ascii_lowercase().as_str()),
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
