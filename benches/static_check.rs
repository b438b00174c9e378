//! Static check throughput against its floor (rnix alone reading and parsing the same files),
//! on a generated corpus of module files. Run on purpose: `cargo bench --bench static_check`
//! (optionally with a folder of real .nix files as the argument instead of the generated one).

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

fn main() {
    let arg = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let dir = match arg {
        Some(d) => PathBuf::from(d),
        None => {
            let d = std::env::temp_dir().join(format!("impermalint-bench-{}", std::process::id()));
            generate(&d, 2000);
            d
        }
    };
    let access = impermalint::access::Access::for_check(&dir, &[]).expect("corpus folder");
    let files = impermalint::nix::frontend::scan(&access, &dir);
    let bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    println!(
        "corpus: {} files, {:.1} MB in {}",
        files.len(),
        bytes as f64 / 1e6,
        dir.display()
    );

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
        let mut loaded = impermalint::nix::frontend::load(&dir).expect("loads");
        impermalint::app::lint(
            &loaded.hosts,
            &impermalint::settings::Settings::default(),
            &mut loaded.sources,
        )
        .len()
    });
    println!("rnix read+parse (floor): {floor:?}");
    println!(
        "impermalint static check: {full:?}  ({:.2}x the floor)",
        full.as_secs_f64() / floor.as_secs_f64()
    );
}
