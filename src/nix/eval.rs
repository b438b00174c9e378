//! The lazy partial evaluator: the subset of Nix that NixOS configurations use.
//!
//! Anything it cannot know (pkgs, builtins that read the world, type errors, infinite recursion,
//! a budget or depth limit reached) evaluates to `Unknown` instead of failing, and Unknown
//! spreads: a rule never sees a guess.

use super::builtins::{self, Prim};
use super::files::{FileId, Files};
use super::modules::ModuleSystem;
use super::value::*;
use rnix::ast::{self, HasEntry, InterpolPart};
use rowan::ast::AstNode;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Nested evaluation depth beyond which a value is Unknown (guards the stack).
pub const MAX_DEPTH: usize = 600;
/// Evaluation steps one query may take before its values are Unknown (guards against blow-ups
/// such as exponential recursion), and steps a whole host may take.
pub const MAX_STEPS: u64 = 1_000_000;
pub const MAX_TOTAL_STEPS: u64 = 40_000_000;

pub struct Eval<'f> {
    pub files: &'f Files,
    pub depth: usize,
    pub steps: u64,
    total_steps: u64,
    /// Set when a limit cut evaluation short: the host's facts are then incomplete.
    pub truncated: bool,
    imports: HashMap<FileId, Thunk>,
    pub systems: Vec<ModuleSystem>,
    lib: Option<Thunk>,
    builtins_v: Option<Thunk>,
    /// Flake inputs whose `lib` is nixpkgs' lib.
    pub nixpkgs_inputs: Vec<String>,
}

impl<'f> Eval<'f> {
    pub fn new(files: &'f Files) -> Self {
        Eval {
            files,
            depth: 0,
            steps: 0,
            total_steps: 0,
            truncated: false,
            imports: HashMap::new(),
            systems: Vec::new(),
            lib: None,
            builtins_v: None,
            nixpkgs_inputs: Vec::new(),
        }
    }

    /// Starts a new query with a fresh step budget (the host-wide cap still applies).
    pub fn new_query(&mut self) {
        self.steps = 0;
    }

    pub fn span(&self, file: FileId, node: &rnix::SyntaxNode) -> Option<Span> {
        let r = node.text_range();
        Some(Span {
            file,
            start: r.start().into(),
            end: r.end().into(),
        })
    }

    // ---- forcing -------------------------------------------------------------------------

    pub fn force(&mut self, t: &Thunk) -> V {
        let state = std::mem::replace(&mut *t.0.borrow_mut(), ThunkState::Forcing);
        let v = match state {
            ThunkState::Ready(v) => {
                *t.0.borrow_mut() = ThunkState::Ready(v.clone());
                return v;
            }
            ThunkState::Forcing => {
                *t.0.borrow_mut() = ThunkState::Forcing;
                return V::unknown();
            }
            ThunkState::Expr(e, env) => self.eval(&e, &env),
            ThunkState::Lazy(f) => {
                if !self.enter() {
                    *t.0.borrow_mut() = ThunkState::Lazy(f);
                    return V::unknown();
                }
                let v = f(self);
                self.depth -= 1;
                v
            }
        };
        *t.0.borrow_mut() = ThunkState::Ready(v.clone());
        v
    }

    /// Counts a step and a level of nesting; false when a limit is reached.
    fn enter(&mut self) -> bool {
        self.steps += 1;
        self.total_steps += 1;
        if self.depth >= MAX_DEPTH || self.steps >= MAX_STEPS || self.total_steps >= MAX_TOTAL_STEPS
        {
            self.truncated = true;
            return false;
        }
        self.depth += 1;
        true
    }

    // ---- expressions ---------------------------------------------------------------------

    pub fn eval(&mut self, e: &ast::Expr, env: &Env) -> V {
        if !self.enter() {
            return V::unknown();
        }
        let v = self.eval_inner(e, env);
        self.depth -= 1;
        v
    }

    fn eval_inner(&mut self, e: &ast::Expr, env: &Env) -> V {
        let at = self.span(env.file, e.syntax());
        match e {
            ast::Expr::Literal(l) => literal(l, at),
            ast::Expr::Str(s) => self.eval_str(s, env, at),
            ast::Expr::PathAbs(_)
            | ast::Expr::PathRel(_)
            | ast::Expr::PathHome(_)
            | ast::Expr::PathSearch(_) => self.eval_path(e, env, at),
            ast::Expr::Ident(i) => match i.ident_token() {
                Some(tok) => self.lookup(tok.text(), env),
                None => V::unknown(),
            },
            ast::Expr::Paren(p) => p.expr().map_or_else(V::unknown, |x| self.eval(&x, env)),
            ast::Expr::Root(r) => r.expr().map_or_else(V::unknown, |x| self.eval(&x, env)),
            ast::Expr::List(l) => {
                V::list(l.items().map(|i| expr_thunk(i, env.clone())).collect(), at)
            }
            ast::Expr::AttrSet(s) => {
                let rec = s.rec_token().is_some();
                self.eval_attrset(s, env, rec, at)
            }
            ast::Expr::LetIn(l) => {
                let (scope, _) = self.recursive_bindings(l, env);
                l.body().map_or_else(V::unknown, |b| self.eval(&b, &scope))
            }
            ast::Expr::LegacyLet(l) => {
                let (_, attrs) = self.recursive_bindings(l, env);
                let body = attrs.map.get("body").map(|b| b.value.clone());
                body.map_or_else(V::unknown, |b| self.force(&b))
            }
            ast::Expr::With(w) => {
                let ns = w.namespace().map(|n| expr_thunk(n, env.clone()));
                let scope = Rc::new(Scope {
                    vars: Default::default(),
                    with: ns,
                    parent: Some(env.clone()),
                    file: env.file,
                });
                w.body().map_or_else(V::unknown, |b| self.eval(&b, &scope))
            }
            ast::Expr::Lambda(l) => V::new(
                Val::Lambda(Rc::new(Lambda {
                    node: l.clone(),
                    env: env.clone(),
                })),
                at,
            ),
            ast::Expr::Apply(a) => {
                let (Some(f), Some(arg)) = (a.lambda(), a.argument()) else {
                    return V::unknown();
                };
                let f = self.eval(&f, env);
                self.apply(f, expr_thunk(arg, env.clone()), at)
            }
            ast::Expr::Select(s) => self.eval_select(s, env),
            ast::Expr::HasAttr(h) => match self.select_path(h.expr(), h.attrpath(), env) {
                Selected::Found(_) => V::bool(true),
                Selected::Missing => V::bool(false),
                Selected::Unknown => V::unknown(),
            },
            ast::Expr::IfElse(i) => {
                let Some(c) = i.condition() else {
                    return V::unknown();
                };
                match self.eval(&c, env).as_bool() {
                    Some(true) => i.body().map_or_else(V::unknown, |b| self.eval(&b, env)),
                    Some(false) => i
                        .else_body()
                        .map_or_else(V::unknown, |b| self.eval(&b, env)),
                    None => V::unknown(),
                }
            }
            ast::Expr::Assert(a) => {
                let ok = a.condition().map(|c| self.eval(&c, env).as_bool());
                match ok {
                    Some(Some(false)) => V::unknown(),
                    _ => a.body().map_or_else(V::unknown, |b| self.eval(&b, env)),
                }
            }
            ast::Expr::UnaryOp(u) => {
                let Some(x) = u.expr() else {
                    return V::unknown();
                };
                let v = self.eval(&x, env);
                match (u.operator(), &v.kind) {
                    (Some(ast::UnaryOpKind::Invert), Val::Bool(b)) => V::new(Val::Bool(!b), at),
                    (Some(ast::UnaryOpKind::Negate), Val::Int(i)) => {
                        V::new(Val::Int(i.wrapping_neg()), at)
                    }
                    (Some(ast::UnaryOpKind::Negate), Val::Float(f)) => V::new(Val::Float(-f), at),
                    _ => V::unknown(),
                }
            }
            ast::Expr::BinOp(b) => self.eval_binop(b, env, at),
            ast::Expr::Error(_) | ast::Expr::CurPos(_) => V::unknown(),
        }
    }

    fn lookup(&mut self, name: &str, env: &Env) -> V {
        // Lexical bindings win over every `with`.
        let mut scope = Some(env.clone());
        while let Some(s) = scope {
            let found = s.vars.borrow().get(name).cloned();
            if let Some(t) = found {
                return self.force(&t);
            }
            scope = s.parent.clone();
        }
        let mut scope = Some(env.clone());
        let mut unknown_with = false;
        while let Some(s) = scope {
            if let Some(ns) = &s.with {
                let v = self.force(ns);
                match self.select_key(&v, name) {
                    Selected::Found(v) => return v,
                    Selected::Missing => {}
                    Selected::Unknown => unknown_with = true,
                }
            }
            scope = s.parent.clone();
        }
        if unknown_with {
            return V::unknown();
        }
        self.global(name)
    }

    fn global(&mut self, name: &str) -> V {
        match name {
            "true" => V::bool(true),
            "false" => V::bool(false),
            "null" => V::new(Val::Null, None),
            "builtins" => {
                let t = self.builtins_thunk();
                self.force(&t)
            }
            _ => match Prim::global(name) {
                Some(p) => builtins::prim_value(p),
                None => V::unknown(),
            },
        }
    }

    pub fn lib_thunk(&mut self) -> Thunk {
        if let Some(l) = &self.lib {
            return l.clone();
        }
        let l = ready(builtins::lib_value());
        self.lib = Some(l.clone());
        l
    }

    fn builtins_thunk(&mut self) -> Thunk {
        if let Some(b) = &self.builtins_v {
            return b.clone();
        }
        let b = ready(builtins::builtins_value());
        self.builtins_v = Some(b.clone());
        b
    }

    fn eval_str(&mut self, s: &ast::Str, env: &Env, at: Option<Span>) -> V {
        let parts = s.normalized_parts();
        if let [InterpolPart::Interpolation(i)] = parts.as_slice() {
            // "${x}": the value keeps the span of the literal it came from.
            let v = i.expr().map_or_else(V::unknown, |x| self.eval(&x, env));
            return match self.coerce_to_string(&v) {
                Coerced::Str(s) => V::new(Val::Str(s.into()), v.at.or(at)),
                Coerced::External(n) => V::new(Val::External(n.into()), at),
                Coerced::Unknown => V::unknown(),
            };
        }
        let mut out = String::new();
        let mut external = None;
        for part in parts {
            match part {
                InterpolPart::Literal(l) => out.push_str(&l),
                InterpolPart::Interpolation(i) => {
                    let v = i.expr().map_or_else(V::unknown, |x| self.eval(&x, env));
                    match self.coerce_to_string(&v) {
                        Coerced::Str(s) => out.push_str(&s),
                        Coerced::External(n) => external = Some(n),
                        Coerced::Unknown => return V::unknown(),
                    }
                }
            }
        }
        match external {
            Some(n) => V::new(Val::External(format!("{n}{out}").into()), at),
            None => V::new(Val::Str(out.into()), at),
        }
    }

    pub fn coerce_to_string(&mut self, v: &V) -> Coerced {
        match &v.kind {
            Val::Str(s) => Coerced::Str(s.to_string()),
            Val::Int(i) => Coerced::Str(i.to_string()),
            Val::Float(f) => Coerced::Str(f.to_string()),
            Val::Bool(b) => Coerced::Str(if *b { "1".into() } else { String::new() }),
            Val::Null => Coerced::Str(String::new()),
            Val::External(n) => Coerced::External(n.to_string()),
            // A path interpolated into a string is copied to the store: its name is unknown.
            _ => Coerced::Unknown,
        }
    }

    fn eval_path(&mut self, e: &ast::Expr, env: &Env, at: Option<Span>) -> V {
        let path = match ast::Path::cast(e.syntax().clone()) {
            Some(p) => p,
            None => return V::unknown(),
        };
        if let ast::Path::PathSearch(s) = &path {
            let name = s
                .content()
                .map(|c| c.text().to_string())
                .unwrap_or_default();
            return V::new(Val::External(format!("<{name}>").into()), at);
        }
        let mut text = String::new();
        for part in path.parts() {
            match part {
                InterpolPart::Literal(l) => text.push_str(l.text()),
                InterpolPart::Interpolation(i) => {
                    let v = i.expr().map_or_else(V::unknown, |x| self.eval(&x, env));
                    match self.coerce_to_string(&v) {
                        Coerced::Str(s) => text.push_str(&s),
                        _ => return V::unknown(),
                    }
                }
            }
        }
        if text.starts_with('~') {
            return V::unknown();
        }
        let base = self
            .files
            .by_id(env.file)
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let p = if text.starts_with('/') {
            PathBuf::from(&text)
        } else {
            base.join(&text)
        };
        V::new(Val::Path(Rc::new(super::files::normalize_path(&p))), at)
    }

    /// The name of one attribute of an attribute path, if it can be known.
    pub fn attr_name(&mut self, a: &ast::Attr, env: &Env) -> Option<Rc<str>> {
        match a {
            ast::Attr::Ident(i) => Some(
                i.ident_token()
                    .map_or_else(|| i.syntax().text().to_string(), |t| t.text().to_string())
                    .into(),
            ),
            ast::Attr::Str(s) => self.eval_str(s, env, None).as_str().map(Into::into),
            ast::Attr::Dynamic(d) => {
                let v = d.expr().map_or_else(V::unknown, |x| self.eval(&x, env));
                v.as_str().map(Into::into)
            }
        }
    }

    fn eval_select(&mut self, s: &ast::Select, env: &Env) -> V {
        match self.select_path(s.expr(), s.attrpath(), env) {
            Selected::Found(v) => v,
            Selected::Missing => match s.default_expr() {
                Some(d) => self.eval(&d, env),
                None => V::unknown(),
            },
            Selected::Unknown => V::unknown(),
        }
    }

    /// `base.a.b.c`, shared by selection and `?`.
    fn select_path(
        &mut self,
        base: Option<ast::Expr>,
        path: Option<ast::Attrpath>,
        env: &Env,
    ) -> Selected {
        let (Some(base), Some(path)) = (base, path) else {
            return Selected::Unknown;
        };
        let mut cur = self.eval(&base, env);
        for attr in path.attrs() {
            let Some(key) = self.attr_name(&attr, env) else {
                return Selected::Unknown;
            };
            match self.select_key(&cur, &key) {
                Selected::Found(v) => cur = v,
                other => return other,
            }
        }
        Selected::Found(cur)
    }

    /// `v.key`, for every kind of set-like value.
    pub fn select_key(&mut self, v: &V, key: &str) -> Selected {
        match &v.kind {
            Val::Attrs(a) | Val::Option(a) | Val::System(a) => match a.get(key) {
                Some(b) => {
                    let b = b.clone();
                    Selected::Found(self.force(&b.value))
                }
                None if a.partial => Selected::Unknown,
                None => Selected::Missing,
            },
            Val::Config(c) => {
                let (system, mut path) = (c.system, c.path.clone());
                path.push(key.into());
                Selected::Found(self.config_value(system, &path))
            }
            Val::External(name) => {
                let base = name.strip_prefix("input:").unwrap_or(name);
                if key == "lib" && self.nixpkgs_inputs.iter().any(|n| n.as_str() == base) {
                    let l = self.lib_thunk();
                    return Selected::Found(self.force(&l));
                }
                Selected::Found(V::new(Val::External(format!("{name}.{key}").into()), v.at))
            }
            // A property read as a set (`(mkIf c { a = 1; }).a`) means nothing certain in Nix
            // either; like undefined and unknown values, it is unknown.
            Val::Prop(_) | Val::Unknown | Val::Undefined => Selected::Unknown,
            _ => Selected::Missing,
        }
    }

    /// Reads an attribute set literal, `rec` or not.
    fn eval_attrset(&mut self, s: &ast::AttrSet, env: &Env, rec: bool, at: Option<Span>) -> V {
        if rec {
            let (_, attrs) = self.recursive_bindings(s, env);
            V::attrs(attrs, at)
        } else {
            V::attrs(self.build_bindings(s, env, env), at)
        }
    }

    /// `let` and `rec { }`: bindings that see each other, in a new scope.
    fn recursive_bindings(&mut self, node: &impl HasEntry, env: &Env) -> (Env, Attrs) {
        let scope = new_scope(env);
        let attrs = self.build_bindings(node, &scope, env);
        {
            let mut vars = scope.vars.borrow_mut();
            for (k, b) in &attrs.map {
                vars.insert(k.clone(), b.value.clone());
            }
        }
        (scope, attrs)
    }

    /// The bindings of a set or let: values evaluate in `scope`, `inherit x;` reads `outer`.
    fn build_bindings(&mut self, node: &impl HasEntry, scope: &Env, outer: &Env) -> Attrs {
        let mut b = Builder::default();
        for entry in node.entries() {
            match entry {
                ast::Entry::Inherit(inh) => {
                    let from = inh
                        .from()
                        .and_then(|f| f.expr())
                        .map(|e| expr_thunk(e, scope.clone()));
                    for attr in inh.attrs() {
                        let at = self.span(scope.file, attr.syntax());
                        let Some(name) = self.attr_name(&attr, outer) else {
                            b.partial = true;
                            continue;
                        };
                        let value = match &from {
                            Some(src) => {
                                let src = src.clone();
                                let key = name.clone();
                                lazy(move |ev: &mut Eval| {
                                    let v = ev.force(&src);
                                    match ev.select_key(&v, &key) {
                                        Selected::Found(v) => v,
                                        _ => V::unknown(),
                                    }
                                })
                            }
                            None => {
                                let outer = outer.clone();
                                let key = name.clone();
                                lazy(move |ev: &mut Eval| ev.lookup(&key, &outer))
                            }
                        };
                        b.insert(self, &[name], Binding { value, at });
                    }
                }
                ast::Entry::AttrpathValue(apv) => {
                    let at = self.span(scope.file, apv.syntax());
                    let Some(path) = apv.attrpath() else { continue };
                    let mut keys = Vec::new();
                    let mut known = true;
                    for attr in path.attrs() {
                        match self.attr_name(&attr, scope) {
                            Some(k) => keys.push(k),
                            None => {
                                known = false;
                                break;
                            }
                        }
                    }
                    if !known || keys.is_empty() {
                        b.partial_at(&keys);
                        continue;
                    }
                    let Some(value) = apv.value() else { continue };
                    b.insert(
                        self,
                        &keys,
                        Binding {
                            value: expr_thunk(value, scope.clone()),
                            at,
                        },
                    );
                }
            }
        }
        b.finish()
    }

    fn eval_binop(&mut self, b: &ast::BinOp, env: &Env, at: Option<Span>) -> V {
        use ast::BinOpKind::*;
        let (Some(op), Some(lhs), Some(rhs)) = (b.operator(), b.lhs(), b.rhs()) else {
            return V::unknown();
        };
        match op {
            And | Or | Implication => {
                let l = self.eval(&lhs, env).as_bool();
                let short = match (op, l) {
                    (And, Some(false)) => Some(false),
                    (Or, Some(true)) => Some(true),
                    (Implication, Some(false)) => Some(true),
                    _ => None,
                };
                if let Some(s) = short {
                    return V::new(Val::Bool(s), at);
                }
                let r = self.eval(&rhs, env).as_bool();
                return match (op, l, r) {
                    (And, Some(true), Some(r))
                    | (Or, Some(false), Some(r))
                    | (Implication, Some(true), Some(r)) => V::new(Val::Bool(r), at),
                    (And, None, Some(false)) => V::new(Val::Bool(false), at),
                    (Or, None, Some(true)) | (Implication, None, Some(true)) => {
                        V::new(Val::Bool(true), at)
                    }
                    _ => V::unknown(),
                };
            }
            PipeRight => {
                let x = expr_thunk(lhs, env.clone());
                let f = self.eval(&rhs, env);
                return self.apply(f, x, at);
            }
            PipeLeft => {
                let x = expr_thunk(rhs, env.clone());
                let f = self.eval(&lhs, env);
                return self.apply(f, x, at);
            }
            _ => {}
        }
        let l = self.eval(&lhs, env);
        let r = self.eval(&rhs, env);
        builtins::binop(self, op, l, r, at)
    }

    // ---- application ---------------------------------------------------------------------

    pub fn apply(&mut self, f: V, arg: Thunk, at: Option<Span>) -> V {
        if !self.enter() {
            return V::unknown();
        }
        let v = self.apply_inner(f, arg, at);
        self.depth -= 1;
        v
    }

    fn apply_inner(&mut self, f: V, arg: Thunk, at: Option<Span>) -> V {
        match &f.kind {
            Val::Lambda(l) => self.call_lambda(l, arg),
            Val::Prim(p) => {
                let mut args = p.args.clone();
                args.push(arg);
                if args.len() < p.prim.arity() {
                    return V::new(Val::Prim(Rc::new(PrimApp { prim: p.prim, args })), f.at);
                }
                builtins::call(self, p.prim, &args, at)
            }
            Val::Attrs(a) => match a.get("__functor") {
                Some(b) => {
                    let functor = self.force(&b.value.clone());
                    let this = ready(f.clone());
                    let g = self.apply(functor, this, at);
                    self.apply(g, arg, at)
                }
                None => V::unknown(),
            },
            // Calling something from a flake input (a library function) gives an unknown value
            // that still remembers where it came from.
            Val::External(n) => V::new(Val::External(format!("{n}()").into()), at),
            _ => V::unknown(),
        }
    }

    fn call_lambda(&mut self, l: &Lambda, arg: Thunk) -> V {
        let scope = new_scope(&l.env);
        match l.node.param() {
            Some(ast::Param::IdentParam(p)) => {
                if let Some(name) = p.ident().and_then(|i| i.ident_token()) {
                    scope.vars.borrow_mut().insert(name.text().into(), arg);
                }
            }
            Some(ast::Param::Pattern(pat)) => {
                let given = self.force(&arg);
                if let Some(bind) = pat
                    .pat_bind()
                    .and_then(|b| b.ident())
                    .and_then(|i| i.ident_token())
                {
                    scope
                        .vars
                        .borrow_mut()
                        .insert(bind.text().into(), arg.clone());
                }
                for entry in pat.pat_entries() {
                    let Some(name) = entry.ident().and_then(|i| i.ident_token()) else {
                        continue;
                    };
                    let name: Rc<str> = name.text().into();
                    let value = match self.select_key(&given, &name) {
                        Selected::Found(v) => ready(v),
                        Selected::Missing => match entry.default() {
                            Some(d) => expr_thunk(d, scope.clone()),
                            // A missing argument is an error in Nix; here it is just unknown.
                            None => ready(V::unknown()),
                        },
                        Selected::Unknown => ready(V::unknown()),
                    };
                    scope.vars.borrow_mut().insert(name, value);
                }
            }
            None => {}
        }
        l.node
            .body()
            .map_or_else(V::unknown, |b| self.eval(&b, &scope))
    }

    // ---- import --------------------------------------------------------------------------

    /// `import path`: the file's value, evaluated once per host. Directories mean default.nix.
    pub fn import(&mut self, path: &Path) -> (V, Option<FileId>) {
        let path = if path.is_dir() {
            path.join("default.nix")
        } else {
            path.to_path_buf()
        };
        let (id, parsed) = self.files.get(&path);
        if let Some(t) = self.imports.get(&id) {
            let t = t.clone();
            return (self.force(&t), Some(id));
        }
        let v = match &parsed.green {
            None => V::unknown(),
            Some(green) => {
                let root = rnix::Root::cast(rnix::SyntaxNode::new_root(green.clone()));
                match root.and_then(|r| r.expr()) {
                    Some(expr) => {
                        let env = Rc::new(Scope {
                            vars: Default::default(),
                            with: None,
                            parent: None,
                            file: id,
                        });
                        let t = expr_thunk(expr, env);
                        self.imports.insert(id, t.clone());
                        return (self.force(&t), Some(id));
                    }
                    None => V::unknown(),
                }
            }
        };
        self.imports.insert(id, ready(v.clone()));
        (v, Some(id))
    }

    // ---- helpers for builtins and the module system ---------------------------------------

    /// The attributes of a set-like value (a config view is materialised lazily).
    pub fn as_attrs(&mut self, v: &V) -> Option<Rc<Attrs>> {
        match &v.kind {
            Val::Attrs(a) | Val::Option(a) | Val::System(a) => Some(a.clone()),
            Val::Config(c) => {
                let (system, path) = (c.system, c.path.clone());
                let (names, complete) = self.config_names(system, &path);
                let mut attrs = Attrs {
                    map: BTreeMap::new(),
                    partial: !complete,
                };
                for name in names {
                    let mut p = path.clone();
                    p.push(name.clone());
                    let at = self.config_def_at(system, &p);
                    let value = lazy(move |ev: &mut Eval| ev.config_value(system, &p));
                    attrs.map.insert(name, Binding { value, at });
                }
                Some(Rc::new(attrs))
            }
            _ => None,
        }
    }

    pub fn as_list(&mut self, v: &V) -> Option<Rc<Vec<Thunk>>> {
        match &v.kind {
            Val::List(l) => Some(l.clone()),
            _ => None,
        }
    }
}

pub enum Selected {
    Found(V),
    Missing,
    Unknown,
}

pub enum Coerced {
    Str(String),
    External(String),
    Unknown,
}

fn literal(l: &ast::Literal, at: Option<Span>) -> V {
    // Read the token directly: no panics on odd tokens.
    let Some(tok) = l.syntax().first_token() else {
        return V::unknown();
    };
    let text = tok.text();
    match tok.kind() {
        rnix::SyntaxKind::TOKEN_INTEGER => text
            .parse::<i64>()
            .map_or_else(|_| V::unknown(), |i| V::new(Val::Int(i), at)),
        rnix::SyntaxKind::TOKEN_FLOAT => text
            .parse::<f64>()
            .map_or_else(|_| V::unknown(), |f| V::new(Val::Float(f), at)),
        rnix::SyntaxKind::TOKEN_URI => V::new(Val::Str(text.into()), at),
        _ => V::unknown(),
    }
}

/// Builds nested attribute sets from attribute paths (`a.b = 1; a.c = 2;`).
#[derive(Default)]
struct Builder {
    map: BTreeMap<Rc<str>, Entry>,
    partial: bool,
}

enum Entry {
    Value(Binding),
    Nested(Builder, Option<Span>),
}

impl Builder {
    fn insert(&mut self, ev: &mut Eval, keys: &[Rc<str>], binding: Binding) {
        let (first, rest) = match keys.split_first() {
            Some(x) => x,
            None => return,
        };
        if rest.is_empty() {
            match self.map.get_mut(first) {
                // `a.b = 1; a = { c = 2; };` merges too.
                Some(Entry::Nested(nested, _)) => {
                    let v = ev.force(&binding.value);
                    if let Some(attrs) = ev.as_attrs(&v) {
                        for (k, b) in attrs.map.iter() {
                            nested.insert(ev, std::slice::from_ref(k), b.clone());
                        }
                        nested.partial |= attrs.partial;
                    }
                }
                _ => {
                    self.map.insert(first.clone(), Entry::Value(binding));
                }
            }
            return;
        }
        let entry = self
            .map
            .entry(first.clone())
            .or_insert_with(|| Entry::Nested(Builder::default(), binding.at));
        if let Entry::Value(existing) = entry {
            // `a = { x = 1; }; a.y = 2;`: open the literal set up.
            let existing = existing.clone();
            let v = ev.force(&existing.value);
            let mut nested = Builder::default();
            if let Some(attrs) = ev.as_attrs(&v) {
                for (k, b) in attrs.map.iter() {
                    nested.map.insert(k.clone(), Entry::Value(b.clone()));
                }
                nested.partial = attrs.partial;
            } else {
                nested.partial = true;
            }
            *entry = Entry::Nested(nested, existing.at);
        }
        if let Entry::Nested(nested, _) = entry {
            nested.insert(ev, rest, binding);
        }
    }

    /// An attribute path with a name that cannot be known: the set at its prefix is partial.
    fn partial_at(&mut self, known_prefix: &[Rc<str>]) {
        match known_prefix.split_first() {
            None => self.partial = true,
            Some((first, rest)) => {
                let entry = self
                    .map
                    .entry(first.clone())
                    .or_insert_with(|| Entry::Nested(Builder::default(), None));
                match entry {
                    Entry::Nested(nested, _) => nested.partial_at(rest),
                    Entry::Value(_) => {}
                }
            }
        }
    }

    fn finish(self) -> Attrs {
        let mut attrs = Attrs {
            map: BTreeMap::new(),
            partial: self.partial,
        };
        for (k, e) in self.map {
            let binding = match e {
                Entry::Value(b) => b,
                Entry::Nested(nested, at) => Binding {
                    value: ready(V::attrs(nested.finish(), at)),
                    at,
                },
            };
            attrs.map.insert(k, binding);
        }
        attrs
    }
}
