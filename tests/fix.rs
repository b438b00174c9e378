//! Mechanical fixes through the real binary: `check --diff` shows them without writing,
//! `check --fix` applies them, keeps comments, and leaves a configuration that checks clean of
//! them; on every acceptance case that has fixable findings.

mod common;
use common::*;
use std::path::Path;

fn fixable(dir: &Path) -> Vec<String> {
    fixable_findings(dir)
        .into_iter()
        .map(|(file, code, line)| format!("{code} {file}:{line}"))
        .collect()
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
    let Some(cases) = acceptance_cases("the --fix acceptance test") else {
        return;
    };
    let mut fixed_cases = 0;
    for case in cases {
        let t = TempDir::new("fix-case");
        copy_tree(&case, t.path());
        if fixable(t.path()).is_empty() {
            continue;
        }
        run(&["check", "--fix", "."], t.path());
        let left = fixable(t.path());
        assert!(
            left.is_empty(),
            "{}: still fixable after --fix: {left:?}",
            case.file_name().unwrap().to_string_lossy()
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

#[test]
fn etc_ssh_in_a_dotted_binding_gets_files_beside_it() {
    let cfg = r#"{ ... }:
{
  fileSystems."/" = { device = "none"; fsType = "tmpfs"; options = [ "size=2G" "mode=755" ]; };
  fileSystems."/persist" = { device = "/dev/sda2"; fsType = "ext4"; neededForBoot = true; };
  boot.initrd.systemd.enable = true;
  users.mutableUsers = false;
  services.openssh.enable = true;
  services.openssh.hostKeys = [ { type = "ed25519"; path = "/etc/ssh/ssh_host_ed25519_key"; } ];
  environment.persistence."/persist".directories = [ "/var/lib/nixos" "/etc/ssh" ];
  environment.persistence."/persist".files = [ "/etc/machine-id" ];
}
"#;
    let t = TempDir::with("fix-dotted", &[("configuration.nix", cfg)]);
    assert!(fixable(t.path()).iter().any(|f| f.contains("IMP101")));
    run(&["check", "--fix", "."], t.path());
    let after = std::fs::read_to_string(t.path().join("configuration.nix")).unwrap();
    assert!(
        after.contains(r#"environment.persistence."/persist".directories = [ "/var/lib/nixos" ];"#),
        "{after}"
    );
    assert!(
        after.contains(r#"files = [ "/etc/machine-id" "/etc/ssh/ssh_host_ed25519_key" "/etc/ssh/ssh_host_ed25519_key.pub" ];"#),
        "{after}"
    );
    assert!(
        !fixable(t.path()).iter().any(|f| f.contains("IMP101")),
        "{after}"
    );
}
