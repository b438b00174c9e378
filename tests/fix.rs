//! Mechanical fixes through the real binary: `check --diff` shows them without writing,
//! `check --fix` applies them, keeps comments, and leaves a configuration that checks clean of
//! them; on every acceptance case that has fixable findings.

mod common;
use common::*;
use std::path::Path;

fn fixable(dir: &Path) -> Vec<String> {
    let o = run(&["check", "--format", "json", "."], dir);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| !d["fix"].is_null())
        .map(|d| format!("{} {}:{}", d["code"], d["file"], d["line"]))
        .collect()
}

fn copy_tree(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn diff_shows_and_fix_applies_keeping_comments() {
    let cfg = r#"{ ... }:
{
  fileSystems."/" = {
    device = "none";
    fsType = "tmpfs"; # the root is wiped at boot
  };
  fileSystems."/persist" = {
    device = "/dev/disk/by-label/persist";
    fsType = "ext4";
  };
  fileSystems."/nix" = { device = "/dev/disk/by-label/nix"; fsType = "ext4"; };
  boot.initrd.systemd.enable = true;
  environment.persistence."/persist".directories = [ "/var/log" "/var/lib/nixos" ];
  environment.persistence."/persist".files = [ "/etc/machine-id" ];
  users.mutableUsers = false;
}
"#;
    let t = TempDir::with("fix", &[("configuration.nix", cfg)]);
    let before = fixable(t.path());
    assert!(before.len() >= 3, "{before:?}");
    let diff = run(&["check", "--diff", "."], t.path());
    let d = stdout(&diff);
    assert!(d.contains("+    neededForBoot = true;"), "{d}");
    assert!(d.contains("mode=755"), "{d}");
    assert_eq!(
        std::fs::read_to_string(t.path().join("configuration.nix")).unwrap(),
        cfg,
        "--diff does not write"
    );
    let fixed = run(&["check", "--fix", "."], t.path());
    assert!(
        stderr(&fixed).contains("fixed configuration.nix"),
        "{}",
        stderr(&fixed)
    );
    let after = std::fs::read_to_string(t.path().join("configuration.nix")).unwrap();
    assert!(after.contains("# the root is wiped at boot"), "{after}");
    assert!(rnix::Root::parse(&after).errors().is_empty(), "{after}");
    assert!(fixable(t.path()).is_empty(), "{after}");
}

#[test]
fn fix_cleans_every_acceptance_case_of_its_fixable_findings() {
    let cases = repo().join("../shared/acceptance/cases");
    if !cases.is_dir() {
        eprintln!(
            "\n*** ../shared/acceptance is not beside the repository: this test DOES NOT RUN ***\n"
        );
        assert!(
            std::env::var_os("CI").is_none(),
            "CI has shared/ beside main"
        );
        return;
    }
    let mut fixed_cases = 0;
    for case in std::fs::read_dir(&cases).unwrap().flatten() {
        let t = TempDir::new("fix-case");
        copy_tree(&case.path(), t.path());
        if fixable(t.path()).is_empty() {
            continue;
        }
        run(&["check", "--fix", "."], t.path());
        let left = fixable(t.path());
        assert!(
            left.is_empty(),
            "{}: still fixable after --fix: {left:?}",
            case.file_name().to_string_lossy()
        );
        fixed_cases += 1;
    }
    assert!(fixed_cases >= 3, "only {fixed_cases} cases had fixes");
}

#[test]
fn persisted_etc_ssh_becomes_the_host_key_files() {
    let cfg = r#"{ ... }:
{
  fileSystems."/" = { device = "none"; fsType = "tmpfs"; options = [ "size=2G" "mode=755" ]; };
  fileSystems."/persist" = { device = "/dev/disk/by-label/persist"; fsType = "ext4"; neededForBoot = true; };
  fileSystems."/nix" = { device = "/dev/disk/by-label/nix"; fsType = "ext4"; neededForBoot = true; };
  boot.initrd.systemd.enable = true;
  users.mutableUsers = false;
  services.openssh.enable = true;
  services.openssh.hostKeys = [ { type = "ed25519"; path = "/etc/ssh/ssh_host_ed25519_key"; } ];
  environment.persistence."/persist" = {
    directories = [
      "/var/log"
      "/var/lib/nixos"
      "/etc/ssh" # keys and config
      "/etc/ssh"
    ];
    files = [
      "/etc/machine-id"
    ];
  };
}
"#;
    let t = TempDir::with("fix-ssh", &[("configuration.nix", cfg)]);
    let before = fixable(t.path());
    assert!(before.iter().any(|f| f.contains("IMP101")), "{before:?}");
    let fixed = run(&["check", "--fix", "."], t.path());
    assert!(stderr(&fixed).contains("fixed"), "{}", stderr(&fixed));
    let after = std::fs::read_to_string(t.path().join("configuration.nix")).unwrap();
    assert!(rnix::Root::parse(&after).errors().is_empty(), "{after}");
    // The comment stays, next to where the directory was; the key files are persisted.
    assert!(after.contains("# keys and config"), "{after}");
    assert!(!after.contains("\"/etc/ssh\""), "{after}");
    assert!(
        after.contains(
            "      \"/etc/ssh/ssh_host_ed25519_key\"\n      \"/etc/ssh/ssh_host_ed25519_key.pub\"\n"
        ),
        "{after}"
    );
    // Once, though two entries named /etc/ssh.
    assert_eq!(
        after
            .matches("      \"/etc/ssh/ssh_host_ed25519_key\"\n")
            .count(),
        1,
        "{after}"
    );
    let o = run(&["check", "--format", "json", "."], t.path());
    assert!(!stdout(&o).contains("IMP101"), "{}", stdout(&o));
}
