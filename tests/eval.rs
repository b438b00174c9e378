//! The static evaluator, feature by feature: each test writes a small configuration and checks
//! the facts impermalint reads from it (or the findings, where the location matters).

mod common;
use common::*;
use impermalint::app::lint;
use impermalint::facts::{EntryKind, Host};
use impermalint::settings::Settings;

fn hosts(t: &TempDir) -> Vec<Host> {
    impermalint::nix::frontend::load(t.path())
        .expect("loads")
        .hosts
}

fn host(files: &[(&str, &str)]) -> Host {
    let t = TempDir::with("eval", files);
    let mut h = hosts(&t);
    assert_eq!(h.len(), 1);
    h.remove(0)
}

/// Persisted paths (directories and files) of every root, in order.
fn persisted(h: &Host) -> Vec<String> {
    h.persistence
        .iter()
        .flat_map(|r| r.entries.iter())
        .filter_map(|e| e.path.value.clone())
        .collect()
}

fn dirs(h: &Host) -> Vec<String> {
    h.persistence
        .iter()
        .flat_map(|r| r.entries.iter())
        .filter(|e| e.kind == EntryKind::Dir)
        .filter_map(|e| e.path.value.clone())
        .collect()
}

/// A module persisting the given Nix list expression as directories.
fn persisting(expr: &str) -> String {
    format!(
        "{{ lib, config, ... }}:\n{{\n  environment.persistence.\"/persist\".directories = {expr};\n}}\n"
    )
}

fn eval_list(expr: &str) -> Vec<String> {
    dirs(&host(&[("configuration.nix", &persisting(expr))]))
}

#[test]
fn let_rec_with_inherit() {
    assert_eq!(
        eval_list(r#"let a = "/a"; b = a + "/b"; in [ a b ]"#),
        ["/a", "/a/b"]
    );
    assert_eq!(
        eval_list(r#"(rec { x = "/x"; y = "${x}/y"; }).y |> (p: [ p ])"#),
        ["/x/y"]
    );
    assert_eq!(
        eval_list(r#"let s = { p = "/w"; }; in with s; [ p ]"#),
        ["/w"]
    );
    assert_eq!(
        eval_list(r#"let p = "/lexical"; in with { p = "/with"; }; [ p ]"#),
        ["/lexical"]
    );
    assert_eq!(
        eval_list(r#"let s = { a = "/i"; }; t = { inherit (s) a; }; in [ t.a ]"#),
        ["/i"]
    );
    assert_eq!(
        eval_list(r#"let a = "/j"; t = { inherit a; }; in [ t.a ]"#),
        ["/j"]
    );
}

#[test]
fn functions_patterns_and_defaults() {
    assert_eq!(
        eval_list(
            r#"let f = { base ? "/var/lib", name, ... }@args: "${base}/${name}"; in [ (f { name = "x"; }) (f { base = "/srv"; name = "y"; extra = 1; }) ]"#
        ),
        ["/var/lib/x", "/srv/y"]
    );
    assert_eq!(
        eval_list(r#"let f = a: b: a + b; g = f "/p"; in [ (g "/q") ]"#),
        ["/p/q"]
    );
}

#[test]
fn strings_lists_sets_and_conditionals() {
    assert_eq!(
        eval_list(
            r#"[ "/a" ] ++ (if true then [ "/b" ] else [ "/c" ]) ++ lib.optionals false [ "/d" ]"#
        ),
        ["/a", "/b"]
    );
    assert_eq!(
        eval_list(r#"let s = { a = "/1"; } // { a = "/2"; b = "/3"; }; in [ s.a s.b ]"#),
        ["/2", "/3"]
    );
    assert_eq!(
        eval_list(r#"let x = { a.b = "/nested"; a.c = "/other"; }; in [ x.a.b x.a.c ]"#),
        ["/nested", "/other"]
    );
    assert_eq!(
        eval_list(r#"[ ("/" + "plus") ''/indented'' ]"#),
        ["/plus", "/indented"]
    );
    assert_eq!(
        eval_list(
            r#"let s = { }; in [ (s.missing or "/default") ] ++ lib.optional (s ? missing) "/no""#
        ),
        ["/default"]
    );
}

#[test]
fn lib_functions() {
    let cases: &[(&str, &[&str])] = &[
        (
            r#"map (n: "/var/lib/${n}") [ "a" "b" ]"#,
            &["/var/lib/a", "/var/lib/b"],
        ),
        (
            r#"builtins.filter (p: lib.hasPrefix "/var" p) [ "/var/a" "/etc/b" ]"#,
            &["/var/a"],
        ),
        (r#"lib.unique [ "/a" "/a" "/b" ]"#, &["/a", "/b"]),
        (
            r#"lib.concatMap (n: [ "/${n}" "/${n}2" ]) [ "x" ]"#,
            &["/x", "/x2"],
        ),
        (
            r#"lib.mapAttrsToList (n: v: "/${n}/${v}") { a = "1"; b = "2"; }"#,
            &["/a/1", "/b/2"],
        ),
        (
            r#"builtins.attrNames (lib.genAttrs [ "/g1" "/g2" ] (n: 1))"#,
            &["/g1", "/g2"],
        ),
        (
            r#"builtins.attrValues (builtins.listToAttrs [ (lib.nameValuePair "k" "/lv") ])"#,
            &["/lv"],
        ),
        (
            r#"[ (lib.removePrefix "/persist" "/persist/etc/x") ]"#,
            &["/etc/x"],
        ),
        (
            r#"builtins.foldl' (acc: x: acc ++ [ "/${x}" ]) [ ] [ "f1" "f2" ]"#,
            &["/f1", "/f2"],
        ),
        (
            r#"let r = lib.recursiveUpdate { a.b = "/r1"; } { a.c = "/r2"; }; in [ r.a.b r.a.c ]"#,
            &["/r1", "/r2"],
        ),
        (
            r#"lib.flatten [ "/f" [ "/g" [ "/h" ] ] ]"#,
            &["/f", "/g", "/h"],
        ),
        (
            r#"builtins.attrValues (lib.optionalAttrs true { a = "/oa"; })"#,
            &["/oa"],
        ),
        (
            r#"lib.concatLists [ [ "/c1" ] [ "/c2" ] ]"#,
            &["/c1", "/c2"],
        ),
        (
            r#"lib.optional (builtins.elem "x" [ "x" ]) "/elem""#,
            &["/elem"],
        ),
        (
            r#"lib.mapAttrsToList (n: v: v) (lib.mapAttrs' (n: v: lib.nameValuePair "k${n}" "/m${v}") { a = "1"; })"#,
            &["/m1"],
        ),
        (
            r#"builtins.attrValues (lib.filterAttrs (n: v: n != "b") { a = "/fa"; b = "/fb"; })"#,
            &["/fa"],
        ),
        (r#"lib.splitString ":" "/s1:/s2""#, &["/s1", "/s2"]),
        (
            r#"[ (lib.concatStringsSep "/" [ "" "var" "j" ]) ]"#,
            &["/var/j"],
        ),
    ];
    for (expr, want) in cases {
        assert_eq!(eval_list(expr), *want, "{expr}");
    }
}

#[test]
fn config_fix_point_with_custom_options() {
    let h = host(&[
        (
            "configuration.nix",
            r#"{ config, lib, ... }: {
  imports = [ ./options.nix ];
  my.dirs = [ "/srv/data" ];
  environment.persistence."/persist".directories = config.my.dirs ++ config.my.defaults;
  services.thing.enable = true;
}"#,
        ),
        (
            "options.nix",
            r#"{ config, lib, ... }: {
  options.my.dirs = lib.mkOption { type = lib.types.listOf lib.types.str; default = [ ]; };
  options.my.defaults = lib.mkOption { default = [ "/var/lib/default" ]; };
  options.services.thing.enable = lib.mkEnableOption "thing";
  options.services.other.enable = lib.mkEnableOption "other";
  config = lib.mkMerge [
    (lib.mkIf config.services.thing.enable { environment.persistence."/persist".files = [ "/etc/thing" ]; })
    (lib.mkIf config.services.other.enable { environment.persistence."/persist".files = [ "/etc/other" ]; })
  ];
}"#,
        ),
    ]);
    assert_eq!(
        persisted(&h),
        ["/srv/data", "/var/lib/default", "/etc/thing"]
    );
    assert!(h.persistence.items[0].entries.complete);
}

#[test]
fn priorities_and_order() {
    let h = host(&[
        (
            "configuration.nix",
            r#"{ lib, ... }: {
  imports = [ ./more.nix ];
  users.mutableUsers = lib.mkForce false;
  fileSystems."/".fsType = lib.mkDefault "ext4";
  boot.initrd.postDeviceCommands = lib.mkAfter "echo last";
  environment.persistence."/persist".directories = lib.mkBefore [ "/first" ];
}"#,
        ),
        (
            "more.nix",
            r#"{ lib, ... }: {
  users.mutableUsers = true;
  fileSystems."/".fsType = "tmpfs";
  boot.initrd.postDeviceCommands = "echo first";
  environment.persistence."/persist".directories = [ "/second" ];
}"#,
        ),
    ]);
    assert_eq!(h.users.mutable_users.value, Some(false));
    assert_eq!(h.file_systems.items[0].fs_type.as_str(), Some("tmpfs"));
    assert_eq!(
        h.boot.scripted_commands[0].text.as_str(),
        Some("echo first\necho last")
    );
    assert_eq!(persisted(&h), ["/first", "/second"]);
}

#[test]
fn imports_in_all_their_forms() {
    let h = host(&[
        (
            "configuration.nix",
            r#"{ lib, ... }: { imports = [ ./dir ./attrs.nix (import ./fn.nix) { environment.persistence."/p".directories = [ "/inline" ]; } ] ++ lib.optional false ./never.nix; }"#,
        ),
        (
            "dir/default.nix",
            r#"{ environment.persistence."/p".directories = [ "/from-dir" ]; }"#,
        ),
        (
            "attrs.nix",
            r#"{ config = { environment.persistence."/p".directories = [ "/explicit" ]; }; options = { }; imports = [ ./nested/deep.nix ]; }"#,
        ),
        (
            "nested/deep.nix",
            r#"{ ... }: { environment.persistence."/p".directories = [ "/deep" ]; }"#,
        ),
        (
            "fn.nix",
            r#"{ ... }: { environment.persistence."/p".directories = [ "/fn" ]; }"#,
        ),
        (
            "never.nix",
            r#"{ environment.persistence."/p".directories = [ "/never" ]; }"#,
        ),
    ]);
    let mut got = persisted(&h);
    got.sort();
    assert_eq!(got, ["/deep", "/explicit", "/fn", "/from-dir", "/inline"]);
    assert!(h.complete);
}

#[test]
fn wrapper_three_files_deep_points_at_the_literal() {
    let t = TempDir::with(
        "wrapper",
        &[
            (
                "configuration.nix",
                "{ imports = [ ./base.nix ./a/persist.nix ./b/options.nix ./c/network.nix ]; }",
            ),
            ("base.nix", BASE),
            (
                "b/options.nix",
                r#"{ lib, ... }: { options.my.persist.system.directories = lib.mkOption { default = [ ]; }; }"#,
            ),
            (
                "a/persist.nix",
                r#"{ config, ... }: let cfg = config.my.persist; in { environment.persistence."/persist".directories = cfg.system.directories; }"#,
            ),
            (
                "c/network.nix",
                "{ ... }:\n{\n  networking.networkmanager.enable = true;\n  my.persist.system.directories = [\n    \"/etc/NetworkManager\"\n  ];\n}\n",
            ),
        ],
    );
    let mut loaded = impermalint::nix::frontend::load(t.path()).unwrap();
    let diags = lint(&loaded.hosts, &Settings::default(), &mut loaded.sources);
    let d = diags.iter().find(|d| d.code == "IMP101").expect("IMP101");
    let at = d.at.as_ref().unwrap();
    assert!(at.file.ends_with("c/network.nix"), "{at:?}");
    assert_eq!(loaded.sources.position(&at.file, at.start).unwrap().line, 5);
}

#[test]
fn flake_host_discovery_styles() {
    let base = ("base.nix", BASE);
    let styles = [
        r#"{ outputs = { self, nixpkgs, ... }: { nixosConfigurations.one = nixpkgs.lib.nixosSystem { system = "x86_64-linux"; modules = [ ./base.nix ]; }; nixosConfigurations.two = nixpkgs.lib.nixosSystem { modules = [ ./base.nix ]; }; }; }"#,
        r#"{ inputs.nixpkgs.url = "github:NixOS/nixpkgs"; outputs = inputs@{ nixpkgs, ... }: let mkHost = name: inputs.nixpkgs.lib.nixosSystem { specialArgs = { inherit inputs; }; modules = [ ./base.nix { networking.hostName = name; } ]; }; in { nixosConfigurations = builtins.listToAttrs (map (n: { name = n; value = mkHost n; }) [ "one" "two" ]); }; }"#,
        r#"{ inputs = { nixpkgs.url = "github:NixOS/nixpkgs"; }; outputs = { nixpkgs, ... }: { nixosConfigurations = { one = nixpkgs.lib.nixosSystem { modules = [ ./base.nix ]; }; } // { two = nixpkgs.lib.nixosSystem { modules = [ ./base.nix ]; }; }; }; }"#,
    ];
    for flake in styles {
        let t = TempDir::with("flakes", &[("flake.nix", flake), base]);
        let names: Vec<Option<String>> = hosts(&t).into_iter().map(|h| h.name).collect();
        assert_eq!(
            names,
            [Some("one".to_string()), Some("two".to_string())],
            "{flake}"
        );
    }
}

#[test]
fn external_modules_are_recognised() {
    let t = TempDir::with(
        "externals",
        &[
            (
                "flake.nix",
                r#"{ inputs.impermanence.url = "github:nix-community/impermanence"; inputs.sops-nix.url = "github:Mic92/sops-nix"; outputs = { nixpkgs, impermanence, sops-nix, ... }: { nixosConfigurations.h = nixpkgs.lib.nixosSystem { modules = [ impermanence.nixosModules.impermanence sops-nix.nixosModules.sops ./base.nix ]; }; }; }"#,
            ),
            (
                "base.nix",
                "{ modulesPath, ... }: { imports = [ (modulesPath + \"/installer/scan/not-detected.nix\") ]; }",
            ),
        ],
    );
    let h = &hosts(&t)[0];
    assert_eq!(h.modules, ["impermanence", "sops-nix"]);
    assert!(
        h.complete,
        "nixpkgs' own modules do not make the host incomplete"
    );
}

#[test]
fn unknown_values_stay_unknown() {
    let h = host(&[(
        "configuration.nix",
        &persisting(
            r#"[ "/known" ] ++ pkgs.someList ++ (if pkgs.flag then [ "/maybe" ] else [ ])"#,
        )
        .replace("{ lib, config, ... }", "{ lib, config, pkgs, ... }"),
    )]);
    assert_eq!(dirs(&h), ["/known"]);
    assert!(
        !h.persistence.items[0].entries.complete,
        "an unknown list makes the entries incomplete"
    );
    let h = host(&[(
        "configuration.nix",
        r#"{ pkgs, lib, ... }: { users.mutableUsers = lib.mkIf pkgs.stdenv.hostPlatform.isx86_64 false; }"#,
    )]);
    assert_eq!(h.users.mutable_users.value, None);
    // Reading an option nothing defines (and whose default is not known) is unknown, not the
    // default of the option it is assigned to.
    let h = host(&[(
        "configuration.nix",
        r#"{ config, ... }: { services.openssh.enable = config.my.undeclared.flag; }"#,
    )]);
    assert_eq!(h.openssh.enable.value, None);
    let h = host(&[(
        "configuration.nix",
        r#"{ config, ... }: { services.openssh.enable = !config.networking.networkmanager.enable; }"#,
    )]);
    assert_eq!(
        h.openssh.enable.value,
        Some(true),
        "a known default (false) is used when read"
    );
}

#[test]
fn cycles_and_missing_files_do_not_break_the_run() {
    let h = host(&[
        (
            "configuration.nix",
            "{ imports = [ ./a.nix ./missing.nix ]; }",
        ),
        (
            "a.nix",
            r#"{ imports = [ ./b.nix ]; environment.persistence."/p".directories = [ "/a" ]; }"#,
        ),
        (
            "b.nix",
            r#"{ config, lib, ... }: { imports = [ ./a.nix ]; environment.persistence."/p".directories = lib.mkIf config.x.enable [ "/b" ]; x.enable = let y = y; in y; }"#,
        ),
    ]);
    assert_eq!(dirs(&h), ["/a"]);
    assert!(
        !h.persistence.items[0].entries.complete,
        "the mkIf on an unknown condition leaves a hole"
    );
    assert!(
        h.source_errors
            .iter()
            .any(|e| e.message.contains("missing.nix"))
    );
}

#[test]
fn deep_nesting_and_runaway_recursion_end() {
    // Each expression is read (it is the persisted list), so it is really evaluated. Deeper
    // than the evaluator's depth limit, within the parser's nesting limit (deeper files are
    // refused before parsing: tests/robustness.rs).
    let nested_lists = format!(
        "[ \"/ok\" ] ++ builtins.head ({}[ ]{})",
        "[ ".repeat(900),
        " ]".repeat(900)
    );
    let nested_parens = format!("[ \"/ok\" ] ++ {}[ ]{}", "(".repeat(400), ")".repeat(400));
    let nested_sets = format!(
        "[ \"/ok\" ] ++ ({}[ ]{}).a",
        "{ a = ".repeat(400),
        "; }".repeat(400)
    );
    let infinite = "[ \"/ok\" ] ++ (let f = n: f (n + 1); in f 0)".to_string();
    let exponential =
        "[ \"/ok\" ] ++ (let g = n: if n == 0 then [ ] else g (n - 1) ++ g (n - 1); in g 60)"
            .to_string();
    let self_ref = "[ \"/ok\" ] ++ (let x = x; in x) ++ (rec { a = b; b = a; }).a".to_string();
    for expr in [
        nested_lists,
        nested_parens,
        nested_sets,
        infinite,
        exponential,
        self_ref,
    ] {
        let h = host(&[("configuration.nix", &persisting(&expr))]);
        let got = dirs(&h);
        assert_eq!(
            got.first().map(String::as_str),
            Some("/ok"),
            "{}",
            &expr[..60.min(expr.len())]
        );
    }
    // Too deep for the parser: a parse error, not a crash.
    let too_deep = format!("{{ x = {}1{}; }}", "(".repeat(50_000), ")".repeat(50_000));
    let h = host(&[("configuration.nix", &too_deep)]);
    assert!(
        h.source_errors
            .iter()
            .any(|e| e.message.contains("nested too deeply")),
        "{:?}",
        h.source_errors
    );
}

#[test]
fn flake_lock_pins_versions() {
    let lock = r#"{"nodes": {"root": {"inputs": {"nixpkgs": "nixpkgs", "imp": "impermanence_2"}},
        "nixpkgs": {"locked": {"rev": "abc", "lastModified": 1700000000}, "original": {"owner": "NixOS", "repo": "nixpkgs"}},
        "impermanence_2": {"locked": {"rev": "def", "lastModified": 1704067200}, "original": {"owner": "nix-community", "repo": "impermanence"}}},
        "root": "root", "version": 7}"#;
    let h = host(&[("configuration.nix", BASE), ("flake.lock", lock)]);
    assert_eq!(
        h.versions
            .impermanence
            .as_ref()
            .and_then(|p| p.date.as_deref()),
        Some("2024-01-01")
    );
    assert_eq!(
        h.versions.nixpkgs.as_ref().and_then(|p| p.rev.as_deref()),
        Some("abc")
    );
}

#[test]
fn old_impermanence_pin_makes_machine_id_late() {
    let lock = r#"{"nodes": {"root": {"inputs": {"impermanence": "impermanence"}},
        "impermanence": {"locked": {"rev": "def", "lastModified": 1704067200}, "original": {"repo": "impermanence"}}},
        "root": "root", "version": 7}"#;
    let t = TempDir::with("pin", &[("configuration.nix", BASE), ("flake.lock", lock)]);
    let mut loaded = impermalint::nix::frontend::load(t.path()).unwrap();
    let diags = lint(&loaded.hosts, &Settings::default(), &mut loaded.sources);
    assert!(
        diags
            .iter()
            .any(|d| d.code == "IMP203" && d.message.contains("2024-01-01")),
        "{diags:?}"
    );
    std::fs::remove_file(t.path().join("flake.lock")).unwrap();
    let mut loaded = impermalint::nix::frontend::load(t.path()).unwrap();
    let diags = lint(&loaded.hosts, &Settings::default(), &mut loaded.sources);
    assert!(
        !diags.iter().any(|d| d.code == "IMP203"),
        "no pin, no guess: {diags:?}"
    );
}

#[test]
fn home_manager_users_and_files() {
    let h = host(&[(
        "configuration.nix",
        r#"{ ... }: {
  users.users.alice = { isNormalUser = true; home = "/users/alice"; };
  home-manager.sharedModules = [ { xdg.dataFile."shared/x".text = ""; } ];
  home-manager.users.alice = { config, osConfig, ... }: {
    home.file.".screenrc".text = "";
    xdg.configFile."app/conf" = { text = ""; target = "renamed/conf"; };
    programs.starship.enable = true;
  };
}"#,
    )]);
    let u = &h.home_manager.items[0];
    assert_eq!(u.name, "alice");
    assert_eq!(u.home.as_str(), Some("/users/alice"));
    let mut targets: Vec<&str> = u.files.iter().map(|f| f.target.as_str()).collect();
    targets.sort();
    assert_eq!(
        targets,
        [".config/renamed/conf", ".local/share/shared/x", ".screenrc"]
    );
    assert!(u.enabled["programs.starship.enable"].is_true());
}

#[test]
fn disko_devices_are_file_systems() {
    let flake = r#"{ inputs.disko.url = "github:nix-community/disko"; outputs = { nixpkgs, disko, ... }: { nixosConfigurations.h = nixpkgs.lib.nixosSystem { modules = [ disko.nixosModules.disko ./configuration.nix ]; }; }; }"#;
    let cfg = r#"{ ... }: {
  disko.devices = {
    nodev."/" = { fsType = "tmpfs"; mountOptions = [ "size=2G" "mode=755" ]; };
    disk.main = {
      type = "disk";
      content = {
        type = "gpt";
        partitions.esp.content = { type = "filesystem"; format = "vfat"; mountpoint = "/boot"; };
        partitions.root.content = { type = "luks"; content = { type = "zfs"; pool = "rpool"; }; };
      };
    };
    zpool.rpool = {
      type = "zpool";
      datasets."local/nix" = { type = "zfs_fs"; mountpoint = "/nix"; };
      datasets."safe/persist" = { type = "zfs_fs"; mountpoint = "/persist"; };
    };
  };
  fileSystems."/persist".neededForBoot = true;
  environment.persistence."/persist".directories = [ "/var/log" ];
}"#;
    let t = TempDir::with("disko", &[("flake.nix", flake), ("configuration.nix", cfg)]);
    let loaded = impermalint::nix::frontend::load(t.path()).unwrap();
    let h = &loaded.hosts[0];
    assert!(h.file_systems.complete);
    let fs = |mp: &str| h.file_systems.iter().find(|f| f.mount_point == mp).unwrap();
    assert_eq!(fs("/").fs_type.as_str(), Some("tmpfs"));
    assert_eq!(
        fs("/").options.value.as_deref(),
        Some(&["size=2G".to_string(), "mode=755".to_string()][..])
    );
    assert_eq!(fs("/boot").fs_type.as_str(), Some("vfat"));
    assert_eq!(fs("/persist").fs_type.as_str(), Some("zfs"));
    assert_eq!(fs("/persist").device.as_str(), Some("rpool/safe/persist"));
    assert!(fs("/persist").needed_for_boot.is_true());
    assert!(fs("/nix").needed_for_boot.is_false());
}

#[test]
fn disko_devices_not_known_are_not_guessed() {
    let flake = r#"{ inputs.disko.url = "github:nix-community/disko"; outputs = { nixpkgs, disko, ... }: { nixosConfigurations.h = nixpkgs.lib.nixosSystem { modules = [ disko.nixosModules.disko ./configuration.nix ]; }; }; }"#;
    let cfg = r#"{ pkgs, ... }: {
  disko.devices = pkgs.someDiskLayout;
  fileSystems."/persist".neededForBoot = true;
  environment.persistence."/persist".directories = [ "/var/log" ];
}"#;
    let t = TempDir::with(
        "disko2",
        &[("flake.nix", flake), ("configuration.nix", cfg)],
    );
    let mut loaded = impermalint::nix::frontend::load(t.path()).unwrap();
    let h = &loaded.hosts[0];
    assert!(!h.file_systems.complete);
    assert_eq!(h.file_systems.items[0].fs_type.value, None);
    let diags = lint(&loaded.hosts, &Settings::default(), &mut loaded.sources);
    assert!(
        diags.is_empty(),
        "nothing to say without the filesystems: {diags:?}"
    );
}

#[test]
fn systemd_initrd_default_follows_the_nixpkgs_pin() {
    let lock = |ts: u64| {
        format!(
            r#"{{"nodes": {{"root": {{"inputs": {{"nixpkgs": "nixpkgs"}}}}, "nixpkgs": {{"locked": {{"lastModified": {ts}}}, "original": {{"repo": "nixpkgs"}}}}}}, "root": "root", "version": 7}}"#
        )
    };
    let cfg = BASE.replace("boot.initrd.systemd.enable = true;", "");
    let old = host(&[
        ("configuration.nix", &cfg),
        ("flake.lock", &lock(1_700_000_000)),
    ]);
    assert_eq!(old.boot.initrd_systemd.value, Some(false));
    let new = host(&[
        ("configuration.nix", &cfg),
        ("flake.lock", &lock(1_790_000_000)),
    ]);
    assert_eq!(
        new.boot.initrd_systemd.value, None,
        "after the default changed it depends on stateVersion"
    );
}

#[test]
fn sops_unit_timing_follows_the_sops_nix_pin() {
    let lock = |ts: u64| {
        format!(
            r#"{{"nodes": {{"root": {{"inputs": {{"sops-nix": "sops-nix"}}}}, "sops-nix": {{"locked": {{"lastModified": {ts}}}, "original": {{"owner": "Mic92", "repo": "sops-nix"}}}}}}, "root": "root", "version": 7}}"#
        )
    };
    let sops = r#"{ ... }: {
  imports = [ ./base.nix ];
  sops.useSystemdActivation = true;
  sops.age.keyFile = "/var/lib/sops/age.key";
  sops.secrets.wifi = { };
  environment.persistence."/persist".directories = [ "/var/lib/sops" ];
}"#;
    let findings = |ts: u64| {
        let t = TempDir::with(
            "sops-pin",
            &[
                ("configuration.nix", sops),
                ("base.nix", BASE),
                ("flake.lock", &lock(ts)),
            ],
        );
        let mut loaded = impermalint::nix::frontend::load(t.path()).unwrap();
        lint(&loaded.hosts, &Settings::default(), &mut loaded.sources)
            .into_iter()
            .filter(|d| d.code == "IMP205")
            .map(|d| d.message)
            .collect::<Vec<_>>()
    };
    // Before 2026-02-06 the unit does not wait for local-fs.target: the bind mount is late.
    let old = findings(1_760_000_000);
    assert!(
        old.iter().any(|m| m.contains("/var/lib/sops/age.key")),
        "{old:?}"
    );
    // From then on it does: the key is there.
    let new = findings(1_780_000_000);
    assert!(
        !new.iter().any(|m| m.contains("/var/lib/sops/age.key")),
        "{new:?}"
    );
}

#[test]
fn nixos_defaults_read_by_configuration_code() {
    // A common pattern: persist whatever host keys openssh uses.
    let h = host(&[(
        "configuration.nix",
        r#"{ config, ... }: {
  services.openssh.enable = true;
  environment.persistence."/persist".files = map (k: k.path) config.services.openssh.hostKeys;
}"#,
    )]);
    assert_eq!(
        persisted(&h),
        ["/etc/ssh/ssh_host_rsa_key", "/etc/ssh/ssh_host_ed25519_key"]
    );
    assert!(h.persistence.items[0].entries.complete);
}

#[test]
fn a_function_is_not_equal_to_a_value_of_another_type() {
    // As in Nix: `f == null` is false, not unknown. Module spec compilers test their hooks so
    // (`if x == null then default else if isFunction x then x args else x`).
    let got = eval_list(
        r#"let
  evalOr = default: x: args:
    let raw = if x == null then null else if builtins.isFunction x then x args else x;
    in if raw == null then default else raw;
in [ "/ok" ]
  ++ (if (x: x) == null then [ "/no" ] else [ "/lambda" ])
  ++ (if null != builtins.map then [ "/prim" ] else [ ])
  ++ evalOr [ "/no" ] (args: [ args.dir ]) { dir = "/called"; }
  ++ evalOr [ "/default" ] null { }"#,
    );
    assert_eq!(got, ["/ok", "/lambda", "/prim", "/called", "/default"]);
}

/// A fold that threads a set through `n` steps, each step reading the set before it twice
/// (as psyclyx's module spec compiler threads its context through every module spec).
fn threaded(n: usize) -> String {
    format!(
        r#"let
  step = acc: i:
    let prev = acc.ctx;
    in {{ ctx = (prev // {{ k = i; }}) // (prev // {{ n = (prev.n or 0) + 1; }}); }};
  walked = builtins.foldl' step {{ ctx = {{ }}; }} (builtins.genList (i: i) {n});
in [
  "/ok"
  (if walked.ctx.n == {n} then "/done" else "/not")
  (if walked.ctx ? n || true then "/after" else "/no")
]"#
    )
}

#[test]
fn a_context_threaded_through_hundreds_of_steps_is_read() {
    // Some 2,000 levels deep: past the 600 levels that a thread with a small stack may go,
    // within what the evaluation threads allow.
    assert_eq!(eval_list(&threaded(300)), ["/ok", "/done", "/after"]);
}

#[test]
fn values_cut_short_by_the_depth_limit_are_not_computed_again_at_every_read() {
    // Far deeper than the depth limit. Each step cut short used to be computed again at every
    // read, by every step above it: exponential, until the step budget ran out and even
    // `... || true` was unknown.
    let got = eval_list(&threaded(20_000));
    assert!(got.contains(&"/after".to_string()), "{got:?}");
    assert!(!got.contains(&"/not".to_string()), "{got:?}");
}
