//! Static check throughput against its floor (rnix alone reading and parsing the same files),
//! on generated hosts of 100, 1,000 and 10,000 modules, or on a folder of real .nix files given
//! as the argument. Run on purpose: `cargo bench --bench static_check [-- FOLDER]`.

use std::path::{Path, PathBuf};

// The binary's allocator, for the floor and the check alike.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::time::{Duration, Instant};

fn generate(dir: &Path, modules: usize) {
    std::fs::create_dir_all(dir.join("modules")).unwrap();
    let mut imports = String::new();
    for i in 0..modules {
        imports.push_str(&format!("    ./modules/m{i}.nix\n"));
        let text = format!(
            r#"{{ config, lib, pkgs, ... }}:
let
  cfg = config.my.m{i};
  dirs = map (n: "/var/lib/m{i}-${{toString n}}") (lib.range 1 5);
in
{{
  options.my.m{i}.enable = lib.mkEnableOption "module {i}";
  config = lib.mkIf cfg.enable {{
    environment.persistence."/persist".directories = dirs ++ [ "/srv/m{i}" ];
    systemd.services.m{i} = {{ serviceConfig.StateDirectory = "m{i}"; }};
    users.users.u{i} = {{ isSystemUser = true; group = "u{i}"; }};
  }};
}}
"#
        );
        std::fs::write(dir.join(format!("modules/m{i}.nix")), text).unwrap();
    }
    let enables: String = (0..modules)
        .map(|i| format!("  my.m{i}.enable = true;\n"))
        .collect();
    std::fs::write(
        dir.join("configuration.nix"),
        format!(
            "{{ ... }}:\n{{\n  imports = [\n{imports}  ];\n{enables}  fileSystems.\"/\" = {{ device = \"none\"; fsType = \"tmpfs\"; options = [ \"size=2G\" \"mode=755\" ]; }};\n  fileSystems.\"/persist\" = {{ device = \"/dev/sda2\"; fsType = \"ext4\"; neededForBoot = true; }};\n}}\n"
        ),
    )
    .unwrap();
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let start = Instant::now();
        std::hint::black_box(f());
        best = best.min(start.elapsed());
    }
    best
}

/// Times the floor and the full check on a folder: (files, bytes, floor, check).
fn measure(dir: &Path) -> (usize, u64, Duration, Duration) {
    let access = impermalint::access::Access::for_check(dir, &[]).expect("corpus folder");
    let files = impermalint::nix::frontend::scan(&access, dir);
    let bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let floor = time(5, || {
        use rayon::prelude::*;
        files
            .par_iter()
            .map(|f| {
                let text = std::fs::read_to_string(f).unwrap_or_default();
                rnix::Root::parse(&text).errors().len()
            })
            .sum::<usize>()
    });
    let full = time(5, || {
        let mut loaded = impermalint::nix::frontend::load(dir).expect("loads");
        impermalint::app::lint(
            &loaded.hosts,
            &impermalint::settings::Settings::default(),
            &mut loaded.sources,
        )
        .len()
    });
    (files.len(), bytes, floor, full)
}

fn report(what: &str, (files, bytes, floor, full): (usize, u64, Duration, Duration)) {
    println!(
        "{what}: {files} files, {:.1} MB; rnix read+parse (floor) {floor:?}; impermalint static check {full:?} ({:.2}x the floor)",
        bytes as f64 / 1e6,
        full.as_secs_f64() / floor.as_secs_f64()
    );
}

/// With a folder as the argument: that folder (a real corpus). Without: generated hosts of
/// 100, 1,000 and 10,000 modules, to see how the check grows with size.
fn main() {
    match std::env::args().skip(1).find(|a| !a.starts_with('-')) {
        Some(d) => {
            let dir = PathBuf::from(d);
            report(&dir.display().to_string(), measure(&dir));
        }
        None => {
            for modules in [100, 1_000, 10_000] {
                let d = std::env::temp_dir().join(format!(
                    "impermalint-bench-{}-{modules}",
                    std::process::id()
                ));
                generate(&d, modules);
                report(&format!("generated, {modules} modules"), measure(&d));
                let _ = std::fs::remove_dir_all(&d);
            }
        }
    }
}
