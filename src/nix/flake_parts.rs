//! flake-parts: `mkFlake { inherit inputs; } module` evaluates its flake modules with the same
//! module system as NixOS, and the flake's outputs are that system's `config.flake`.
//! `flake.modules.<class>.<name>` and `flake.<class>Modules.<name>` are deferred modules: every
//! definition of one is a module a host imports later. `perSystem` is never read.

use super::builtins::Prim;
use super::eval::{Eval, Selected};
use super::value::*;
use crate::knowledge::Scope;
use std::rc::Rc;

pub fn call(ev: &mut Eval, p: Prim, a: &[Thunk], at: Option<Span>) -> V {
    match p {
        Prim::MkFlake => mk_flake(ev, &a[0], &a[1], at),
        Prim::EvalModules => eval_modules(ev, &a[0], at),
        // withSystem system (args: …): the perSystem arguments of that system; its `pkgs` is
        // nixpkgs' package set (flake-parts' default, or the user's with overlays), whose lib
        // is lib.
        Prim::WithSystem => {
            let f = ev.force(&a[1]);
            let mut args = unknown_args_attrs();
            args.set("pkgs", ready(V::new(Val::External("pkgs".into()), None)));
            args.set("system", a[0].clone());
            ev.apply(f, ready(V::attrs(args, None)), at)
        }
        // moduleWithSystem (perSystem: module): the module, with per-system values unknown.
        Prim::ModuleWithSystem => {
            let f = ev.force(&a[0]);
            ev.apply(f, ready(unknown_args()), at)
        }
        // importApply file args = import file args.
        Prim::ImportApply => {
            let f = ev.force(&a[0]);
            let imported = match &f.kind {
                Val::Path(path) => ev.import(&path.clone(), f.at.or(at)).0,
                _ => return V::unknown(),
            };
            ev.apply(imported, a[1].clone(), at)
        }
        _ => V::unknown(),
    }
}

/// Arguments whose every attribute is unknown.
fn unknown_args() -> V {
    V::attrs(unknown_args_attrs(), None)
}

fn unknown_args_attrs() -> Attrs {
    Attrs {
        partial: true,
        ..Attrs::default()
    }
}

/// `lib.evalModules { modules; specialArgs; class; }`: a module system of its own, with the
/// same module semantics; its `config` and `options` as views. (A configuration that builds
/// its hosts from its own top-level module system, as flake-parts does without flake-parts.)
fn eval_modules(ev: &mut Eval, args: &Thunk, at: Option<Span>) -> V {
    let args_v = ev.force(args);
    let modules = match ev.select_key(&args_v, "modules") {
        Selected::Found(m) => match ev.as_list(&m) {
            Some(list) => list.to_vec(),
            None => return V::unknown(),
        },
        _ => Vec::new(),
    };
    let mut margs = match ev.select_key(&args_v, "specialArgs") {
        Selected::Found(s) => ev.as_attrs(&s).map(|a| (*a).clone()).unwrap_or_default(),
        _ => Attrs::default(),
    };
    margs.partial = false;
    margs.rest = None;
    if let Selected::Found(class) = ev.select_key(&args_v, "class") {
        margs.set("_class", ready(class));
    }
    let sys = ev.new_system(modules, margs, Scope::FlakeParts);
    let view = |kind: fn(Rc<ConfigRef>) -> Val| {
        ready(V::new(
            kind(Rc::new(ConfigRef {
                system: sys,
                path: Vec::new(),
            })),
            None,
        ))
    };
    let mut out = Attrs::default();
    for (k, value) in [
        ("config", view(Val::Config)),
        ("options", view(Val::Options)),
    ] {
        out.map.insert(k.into(), Binding { value, at: None });
    }
    V::attrs(out, at)
}

/// flake-parts declares `flake` as a submodule (its outputs, freeform): a definition of it
/// is a module, so `flake = { options.lib = …; config.lib.x = …; }` defines `flake.lib.x`.
fn flake_option(ev: &mut Eval) -> Thunk {
    let ty = super::types::call(
        ev,
        Prim::SubmoduleType,
        &[ready(V::list(Vec::new(), None))],
        None,
    );
    let mut option = Attrs::default();
    option.set("type", ready(ty));
    let mut options = Attrs::default();
    options.set("flake", ready(V::new(Val::Option(Rc::new(option)), None)));
    let mut module = Attrs::default();
    module.set("options", ready(V::attrs(options, None)));
    ready(V::attrs(module, None))
}

fn mk_flake(ev: &mut Eval, args: &Thunk, module: &Thunk, at: Option<Span>) -> V {
    let args_v = ev.force(args);
    let inputs = match ev.select_key(&args_v, "inputs") {
        Selected::Found(v) => v,
        _ => V::unknown(),
    };
    // `self` is the flake's outputs: the value being computed now, so it stays lazy.
    let this = {
        let inputs = inputs.clone();
        lazy(move |ev: &mut Eval| match ev.select_key(&inputs, "self") {
            Selected::Found(v) => v,
            _ => V::unknown(),
        })
    };
    let mut margs = Attrs::default();
    let mut put = |k: &str, value: Thunk| {
        margs.map.insert(k.into(), Binding { value, at: None });
    };
    put("inputs", ready(inputs));
    put("self", this);
    put(
        "withSystem",
        ready(super::builtins::prim_value(Prim::WithSystem)),
    );
    put(
        "moduleWithSystem",
        ready(super::builtins::prim_value(Prim::ModuleWithSystem)),
    );
    let mut fp_lib = Attrs::default();
    fp_lib.set(
        "importApply",
        ready(super::builtins::prim_value(Prim::ImportApply)),
    );
    // mkTransposedPerSystemModule declares per-system outputs: nothing a host reads.
    fp_lib.set(
        "mkTransposedPerSystemModule",
        ready(super::builtins::prim_value(Prim::Const)),
    );
    fp_lib.partial = true;
    put("flake-parts-lib", ready(V::attrs(fp_lib, None)));
    put("getSystem", ready(V::unknown()));
    // mkFlake's `specialArgs` are arguments of every flake module.
    if let Selected::Found(special) = ev.select_key(&args_v, "specialArgs")
        && let Some(special) = ev.as_attrs(&special)
    {
        for (k, b) in special.map.iter() {
            margs.map.insert(k.clone(), b.clone());
        }
    }
    let roots = vec![module.clone(), flake_option(ev)];
    let sys = ev.new_system(roots, margs, Scope::FlakeParts);
    V::new(
        Val::Config(Rc::new(ConfigRef {
            system: sys,
            path: vec!["flake".into()],
        })),
        at,
    )
}

/// Is `path` (below `config`) a deferred module of a flake-parts flake?
pub fn is_deferred_module(path: &[Rc<str>]) -> bool {
    match path {
        [flake, modules, _class, _name] => &**flake == "flake" && &**modules == "modules",
        [flake, kind, _name] => &**flake == "flake" && kind.ends_with("Modules"),
        _ => false,
    }
}
