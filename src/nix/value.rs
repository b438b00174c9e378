//! Values of the partial evaluator. Every value may carry the span of the literal it came from,
//! and any value may be `Unknown`: what the static evaluator cannot know, it never guesses.

use super::builtins::Prim;
use super::files::FileId;
use rnix::ast;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::rc::Rc;

/// Where a value was written: a file and a byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

#[derive(Clone)]
pub struct V {
    pub kind: Val,
    pub at: Option<Span>,
}

#[derive(Clone)]
pub enum Val {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    Path(Rc<PathBuf>),
    List(Rc<Vec<Thunk>>),
    Attrs(Rc<Attrs>),
    Lambda(Rc<Lambda>),
    Prim(Rc<PrimApp>),
    /// A lazy view of a module system's merged configuration at a path.
    Config(Rc<ConfigRef>),
    /// The `options` module argument at a path: `.value`, `.isDefined` and `.definitions` read
    /// the configuration there; any other name goes one level down.
    Options(Rc<ConfigRef>),
    /// `lib.mkOption { ... }`: its attributes (default, type, ...).
    Option(Rc<Attrs>),
    /// mkIf, mkOverride, mkOrder, mkMerge: module-system properties.
    Prop(Rc<Prop>),
    /// `nixosSystem { modules = ...; specialArgs = ...; }`.
    System(Rc<Attrs>),
    /// Something from outside the configuration (a flake input, nixpkgs' modulesPath, a search
    /// path), named by how it was reached: "input:impermanence.nixosModules.impermanence".
    External(Rc<str>),
    /// An option no module defines and whose default is not known. Nix code reading it gets
    /// an unknown value; the fact extraction tells it apart to apply NixOS defaults.
    Undefined,
    Unknown,
}

pub struct ConfigRef {
    pub system: usize,
    pub path: Vec<Rc<str>>,
}

impl V {
    /// A lazy view of `config.<path>` of a module system.
    pub fn config(system: usize, path: Vec<Rc<str>>) -> V {
        V::new(Val::Config(Rc::new(ConfigRef { system, path })), None)
    }
}

pub enum Prop {
    If(Thunk, Thunk),
    Override(i64, Thunk),
    Order(i64, Thunk),
    Merge(Thunk),
}

pub struct PrimApp {
    pub prim: Prim,
    pub args: Vec<Thunk>,
}

pub struct Lambda {
    pub node: ast::Lambda,
    pub env: Env,
}

/// One attribute: its value and the binding that defined it.
#[derive(Clone)]
pub struct Binding {
    pub value: Thunk,
    pub at: Option<Span>,
}

#[derive(Clone, Default)]
pub struct Attrs {
    pub map: BTreeMap<Rc<str>, Binding>,
    /// Some attributes have names that could not be evaluated: a missing name proves nothing.
    pub partial: bool,
    /// Where names the set does not have come from, when not simply unknown.
    pub rest: Option<Rest>,
}

/// The rest of a set.
#[derive(Clone)]
pub enum Rest {
    /// From outside the configuration (a flake's inputs, `input // { ... }`): a missing name
    /// `n` is the external value `<prefix>n`.
    External(Rc<str>),
    /// A module system's arguments: a name not given is `config._module.args.<name>` of that
    /// system.
    ModuleArgs(usize),
}

impl Attrs {
    pub fn get(&self, key: &str) -> Option<&Binding> {
        self.map.get(key)
    }

    /// Sets `key` to a value written nowhere in particular (made by the evaluator).
    pub fn set(&mut self, key: &str, value: Thunk) {
        self.map.insert(key.into(), Binding { value, at: None });
    }
}

impl V {
    pub fn new(kind: Val, at: Option<Span>) -> V {
        V { kind, at }
    }
    pub fn unknown() -> V {
        V {
            kind: Val::Unknown,
            at: None,
        }
    }
    pub fn is_unknown(&self) -> bool {
        matches!(self.kind, Val::Unknown)
    }
    pub fn undefined() -> V {
        V {
            kind: Val::Undefined,
            at: None,
        }
    }
    pub fn is_undefined(&self) -> bool {
        matches!(self.kind, Val::Undefined)
    }
    pub fn bool(b: bool) -> V {
        V::new(Val::Bool(b), None)
    }
    pub fn str(s: &str, at: Option<Span>) -> V {
        V::new(Val::Str(s.into()), at)
    }
    pub fn list(items: Vec<Thunk>, at: Option<Span>) -> V {
        V::new(Val::List(Rc::new(items)), at)
    }
    pub fn attrs(a: Attrs, at: Option<Span>) -> V {
        V::new(Val::Attrs(Rc::new(a)), at)
    }
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            Val::Bool(b) => Some(b),
            _ => None,
        }
    }
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Val::Null => "null",
            Val::Bool(_) => "bool",
            Val::Int(_) => "int",
            Val::Float(_) => "float",
            Val::Str(_) => "string",
            Val::Path(_) => "path",
            Val::List(_) => "list",
            Val::Attrs(_) | Val::Config(_) | Val::Option(_) | Val::System(_) | Val::Options(_) => {
                "set"
            }
            Val::Lambda(_) | Val::Prim(_) => "lambda",
            Val::Prop(_) => "set",
            Val::External(_) | Val::Undefined | Val::Unknown => "unknown",
        }
    }
}

/// A lazily evaluated value, forced at most once.
pub type Thunk = Rc<ThunkCell>;

pub struct ThunkCell(pub RefCell<ThunkState>);

/// A computation that may run again: a value computed while a cycle guard answered Unknown is
/// not kept, so the thunk must be able to compute it again later.
pub type LazyFn = Rc<dyn Fn(&mut super::eval::Eval) -> V>;

pub enum ThunkState {
    Ready(V),
    Expr(ast::Expr, Env),
    Lazy(LazyFn),
    /// Being forced, in the evaluation frame with this number: reaching it again is infinite
    /// recursion, which evaluates to Unknown (and taints every frame above that one).
    Forcing(u32),
    /// Cut short by the depth limit, and by nothing else, when forced at some depth. Forced
    /// again from as deep or deeper it would be cut short the same way, so it gives that value
    /// at once; forced from well above it is computed again. (Computing it again at every
    /// read, as a value that is not final, walks down to the limit again each time: thunk
    /// after thunk on the way down, that is exponential.)
    Cut(Box<CutState>),
}

pub struct CutState {
    pub value: V,
    pub depth: usize,
    /// The evaluator's count of cut thunks that got their value since: when it changed, this
    /// one may get further, and is computed again.
    pub generation: u64,
    /// The computation: an Expr or a Lazy.
    pub pending: Box<ThunkState>,
}

/// Where a thunk's expression was written, if it is still an unevaluated expression.
pub fn thunk_span(t: &Thunk) -> Option<Span> {
    state_span(&t.0.borrow())
}

fn state_span(state: &ThunkState) -> Option<Span> {
    match state {
        ThunkState::Expr(e, env) => {
            let r = rowan::ast::AstNode::syntax(e).text_range();
            Some(Span {
                file: env.file,
                start: r.start().into(),
                end: r.end().into(),
            })
        }
        ThunkState::Ready(v) => v.at,
        ThunkState::Cut(c) => state_span(&c.pending),
        _ => None,
    }
}

pub fn ready(v: V) -> Thunk {
    Rc::new(ThunkCell(RefCell::new(ThunkState::Ready(v))))
}

pub fn lazy(f: impl Fn(&mut super::eval::Eval) -> V + 'static) -> Thunk {
    Rc::new(ThunkCell(RefCell::new(ThunkState::Lazy(Rc::new(f)))))
}

pub fn expr_thunk(e: ast::Expr, env: Env) -> Thunk {
    Rc::new(ThunkCell(RefCell::new(ThunkState::Expr(e, env))))
}

/// A lexical scope: variables (let, rec, function arguments) or a `with` namespace.
pub struct Scope {
    pub vars: RefCell<HashMap<Rc<str>, Thunk>>,
    pub with: Option<Thunk>,
    pub parent: Option<Env>,
    pub file: FileId,
}

pub type Env = Rc<Scope>;

pub fn new_scope(parent: &Env) -> Env {
    Rc::new(Scope {
        vars: RefCell::new(HashMap::new()),
        with: None,
        parent: Some(parent.clone()),
        file: parent.file,
    })
}
