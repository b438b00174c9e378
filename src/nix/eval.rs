//! The lazy partial evaluator: the subset of Nix that NixOS configurations use.
//!
//! Anything it cannot know (pkgs, builtins that read the world, type errors, infinite recursion,
//! a budget or depth limit reached) evaluates to `Unknown` instead of failing, and Unknown
//! spreads: a rule never sees a guess.

use super::builtins::{self, Prim};
use super::files::{FileId, Files, Problem};
use super::modules::ModuleSystem;
use super::value::*;
use foldhash::{HashMap, HashMapExt};
use rnix::ast::{self, HasEntry, InterpolPart};
use rowan::ast::AstNode;
use std::collections::BTreeMap;
use std::path::Path;
use std::rc::Rc;

/// Nested evaluation depth beyond which a value is Unknown (guards the stack), on a thread
/// whose stack is not known to be large; see [`Eval::max_depth`].
pub const MAX_DEPTH: usize = 600;
/// The same on a thread with a stack of at least [`DEEP_STACK`] bytes. A level takes about a
/// kilobyte at most: 10,000 levels stay far within it. Nix itself allows 10,000 nested calls, and
/// real configurations go past 600 levels: a fold threading a context through a few hundred
/// modules (psyclyx's spec compiler) is about 1,000 deep.
pub const DEEP_MAX_DEPTH: usize = 10_000;
pub const DEEP_STACK: usize = 256 * 1024 * 1024;
/// Evaluation steps one query may take before its values are Unknown (guards against blow-ups
/// such as exponential recursion), and steps a whole host may take.
pub const MAX_STEPS: u64 = 1_000_000;
pub const MAX_TOTAL_STEPS: u64 = 40_000_000;

pub struct Eval<'f> {
    pub files: &'f Files,
    pub depth: usize,
    /// The depth limit: [`MAX_DEPTH`], or [`DEEP_MAX_DEPTH`] where the stack allows it.
    pub max_depth: usize,
    pub steps: u64,
    total_steps: u64,
    /// Evaluation frames in progress, and the lowest frame a cycle guard answered for since
    /// the current frame began (u32::MAX: none). See [`Eval::frame`].
    frames: u32,
    lowest_hit: u32,
    /// The same, counting only cycle guards and the step limits, not the depth limit.
    lowest_other: u32,
    /// Bumped when a thunk that the depth limit cut short gets its value: thunks cut short on
    /// the way through it are then computed again (see [`ThunkState::Cut`]).
    cut_generation: u64,
    /// Set when a limit cut evaluation short: the host's facts are then incomplete.
    pub truncated: bool,
    /// What could not be read (a file outside the checked tree, a module from an unknown
    /// input, ...), with where it was asked for: the host's blind spots.
    pub unread: Vec<(String, Option<Span>)>,
    imports: HashMap<FileId, Thunk>,
    pub systems: Vec<ModuleSystem>,
    lib: Option<Thunk>,
    builtins_v: Option<Thunk>,
    /// Flake inputs whose `lib` is nixpkgs' lib.
    pub nixpkgs_inputs: Vec<String>,
    /// Flake inputs' URLs, by input name, where flake.nix writes them.
    pub input_urls: HashMap<String, String>,
    /// Values that others refer to only weakly (a flake's outputs, which `self` reads).
    kept: Vec<Thunk>,
    /// Flake inputs read from their sources, by name (see `hosts::external_source`).
    pub input_values: HashMap<String, Thunk>,
}

impl<'f> Eval<'f> {
    pub fn new(files: &'f Files) -> Self {
        Eval {
            files,
            depth: 0,
            max_depth: MAX_DEPTH,
            steps: 0,
            total_steps: 0,
            // Frame 0 is "before any frame": cycle(0) makes every frame not final.
            frames: 1,
            lowest_hit: u32::MAX,
            lowest_other: u32::MAX,
            cut_generation: 0,
            truncated: false,
            unread: Vec::new(),
            imports: HashMap::new(),
            systems: Vec::new(),
            lib: None,
            builtins_v: None,
            nixpkgs_inputs: Vec::new(),
            input_urls: HashMap::new(),
            kept: Vec::new(),
            input_values: HashMap::new(),
        }
    }

    /// An evaluator for a thread whose stack has at least [`DEEP_STACK`] bytes: it goes
    /// [`DEEP_MAX_DEPTH`] deep.
    pub fn on_deep_stack(files: &'f Files) -> Self {
        Eval {
            max_depth: DEEP_MAX_DEPTH,
            ..Eval::new(files)
        }
    }

    /// Keeps a thunk alive as long as this evaluation.
    pub fn keep_alive(&mut self, t: Thunk) {
        self.kept.push(t);
    }

    /// Records a blind spot (once per what and where).
    pub fn note_unread(&mut self, what: String, at: Option<Span>) {
        if !self.unread.iter().any(|(w, a)| *w == what && *a == at) {
            self.unread.push((what, at));
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
        let me = self.frames;
        let mut state = std::mem::replace(&mut *t.0.borrow_mut(), ThunkState::Forcing(me));
        let mut was_cut = false;
        if let ThunkState::Cut(c) = state {
            // Forced from about as deep or deeper, it would be cut short again the same way:
            // what it gave then is what it gives, without walking down to the limit again.
            // Only from well above (an eighth of the limit) is it computed again: a chain of
            // thunks forced a few levels higher each time would otherwise be walked again
            // each time.
            if self.depth + self.max_depth / 8 > c.depth && c.generation == self.cut_generation {
                let v = c.value.clone();
                *t.0.borrow_mut() = ThunkState::Cut(c);
                self.truncated = true;
                self.lowest_hit = 0;
                return v;
            }
            state = *c.pending;
            was_cut = true;
        }
        match state {
            ThunkState::Ready(v) => {
                *t.0.borrow_mut() = ThunkState::Ready(v.clone());
                v
            }
            ThunkState::Forcing(frame) => {
                *t.0.borrow_mut() = ThunkState::Forcing(frame);
                self.cycle(frame);
                V::unknown()
            }
            ThunkState::Expr(e, env) => {
                let depth = self.depth;
                let (v, done) = self.frame_done(|ev| ev.eval(&e, &env));
                *t.0.borrow_mut() = self.settle(&v, done, depth, was_cut, ThunkState::Expr(e, env));
                v
            }
            ThunkState::Lazy(f) => {
                let depth = self.depth;
                if !self.enter() {
                    *t.0.borrow_mut() = ThunkState::Lazy(f);
                    return V::unknown();
                }
                let (v, done) = self.frame_done(|ev| f(ev));
                self.depth -= 1;
                *t.0.borrow_mut() = self.settle(&v, done, depth, was_cut, ThunkState::Lazy(f));
                v
            }
            // Not a computation: never stored in a cut thunk.
            ThunkState::Cut(c) => {
                *t.0.borrow_mut() = ThunkState::Cut(c);
                V::unknown()
            }
        }
    }

    /// What a thunk forced at `depth` keeps: its value when final; when only the depth limit
    /// kept it from being final, that value and the depth (see [`ThunkState::Cut`]); else its
    /// computation, to run again.
    fn settle(
        &mut self,
        v: &V,
        done: Done,
        depth: usize,
        was_cut: bool,
        pending: ThunkState,
    ) -> ThunkState {
        match done {
            Done::Final => {
                if was_cut {
                    self.cut_generation += 1;
                }
                ThunkState::Ready(v.clone())
            }
            Done::CutShort => ThunkState::Cut(Box::new(CutState {
                value: v.clone(),
                depth,
                generation: self.cut_generation,
                pending: Box::new(pending),
            })),
            Done::Again => pending,
        }
    }

    /// Runs `compute` as evaluation frame number `self.frames` (a thunk being forced, an option
    /// being merged). Returns its result and whether that result is final: it is not when,
    /// somewhere inside, a cycle guard of an outer frame answered Unknown, or a limit cut
    /// evaluation short. Only final results may be memoised (as tvix and Nix keep only finished
    /// thunks); the others are computed again when asked for again.
    pub fn frame<T>(&mut self, compute: impl FnOnce(&mut Self) -> T) -> (T, bool) {
        let (v, done) = self.frame_done(compute);
        (v, done == Done::Final)
    }

    /// Like [`Eval::frame`], telling apart a result that only the depth limit kept from being
    /// final.
    fn frame_done<T>(&mut self, compute: impl FnOnce(&mut Self) -> T) -> (T, Done) {
        let me = self.frames;
        self.frames += 1;
        let outer_low = std::mem::replace(&mut self.lowest_hit, u32::MAX);
        let outer_other = std::mem::replace(&mut self.lowest_other, u32::MAX);
        let v = compute(self);
        self.frames -= 1;
        let (low, other) = (self.lowest_hit, self.lowest_other);
        let done = if low >= me {
            Done::Final
        } else if other >= me {
            Done::CutShort
        } else {
            Done::Again
        };
        self.lowest_hit = if low >= me {
            outer_low
        } else {
            outer_low.min(low)
        };
        self.lowest_other = if other >= me {
            outer_other
        } else {
            outer_other.min(other)
        };
        (v, done)
    }

    /// The number the next [`Eval::frame`] will run as.
    pub fn next_frame(&self) -> u32 {
        self.frames
    }

    /// A cycle guard of frame `frame` answered Unknown: that frame and every frame it runs in
    /// are not final.
    pub fn cycle(&mut self, frame: u32) {
        self.lowest_hit = self.lowest_hit.min(frame);
        self.lowest_other = self.lowest_other.min(frame);
    }

    /// Counts `n` steps of work that is not evaluation (copying the items of a set or a list
    /// that `//` or `++` build, scanning a list in a builtin): a fold that rebuilds a growing
    /// set thousands of times costs quadratic time and memory, and must meet the step budget
    /// like any loop. The work at hand is done; the next evaluation step past the budget is
    /// not (so a value computed before the budget ran out stays known).
    pub fn charge(&mut self, n: usize) {
        let n = n as u64;
        self.steps = self.steps.saturating_add(n);
        self.total_steps = self.total_steps.saturating_add(n);
    }

    /// Counts a step and a level of nesting; false when a limit is reached (and then nothing
    /// computed on the way here is final).
    fn enter(&mut self) -> bool {
        self.steps += 1;
        self.total_steps += 1;
        if self.steps >= MAX_STEPS || self.total_steps >= MAX_TOTAL_STEPS {
            self.truncated = true;
            self.lowest_hit = 0;
            self.lowest_other = 0;
            return false;
        }
        if self.depth >= self.max_depth {
            // Cut short by the depth limit alone: see [`ThunkState::Cut`].
            self.truncated = true;
            self.lowest_hit = 0;
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
            ast::Expr::HasAttr(h) => match self.select_path(h.expr(), h.attrpath(), env, true) {
                Selected::Found(_) => V::bool(true),
                Selected::Missing => V::bool(false),
                Selected::Unknown => V::unknown(),
            },
            ast::Expr::IfElse(i) => {
                let Some(c) = i.condition() else {
                    return V::unknown();
                };
                let cv = self.eval(&c, env);
                match cv.as_bool() {
                    Some(true) => i.body().map_or_else(V::unknown, |b| self.eval(&b, env)),
                    Some(false) => i
                        .else_body()
                        .map_or_else(V::unknown, |b| self.eval(&b, env)),
                    // Unknown where the condition is written.
                    None => V::new(Val::Unknown, cv.at),
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
        // Nix's base scope (true, builtins, map, import, ...) is lexical too: no `with` hides it.
        if is_global(name) {
            return self.global(name);
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
        let l = ready(builtins::lib_value(self.files.nixpkgs_version.as_deref()));
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
                        // A package in a longer string (`"${pkgs.zfs}/bin/zfs rollback …"`)
                        // is some store path: the text around it is known.
                        Coerced::External(n) if is_package(&n) => {
                            out.push_str(&store_placeholder(&n))
                        }
                        Coerced::External(n) => external = Some(n),
                        Coerced::Unknown => return V::unknown(),
                    }
                }
            }
        }
        // A step per 64 bytes copied (see Eval::charge).
        self.charge(out.len() / 64);
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
            // Nix copies an interpolated path to the store; the copy has the same files, which
            // are read here where they are (`"${self}/hosts/${name}"`, `"${./.}/x.nix"`).
            Val::Path(p) => Coerced::Str(p.to_string_lossy().into_owned()),
            // A set with `outPath` (a flake's `self`, an input) or `__toString`, written in the
            // configuration or read from an option's value (`extraSpecialArgs.sources.x`).
            Val::Attrs(_) | Val::Config(_) => {
                if let Selected::Found(out) = self.select_key(v, "outPath") {
                    return self.coerce_to_string(&out);
                }
                if let Selected::Found(f) = self.select_key(v, "__toString") {
                    let s = self.apply(f, ready(v.clone()), v.at);
                    return self.coerce_to_string(&s);
                }
                Coerced::Unknown
            }
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
            // Where the configuration's own files are on the machine (`--path-map`).
            self.files.machine_path(Path::new(&text))
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
        match self.select_path(s.expr(), s.attrpath(), env, s.default_expr().is_some()) {
            // A value from outside the configuration is written here (`inputs.x.nixosModules.y`),
            // not where the value it was selected from was bound.
            Selected::Found(V {
                kind: Val::External(n),
                ..
            }) => V::new(Val::External(n), self.span(env.file, s.syntax())),
            // A value written nowhere (a NixOS default from the knowledge base, a value the
            // evaluator made) is located where it is read.
            Selected::Found(V { kind, at: None }) if !matches!(kind, Val::Unknown) => {
                V::new(kind, self.span(env.file, s.syntax()))
            }
            // An unknown value written nowhere: a blind spot points at the selection.
            Selected::Found(v) if v.at.is_none() && v.is_unknown() => {
                V::new(Val::Unknown, self.span(env.file, s.syntax()))
            }
            Selected::Found(v) => v,
            Selected::Missing => match s.default_expr() {
                Some(d) => self.eval(&d, env),
                None => V::new(Val::Unknown, self.span(env.file, s.syntax())),
            },
            Selected::Unknown => V::new(Val::Unknown, self.span(env.file, s.syntax())),
        }
    }

    /// `base.a.b.c`, shared by selection and `?`. When `probing` (`x ? a`, `x.a or d`), a name
    /// that only an input's rest would supply is missing: the flake's arguments hold the
    /// declared inputs, not every name.
    fn select_path(
        &mut self,
        base: Option<ast::Expr>,
        path: Option<ast::Attrpath>,
        env: &Env,
        probing: bool,
    ) -> Selected {
        let (Some(base), Some(path)) = (base, path) else {
            return Selected::Unknown;
        };
        let mut cur = self.eval(&base, env);
        for attr in path.attrs() {
            let Some(key) = self.attr_name(&attr, env) else {
                return Selected::Unknown;
            };
            // Which options exist is not known (nixpkgs and other modules declare them), but
            // one the configuration's modules declare exists.
            if probing && let Val::Options(c) = &cur.kind {
                let mut p = c.path.clone();
                p.push(key.clone());
                if !self.is_declared(c.system, &p) {
                    return Selected::Unknown;
                }
            }
            if probing
                && let Val::Attrs(a) = &cur.kind
                && a.get(&key).is_none()
                && matches!(a.rest, Some(Rest::External(_)))
            {
                return Selected::Missing;
            }
            match self.select_key(&cur, &key) {
                Selected::Found(v) => cur = v,
                other => return other,
            }
        }
        Selected::Found(cur)
    }

    /// A name a set does not have, from the set's rest, not yet evaluated.
    pub fn rest_thunk(&mut self, a: &Attrs, key: &str) -> Option<Thunk> {
        match a.rest.as_ref()? {
            // `x // input`: the name is the input's, read as `input.key` is (nixpkgs' lib
            // stays lib).
            Rest::External(prefix) => match prefix.strip_suffix('.') {
                Some(base) => {
                    let base = V::new(Val::External(base.into()), None);
                    match self.select_key(&base, key) {
                        Selected::Found(v) => Some(ready(v)),
                        _ => None,
                    }
                }
                None => Some(ready(V::new(
                    Val::External(format!("{prefix}{key}").into()),
                    None,
                ))),
            },
            Rest::ModuleArgs(sys) => {
                let (sys, key) = (*sys, Rc::<str>::from(key));
                Some(lazy(move |ev: &mut Eval| {
                    ev.config_value(sys, &["_module".into(), "args".into(), key.clone()])
                }))
            }
        }
    }

    /// `v.key`, for every kind of set-like value.
    pub fn select_key(&mut self, v: &V, key: &str) -> Selected {
        match &v.kind {
            // A system's `_module` (as lib/eval-config.nix makes it): `args.modules` is the
            // module list it was given, `specialArgs` its special arguments (clan re-imports a
            // host's modules this way).
            Val::System(spec) if key == "_module" && spec.get(key).is_none() => {
                let list = |name: &str, empty: V| {
                    spec.get(name)
                        .map_or_else(|| ready(empty), |b| b.value.clone())
                };
                let mut args = Attrs::default();
                args.set("modules", list("modules", V::list(Vec::new(), None)));
                let mut module = Attrs::default();
                module.set("args", ready(V::attrs(args, v.at)));
                module.set(
                    "specialArgs",
                    list("specialArgs", V::attrs(Attrs::default(), None)),
                );
                Selected::Found(V::attrs(module, v.at))
            }
            Val::Attrs(a) | Val::Option(a) | Val::System(a) => match a.get(key) {
                Some(b) => {
                    let b = b.clone();
                    Selected::Found(self.force(&b.value))
                }
                None => match self.rest_thunk(a, key) {
                    Some(t) => Selected::Found(self.force(&t)),
                    None if a.partial => Selected::Unknown,
                    None => Selected::Missing,
                },
            },
            Val::Config(c) => {
                let (system, mut path) = (c.system, c.path.clone());
                path.push(key.into());
                let v = self.config_value(system, &path);
                if v.is_undefined() && self.is_absent_element(system, &path) {
                    return Selected::Missing;
                }
                Selected::Found(v)
            }
            Val::Options(c) => {
                let (system, path) = (c.system, c.path.clone());
                Selected::Found(self.option_attr(system, path, key))
            }
            Val::External(name) => {
                let base = name.strip_prefix("input:").unwrap_or(name);
                // nixpkgs' lib, however it is reached: `nixpkgs.lib`, `pkgs.lib`,
                // `(import nixpkgs { }).lib`, `(import (fetchTarball nixpkgs-url) { }).lib`.
                let nixpkgs_like = |n: &str| {
                    let n = n.trim_start_matches("import ").trim_end_matches("()");
                    let n = n.strip_prefix("input:").unwrap_or(n);
                    // `nixpkgs.legacyPackages.<system>` is a package set too.
                    let n = match n.split_once(".legacyPackages.") {
                        Some((base, system)) if !system.contains('.') => base,
                        _ => n,
                    };
                    n == "pkgs"
                        || n == "<nixpkgs>"
                        || self.nixpkgs_inputs.iter().any(|i| i == n)
                        || n.strip_prefix("fetch:")
                            .is_some_and(super::hosts::is_nixpkgs_url)
                };
                if key == "lib" && (nixpkgs_like(base) || nixpkgs_like(name)) {
                    let l = self.lib_thunk();
                    return Selected::Found(self.force(&l));
                }
                if key == "applyPatches" && (nixpkgs_like(base) || nixpkgs_like(name)) {
                    return Selected::Found(builtins::prim_value(Prim::ApplyPatches));
                }
                if key == "callPackage" && (nixpkgs_like(base) || nixpkgs_like(name)) {
                    return Selected::Found(V::new(
                        Val::Prim(Rc::new(PrimApp {
                            prim: Prim::CallPackage,
                            args: vec![ready(v.clone())],
                        })),
                        v.at,
                    ));
                }
                // The platform of a NixOS system's package set (and of its home-manager
                // users'): NixOS runs on Linux only.
                if matches!(key, "isLinux" | "isDarwin")
                    && matches!(
                        name.as_ref(),
                        "pkgs.stdenv"
                            | "pkgs.stdenv.hostPlatform"
                            | "pkgs.stdenv.targetPlatform"
                            | "pkgs.hostPlatform"
                    )
                {
                    return Selected::Found(V::new(Val::Bool(key == "isLinux"), v.at));
                }
                // Host builders and flake frameworks of any input, by their well-known names.
                if name.ends_with(".lib") {
                    let known = match key {
                        "mkFlake" => Some(Prim::MkFlake),
                        "nixosSystem" => Some(Prim::NixosSystem),
                        "makeHive" => Some(Prim::MakeHive),
                        "eachSystem" => Some(Prim::EachSystem),
                        "eachDefaultSystem" => Some(Prim::EachDefaultSystem),
                        "load" if name.contains("haumea") => Some(Prim::HaumeaLoad),
                        _ => None,
                    };
                    if let Some(p) = known {
                        // A framework's own builder from an input the user let us read
                        // (nixos-unified's `lib.mkFlake`, which calls flake-parts' itself):
                        // its source, not the framework it is named like.
                        let full = format!("{name}.{key}");
                        if let Some(f) = self.input_function(&full) {
                            return Selected::Found(f);
                        }
                        return Selected::Found(builtins::prim_value(p));
                    }
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
        let pending: Vec<Pending> = node
            .entries()
            .map(|entry| Pending {
                entry,
                skip: 0,
                scope: scope.clone(),
                outer: outer.clone(),
            })
            .collect();
        self.place(&pending)
    }

    /// Builds one level of an attribute set. As in Nix, the names of this level are computed
    /// now (forcing a set computes its names), while a nested level (`a.${x}.b = 1;`, or
    /// `a = { ... };` merged with `a.b = 1;`) stays pending until it is itself forced: a name
    /// that reads `config` is then computed only when that part of the configuration is read.
    fn place(&mut self, pending: &[Pending]) -> Attrs {
        let mut slots: BTreeMap<Rc<str>, Slot> = BTreeMap::new();
        let mut partial = false;
        for p in pending {
            match &p.entry {
                ast::Entry::Inherit(inh) => {
                    let from = inh
                        .from()
                        .and_then(|f| f.expr())
                        .map(|e| expr_thunk(e, p.scope.clone()));
                    for attr in inh.attrs() {
                        let at = self.span(p.scope.file, attr.syntax());
                        let Some(name) = self.attr_name(&attr, &p.outer) else {
                            partial = true;
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
                                let outer = p.outer.clone();
                                let key = name.clone();
                                lazy(move |ev: &mut Eval| ev.lookup(&key, &outer))
                            }
                        };
                        slots
                            .entry(name)
                            .or_insert(Slot::Value(Binding { value, at }, None));
                    }
                }
                ast::Entry::AttrpathValue(apv) => {
                    let at = self.span(p.scope.file, apv.syntax());
                    let Some(path) = apv.attrpath() else { continue };
                    let mut attrs = path.attrs().skip(p.skip);
                    let Some(first) = attrs.next() else { continue };
                    let nested = attrs.next().is_some();
                    let Some(name) = self.attr_name(&first, &p.scope) else {
                        partial = true;
                        continue;
                    };
                    if nested {
                        let next = Pending {
                            skip: p.skip + 1,
                            ..p.clone()
                        };
                        let slot = slots
                            .entry(name)
                            .or_insert_with(|| Slot::Nested(Vec::new(), at));
                        slot.open_up();
                        if let Slot::Nested(list, _) = slot {
                            list.push(next);
                        }
                        continue;
                    }
                    let Some(value) = apv.value() else { continue };
                    let literal = match &value {
                        ast::Expr::AttrSet(s) if s.rec_token().is_none() => {
                            Some((s.clone(), p.scope.clone()))
                        }
                        _ => None,
                    };
                    match slots.get_mut(&name) {
                        Some(Slot::Nested(list, _)) => {
                            if let Some((s, env)) = literal {
                                list.extend(Pending::entries_of(&s, &env));
                            }
                        }
                        // Defined twice: an error in Nix; the first definition stays.
                        Some(Slot::Value(..)) => {}
                        None => {
                            let binding = Binding {
                                value: expr_thunk(value, p.scope.clone()),
                                at,
                            };
                            slots.insert(name, Slot::Value(binding, literal));
                        }
                    }
                }
            }
        }
        let mut out = Attrs {
            partial,
            ..Attrs::default()
        };
        for (k, slot) in slots {
            let binding = match slot {
                Slot::Value(b, _) => b,
                Slot::Nested(list, at) => Binding {
                    value: lazy(move |ev: &mut Eval| V::attrs(ev.place(&list), at)),
                    at,
                },
            };
            out.map.insert(k, binding);
        }
        out
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
            Val::External(n) => {
                // vic/import-tree, called on a folder.
                if n.contains("import-tree") && !n.contains('.') {
                    return builtins::call(self, Prim::ImportTree, &[arg], at);
                }
                // `import "${nixpkgs}/nixos/lib/eval-config.nix" { modules = ...; }`.
                if n.starts_with("import ") && n.ends_with("nixos/lib/eval-config.nix") {
                    return builtins::call(self, Prim::NixosSystem, &[arg], at);
                }
                if n.strip_prefix("import fetch:")
                    .is_some_and(|url| url.contains("flake-compat"))
                {
                    return super::hosts::flake_compat(self, arg, at);
                }
                // A library function of an input whose source may be read: call it.
                if let Some(f) = self.input_function(&n.clone()) {
                    return self.apply(f, arg, at);
                }
                V::new(Val::External(format!("{n}()").into()), at)
            }
            _ => V::unknown(),
        }
    }

    /// The function an external value (`input:x.lib.f`) is, read from the input's source when
    /// the user gave it (`--input`) and the reader does not model the input itself (nixpkgs,
    /// flake-parts and the other flake tools, the projects the rules know). None otherwise.
    pub fn input_function(&mut self, name: &str) -> Option<V> {
        if name.starts_with("import ") || name.contains("()") {
            return None;
        }
        let (input, _) = self.input_of(name)?;
        if input.is_empty()
            || self.files.inputs.dir(input).is_none()
            || self.nixpkgs_inputs.iter().any(|n| n == input)
        {
            return None;
        }
        if self.classify(name).is_some() || self.is_flake_tool(name) {
            return None;
        }
        let v = super::hosts::external_source(self, name)?;
        let callable = match &v.kind {
            Val::Lambda(_) | Val::Prim(_) => true,
            Val::Attrs(a) => a.get("__functor").is_some(),
            _ => false,
        };
        callable.then_some(v)
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
                    // Arguments stay lazy: `{ self, ... }:` must not force `self`.
                    let lazy_arg = match &given.kind {
                        Val::Attrs(a) | Val::Option(a) | Val::System(a) => a
                            .get(&name)
                            .map(|b| b.value.clone())
                            .or_else(|| self.rest_thunk(a, &name)),
                        _ => None,
                    };
                    let value = match lazy_arg {
                        Some(t) => t,
                        None => match self.select_key(&given, &name) {
                            Selected::Found(v) => ready(v),
                            Selected::Missing => match entry.default() {
                                Some(d) => expr_thunk(d, scope.clone()),
                                // A missing argument is an error in Nix; here it is just unknown.
                                None => ready(V::unknown()),
                            },
                            Selected::Unknown => ready(V::unknown()),
                        },
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
    pub fn import(&mut self, path: &Path, at: Option<Span>) -> (V, Option<FileId>) {
        let path = match self.files.access.kind(path) {
            Ok(crate::access::Kind::Dir) => path.join("default.nix"),
            Ok(_) => path.to_path_buf(),
            Err(e) => {
                self.note_unread(e.describe(), at);
                return (V::unknown(), None);
            }
        };
        let (id, parsed) = self.files.get(&path);
        parsed
            .reached
            .store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(e) = parsed
            .error
            .as_ref()
            .filter(|e| e.problem == Problem::Denied)
        {
            self.note_unread(e.message.clone(), at);
            return (V::unknown(), None);
        }
        if let Some(t) = self.imports.get(&id) {
            let t = t.clone();
            return (self.force(&t), Some(id));
        }
        // A generated resolver that fetches flake inputs: read as the inputs it gives.
        if super::tack::is_resolver(&path, &parsed.text) {
            let v = super::tack::resolver(self, &path);
            self.imports.insert(id, ready(v.clone()));
            return (v, Some(id));
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
                    partial: !complete,
                    ..Attrs::default()
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

/// How a frame's result may be kept.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Done {
    Final,
    /// Final but for the depth limit.
    CutShort,
    /// Not final: a cycle guard of an outer frame answered, or a step limit was reached.
    Again,
}

/// Names in Nix's base scope.
fn is_global(name: &str) -> bool {
    matches!(name, "true" | "false" | "null" | "builtins") || Prim::global(name).is_some()
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

/// One entry of a set literal waiting to be placed: an attribute path whose first `skip` names
/// are already placed, or an inherit; with the scope its value (`scope`) and its inherited names
/// (`outer`) are read in.
#[derive(Clone)]
struct Pending {
    entry: ast::Entry,
    skip: usize,
    scope: Env,
    outer: Env,
}

impl Pending {
    /// The entries of a literal set, to be merged into a nested level.
    fn entries_of(s: &ast::AttrSet, env: &Env) -> Vec<Pending> {
        s.entries()
            .map(|entry| Pending {
                entry,
                skip: 0,
                scope: env.clone(),
                outer: env.clone(),
            })
            .collect()
    }
}

/// A name of one level of a set being built.
enum Slot {
    /// `name = value;`, with the literal set it is, if it is one (it then merges with
    /// `name.more = ...;`).
    Value(Binding, Option<(ast::AttrSet, Env)>),
    /// `name.more = ...;`: the entries of the nested level, placed when it is forced.
    Nested(Vec<Pending>, Option<Span>),
}

impl Slot {
    /// A literal set value becomes a nested level, so paths below it merge into it.
    fn open_up(&mut self) {
        if let Slot::Value(b, Some((s, env))) = self {
            let list = Pending::entries_of(s, env);
            *self = Slot::Nested(list, b.at);
        }
    }
}

/// Is an external value a package of a package set (`pkgs.zfs`, `inputs.x.packages.<system>.y`)?
fn is_package(name: &str) -> bool {
    let name = name.strip_prefix("input:").unwrap_or(name);
    let Some(attr) = name.strip_prefix("pkgs.") else {
        return name.contains(".packages.") || name.contains(".legacyPackages.");
    };
    // A package's own path, not a file inside it (`"${pkgs.x}/bin"` continues as text).
    !attr.is_empty() && !attr.contains('/')
}

/// The store path a package would have, with a placeholder hash: enough to read the text of a
/// command that runs it.
fn store_placeholder(name: &str) -> String {
    let attr = name.rsplit('.').next().unwrap_or(name);
    format!("/nix/store/{}-{attr}", "0".repeat(32))
}
