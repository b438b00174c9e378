//! The binary's edge: resolves arguments into settings, loads facts from a frontend, runs the
//! rules, reports, and turns the outcome into an exit status.

use crate::cli::{CheckArgs, Cli, Command, FactsArgs, FailOn, InputArgs};
use crate::diagnostic::{Diagnostic, Severity};
use crate::facts::{FactsDocument, Host, SCHEMA_VERSION};
use crate::nix::inputs::ReadOptions;
use crate::report;
use crate::rules;
use crate::settings::{self, Settings};
use crate::source::SourceDb;
use rayon::prelude::*;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

/// Rounds of `check --fix` at most.
const MAX_FIX_PASSES: usize = 20;

pub fn run(cli: Cli) -> i32 {
    let result = match cli.command {
        Command::Check(args) => check(&args),
        Command::Facts(args) => facts(&args),
        Command::Rules { format } => list_rules(format),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "impermalint", &mut std::io::stdout());
            Ok(EXIT_OK)
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd)
                .render(&mut std::io::stdout())
                .map(|()| EXIT_OK)
                .map_err(|e| format!("cannot write the manual: {e}"))
        }
        Command::Explain { rule } => explain(&rule),
        Command::Lsp => crate::lsp::run().map(|()| EXIT_OK),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("impermalint: error: {message}");
            EXIT_ERROR
        }
    }
}

/// Facts for every host of the input, and the source texts the frontend read.
pub struct Loaded {
    pub hosts: Vec<Host>,
    pub sources: SourceDb,
    /// Where to look for impermalint.toml.
    pub base: PathBuf,
}

/// Reads a facts JSON document, with a one-line cause on failure.
pub fn read_facts(path: &Path) -> Result<FactsDocument, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}: not valid JSON at line {}, column {}: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    match value
        .get("schema_version")
        .and_then(serde_json::Value::as_u64)
    {
        Some(v) if v == u64::from(SCHEMA_VERSION) => {}
        Some(v) => {
            return Err(format!(
                "{}: facts schema version {v} is not supported (this impermalint reads version {SCHEMA_VERSION})",
                path.display()
            ));
        }
        None => {
            return Err(format!(
                "{}: not a facts document (no schema_version)",
                path.display()
            ));
        }
    }
    // Validate against the schema first, for errors with a line and column.
    serde_json::from_str::<FactsDocument>(&text).map_err(|e| {
        format!(
            "{}: invalid facts at line {}, column {}: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    // Relative source paths are relative to the facts file's folder.
    let dir = std::path::absolute(path)
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    let mut value = value;
    map_locations(&mut value, &|file| {
        if Path::new(file).is_absolute() {
            file.to_string()
        } else {
            dir.join(file).to_string_lossy().into_owned()
        }
    });
    serde_json::from_value(value).map_err(|e| format!("{}: invalid facts: {e}", path.display()))
}

/// Rewrites the file of every location (`{"file", "start", "end"}`) in a facts JSON value.
fn map_locations(v: &mut serde_json::Value, f: &dyn Fn(&str) -> String) {
    match v {
        serde_json::Value::Object(map) => {
            let is_loc = map.contains_key("start") && map.contains_key("end");
            for (k, child) in map.iter_mut() {
                match child {
                    serde_json::Value::String(s) if is_loc && k == "file" => *s = f(s),
                    _ => map_locations(child, f),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|i| map_locations(i, f)),
        _ => {}
    }
}

fn load(input: &InputArgs, read: &ReadOptions) -> Result<Loaded, String> {
    let allow = read.allow.as_slice();
    let mut loaded = match &input.facts {
        Some(path) => {
            let mut doc = read_facts(path)?;
            // Facts from `nix eval` or the NixOS module name files, not lines: find them, in
            // the facts file's tree only.
            let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
            let access = crate::access::Access::for_check(dir.unwrap_or(Path::new(".")), allow)?;
            let sources = crate::eval::place_locations(&mut doc.hosts, None, &access);
            Loaded {
                hosts: doc.hosts,
                sources,
                base: path.parent().unwrap_or(Path::new(".")).to_path_buf(),
            }
        }
        None => {
            let opts = crate::eval::EvalOptions {
                timeout: std::time::Duration::from_secs(input.timeout.max(1)),
                allow: allow.to_vec(),
                ..Default::default()
            };
            match (&input.flake, &input.file) {
                // With --host, evaluate only that host.
                (Some(reference), _) => match &input.host {
                    Some(h) if !reference.contains('#') => {
                        crate::eval::load_flake(&format!("{reference}#{h}"), &opts)?
                    }
                    _ => crate::eval::load_flake(reference, &opts)?,
                },
                (None, Some(file)) => crate::eval::load_file(file, &opts)?,
                (None, None) => {
                    let path = input.path.clone().unwrap_or_else(|| PathBuf::from("."));
                    crate::nix::frontend::load_with(&path, read)?
                }
            }
        }
    };
    if let Some(name) = &input.host {
        let names: Vec<String> = loaded.hosts.iter().filter_map(|h| h.name.clone()).collect();
        loaded
            .hosts
            .retain(|h| h.name.as_deref() == Some(name.as_str()));
        if loaded.hosts.is_empty() {
            let known = if names.is_empty() {
                "none: this is not a flake".to_string()
            } else {
                names.join(", ")
            };
            return Err(format!("no host named `{name}` (hosts: {known})"));
        }
    }
    Ok(loaded)
}

/// Where the input lives: where impermalint.toml is looked for.
fn input_dir(input: &InputArgs) -> PathBuf {
    let local = |p: &Path| {
        if p.is_dir() {
            p.to_path_buf()
        } else {
            p.parent()
                .filter(|d| !d.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
        }
    };
    if let Some(f) = &input.facts {
        return local(f);
    }
    if let Some(f) = &input.file {
        return local(f);
    }
    if let Some(reference) = &input.flake {
        let path = reference.split('#').next().unwrap_or(".");
        let path = path.strip_prefix("path:").unwrap_or(path);
        return if Path::new(path).is_dir() {
            PathBuf::from(path)
        } else {
            PathBuf::from(".")
        };
    }
    input
        .path
        .as_deref()
        .map_or_else(|| PathBuf::from("."), local)
}

/// What may be read besides the checked tree: `--allow-path`, `--input`,
/// `--inputs-from-store` and the config file's `allow-path` and `inputs-from-store` (said on
/// stderr, since a config file in a pull request could set them).
fn read_options(input: &InputArgs, settings: &Settings) -> ReadOptions {
    let from = settings
        .source
        .as_deref()
        .map_or_else(String::new, |s| s.display().to_string());
    for p in &settings.allow_path {
        eprintln!(
            "impermalint: also reading below {} (allow-path in {from})",
            p.display()
        );
    }
    if settings.inputs_from_store && !input.inputs_from_store {
        eprintln!(
            "impermalint: reading flake inputs from the Nix store (inputs-from-store in {from})"
        );
    }
    let mut opts = settings.read_options();
    opts.allow.splice(0..0, input.allow_path.iter().cloned());
    opts.inputs.overrides = input.inputs.clone();
    opts.inputs.from_store |= input.inputs_from_store;
    // The command line's maps first: they win over the config file's for the same path.
    opts.path_map.splice(0..0, input.path_map.iter().cloned());
    opts
}

fn resolve_settings(args: &CheckArgs, base: &Path) -> Result<Settings, String> {
    let mut s = match (&args.config, args.no_config) {
        (Some(file), _) => Settings::load(file)?,
        (None, true) => Settings::default(),
        (None, false) => Settings::discover(base)?,
    };
    if !args.select.is_empty() {
        s.select = Some(args.select.clone());
    }
    s.ignore.extend(args.ignore.iter().cloned());
    s.no_suppress = args.no_suppress;
    Ok(s)
}

/// Runs the rules over all hosts, drops suppressed and skipped findings, and sorts them.
pub fn lint(hosts: &[Host], settings: &Settings, sources: &mut SourceDb) -> Vec<Diagnostic> {
    let mut diags: Vec<Diagnostic> = hosts
        .par_iter()
        .flat_map(|h| rules::run(h, settings))
        .collect();
    diags.retain(|d| {
        d.at.as_ref()
            .is_none_or(|at| !settings.is_skipped(Path::new(&at.file)))
    });
    // `--no-suppress`: every finding, and no word about the allow comments.
    let (mut diags, used) = if settings.no_suppress {
        (diags, Default::default())
    } else {
        crate::suppress::apply_tracking(diags, sources)
    };
    // Allow comments that are malformed, name no rule, or cover nothing (IMP002), in the files
    // the configuration reads.
    if let Some(rule) =
        rules::find("IMP002").filter(|r| settings.is_selected(r) && !settings.no_suppress)
    {
        let files = files_of(hosts);
        let ran = |key: &str| {
            key.eq_ignore_ascii_case("all")
                || rules::find(key).is_some_and(|r| settings.is_selected(r))
        };
        for p in crate::suppress::problems(&files, sources, &used, &ran) {
            diags.push(Diagnostic {
                code: rule.code,
                rule: rule.name,
                severity: settings.severity_override(rule).unwrap_or(rule.severity()),
                message: p.message,
                help: Some("write `# impermalint: allow(CODE) -- reason` on the line before the finding or at its end, `# impermalint: allow-file(CODE) -- reason` for the whole file, or remove the comment".to_string()),
                at: Some(crate::facts::Loc {
                    file: p.file,
                    start: p.start as u32,
                    end: p.end as u32,
                }),
                related: Vec::new(),
                host: None,
                hosts: Vec::new(),
                fix: None,
            });
        }
    }
    // A fix is offered only where it applies to the file as it is.
    for d in &mut diags {
        if let Some(f) = &d.fix
            && !crate::fix::applies(f, sources)
        {
            d.fix = None;
        }
    }
    diags.sort_by_key(|d| (d.sort_key(), d.host.clone()));
    diags.dedup();
    Diagnostic::merge_hosts(diags)
}

fn check(args: &CheckArgs) -> Result<i32, String> {
    // Usage errors first: no point reading a configuration for a run that cannot happen.
    if let Some(key) = args
        .select
        .iter()
        .chain(&args.ignore)
        .find(|k| !settings::is_valid_key(k))
    {
        return Err(format!("unknown rule `{key}` (see `impermalint rules`)"));
    }
    let settings = resolve_settings(args, &input_dir(&args.input))?;
    let opts = read_options(&args.input, &settings);
    let mut loaded = load(&args.input, &opts)?;
    let mut diags = crate::timing::time(crate::timing::Phase::Rules, || {
        lint(&loaded.hosts, &settings, &mut loaded.sources)
    });
    if args.fix || args.diff {
        let Some(path) = static_path(&args.input) else {
            return Err(
                "--fix and --diff work on the static check (a folder or a .nix file)".into(),
            );
        };
        let changes = fix_in_memory(&path, &opts, &settings, &diags, &mut loaded.sources)?;
        if args.diff {
            let mut out = std::io::stdout().lock();
            for c in &changes {
                write!(out, "{}", c.diff()).map_err(|e| e.to_string())?;
            }
            return Ok(if changes.is_empty() {
                EXIT_OK
            } else {
                EXIT_FINDINGS
            });
        }
        for c in &changes {
            c.write()?;
            eprintln!(
                "impermalint: fixed {} ({} {})",
                crate::source::display_path(&c.file),
                c.fixes,
                if c.fixes == 1 { "fix" } else { "fixes" }
            );
        }
        if !changes.is_empty() {
            // Report what remains, read anew.
            loaded = load(&args.input, &opts)?;
            diags = lint(&loaded.hosts, &settings, &mut loaded.sources);
        }
    }
    let coverage = report::Coverage::of(&loaded.hosts);
    let color = args.format == report::Format::Human
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let mut buffer: Vec<u8> = Vec::new();
    let target: &mut dyn Write = match &args.output {
        Some(_) => &mut buffer,
        None => &mut std::io::stdout().lock(),
    };
    crate::timing::time(crate::timing::Phase::Report, || {
        report::write(
            args.format,
            &diags,
            &coverage,
            &mut loaded.sources,
            target,
            color && args.output.is_none(),
        )
        .and_then(|_| target.flush())
    })
    .map_err(|e| format!("cannot write the report: {e}"))?;
    crate::timing::print_if_asked();
    if let Some(path) = &args.output {
        crate::source::write_atomically(path, &buffer)?;
        eprintln!("impermalint: {}", report::human::summary(&diags, &coverage));
    }
    let threshold = match args.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    };
    Ok(if diags.iter().any(|d| d.severity >= threshold) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

/// Every file the hosts' facts name (where something the rules read is defined).
fn files_of(hosts: &[Host]) -> Vec<String> {
    fn walk(v: &serde_json::Value, out: &mut std::collections::BTreeSet<String>) {
        match v {
            serde_json::Value::Object(map) => {
                if let (Some(serde_json::Value::String(f)), true) =
                    (map.get("file"), map.contains_key("start"))
                {
                    out.insert(f.clone());
                }
                map.values().for_each(|x| walk(x, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = std::collections::BTreeSet::new();
    for h in hosts {
        if let Ok(v) = serde_json::to_value(h) {
            walk(&v, &mut out);
        }
    }
    out.into_iter().collect()
}

/// The path of a static check, if that is what the input is.
fn static_path(input: &InputArgs) -> Option<PathBuf> {
    if input.facts.is_some() || input.flake.is_some() || input.file.is_some() {
        return None;
    }
    Some(input.path.clone().unwrap_or_else(|| PathBuf::from(".")))
}

/// Every mechanical fix, applied in memory: one per file and round, the configuration read
/// again with the edited texts after each round (the other fixes' places move), until none is
/// left. Returns each changed file with its text before and after.
fn fix_in_memory(
    path: &Path,
    opts: &ReadOptions,
    settings: &Settings,
    diags: &[Diagnostic],
    sources: &mut SourceDb,
) -> Result<Vec<crate::fix::Change>, String> {
    let mut texts: std::collections::BTreeMap<String, (String, String, usize)> = Default::default();
    // Only the checked tree is edited: never a folder read by --allow-path or an input's source.
    let tree = crate::access::Access::for_check(path, &[])?;
    let ours = |c: &crate::fix::Change| tree.resolve(Path::new(&c.file)).is_ok();
    let mut changes = crate::fix::plan(diags, sources);
    changes.retain(ours);
    for _ in 0..MAX_FIX_PASSES {
        if changes.is_empty() {
            break;
        }
        for c in changes {
            let entry = texts
                .entry(c.file.clone())
                .or_insert_with(|| (c.before.clone(), c.before.clone(), 0));
            entry.1 = c.after;
            entry.2 += c.fixes;
        }
        let overlay: Vec<(PathBuf, String)> = texts
            .iter()
            .map(|(f, (_, now, _))| (PathBuf::from(f), now.clone()))
            .collect();
        let mut loaded = crate::nix::frontend::load_overlay(path, opts, &overlay)?;
        let diags = lint(&loaded.hosts, settings, &mut loaded.sources);
        changes = crate::fix::plan(&diags, &mut loaded.sources);
        changes.retain(ours);
    }
    Ok(texts
        .into_iter()
        .map(|(file, (before, after, fixes))| crate::fix::Change {
            file,
            before,
            after,
            fixes,
        })
        .collect())
}

fn facts(args: &FactsArgs) -> Result<i32, String> {
    let settings = Settings::discover(&input_dir(&args.input))?;
    let loaded = load(&args.input, &read_options(&args.input, &settings))?;
    let doc = FactsDocument {
        schema_version: SCHEMA_VERSION,
        frontend: if args.input.flake.is_some() || args.input.file.is_some() {
            "eval"
        } else {
            "static"
        }
        .to_string(),
        hosts: loaded.hosts,
    };
    let mut value = serde_json::to_value(&doc).map_err(|e| e.to_string())?;
    // Paths below the current folder are written relative to it, so a saved facts file moves
    // along with the configuration (`check --facts` reads them relative to the file).
    map_locations(&mut value, &crate::source::display_path);
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, &value)
        .map_err(|e| e.to_string())
        .and_then(|_| writeln!(stdout).map_err(|e| e.to_string()))
        .map_err(|e| format!("cannot write the facts: {e}"))?;
    Ok(EXIT_OK)
}

fn list_rules(format: crate::cli::RulesFormat) -> Result<i32, String> {
    let mut out = std::io::stdout().lock();
    if format == crate::cli::RulesFormat::Json {
        let rules: Vec<serde_json::Value> = rules::ALL
            .iter()
            .map(|r| {
                serde_json::json!({
                    "code": r.code,
                    "name": r.name,
                    "severity": r.severity().as_str(),
                    "summary": r.summary(),
                    "documentation": r.doc,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &serde_json::json!({ "rules": rules }))
            .map_err(|e| e.to_string())?;
        writeln!(out).map_err(|e| e.to_string())?;
        return Ok(EXIT_OK);
    }
    for r in rules::ALL {
        writeln!(
            out,
            "{}  {:<36} {:<7}  {}",
            r.code,
            r.name,
            r.severity().as_str(),
            r.summary()
        )
        .map_err(|e| e.to_string())?;
    }
    Ok(EXIT_OK)
}

fn explain(key: &str) -> Result<i32, String> {
    let rule =
        rules::find(key).ok_or_else(|| format!("no rule `{key}` (see `impermalint rules`)"))?;
    let mut out = std::io::stdout().lock();
    out.write_all(rule.doc.as_bytes())
        .map_err(|e| e.to_string())?;
    Ok(EXIT_OK)
}
