//! Pure builtins on lists, sets, numbers and versions: sort, partition, groupBy, zipAttrsWith,
//! intersectAttrs, integer arithmetic and bit operations, lessThan, toJSON, dirOf, type
//! predicates, genericClosure, version strings, derivation names, ceil and floor.
//!
//! What they cannot know (an unknown argument, a comparison or predicate whose answer is not
//! known, something Nix would reject) is Unknown; element and attribute values stay the thunks
//! Nix keeps lazy. A list item that is Unknown stands for an unknown number of unknown items, as
//! elsewhere in the evaluator (`filter` with an unknown verdict, `++` with an unknown list).

use super::builtins::{Prim, attrs_of, equal, list_of};
use super::eval::{Coerced, Eval, Selected};
use super::value::*;
use std::collections::{BTreeMap, HashSet, VecDeque};
use std::rc::Rc;

/// genericClosure gives up (Unknown) past this many items in its result...
const MAX_CLOSURE_ITEMS: usize = 100_000;
/// ... or this many items taken from its work list.
const MAX_CLOSURE_VISITS: usize = 1_000_000;

pub fn call(ev: &mut Eval, p: Prim, a: &[Thunk], at: Option<Span>) -> V {
    use Prim::*;
    match p {
        Sort => sort(ev, &a[0], &a[1], at),
        Partition => partition(ev, &a[0], &a[1], at),
        GroupBy => group_by(ev, &a[0], &a[1], at),
        ZipAttrsWith => zip_attrs_with(ev, &a[0], &a[1], at),
        IntersectAttrs => intersect_attrs(ev, &a[0], &a[1], at),
        AddInt | SubInt | MulInt | DivInt => arith(ev, p, &a[0], &a[1], at),
        LessThan => {
            let (x, y) = (ev.force(&a[0]), ev.force(&a[1]));
            match less_than(ev, &x, &y) {
                Some(b) => V::new(Val::Bool(b), at),
                None => V::unknown(),
            }
        }
        BitAnd | BitOr | BitXor => match (ev.force(&a[0]).kind, ev.force(&a[1]).kind) {
            (Val::Int(x), Val::Int(y)) => V::new(
                Val::Int(match p {
                    BitAnd => x & y,
                    BitOr => x | y,
                    _ => x ^ y,
                }),
                at,
            ),
            _ => V::unknown(),
        },
        ToJson => to_json_string(ev, &a[0], at),
        DirOf => dir_of(ev, &a[0], at),
        IsNull | IsInt | IsFloat => {
            let v = ev.force(&a[0]);
            if !is_known(&v) {
                return V::unknown();
            }
            let b = match p {
                IsNull => matches!(v.kind, Val::Null),
                IsInt => matches!(v.kind, Val::Int(_)),
                _ => matches!(v.kind, Val::Float(_)),
            };
            V::new(Val::Bool(b), at)
        }
        GenericClosure => generic_closure(ev, &a[0], at),
        SplitVersion => match str_of(ev, &a[0]) {
            Some(s) => V::list(
                split_version(&s)
                    .into_iter()
                    .map(|c| ready(V::str(c, None)))
                    .collect(),
                at,
            ),
            None => V::unknown(),
        },
        CompareVersions => match (str_of(ev, &a[0]), str_of(ev, &a[1])) {
            (Some(x), Some(y)) => V::new(Val::Int(compare_versions(&x, &y)), at),
            _ => V::unknown(),
        },
        ParseDrvName => match str_of(ev, &a[0]) {
            Some(s) => {
                let (name, version) = parse_drv_name(&s);
                let mut out = Attrs::default();
                for (k, v) in [("name", name), ("version", version)] {
                    out.set(k, ready(V::str(v, None)));
                }
                V::attrs(out, at)
            }
            None => V::unknown(),
        },
        Ceil | Floor => match ev.force(&a[0]).kind {
            // Nix goes through a double: beyond 2^53 the answer depends on its version.
            Val::Int(i) if i.unsigned_abs() <= 1 << 53 => V::new(Val::Int(i), at),
            Val::Float(f) => {
                let r = if p == Ceil { f.ceil() } else { f.floor() };
                // Out of range, Nix 2.8 casts (undefined behaviour) and newer ones fail.
                const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
                if r.is_finite() && r > -LIMIT && r < LIMIT {
                    V::new(Val::Int(r as i64), at)
                } else {
                    V::unknown()
                }
            }
            _ => V::unknown(),
        },
        _ => V::unknown(),
    }
}

// ---- small helpers ---------------------------------------------------------------------------

/// Not Unknown, Undefined or External: a value whose kind is known.
fn is_known(v: &V) -> bool {
    !matches!(v.kind, Val::Unknown | Val::Undefined | Val::External(_))
}

fn is_function(v: &V) -> bool {
    match &v.kind {
        Val::Lambda(_) | Val::Prim(_) => true,
        Val::Attrs(a) => a.get("__functor").is_some(),
        _ => false,
    }
}

/// A string argument (Nix's forceStringNoCtx: strings only).
fn str_of(ev: &mut Eval, t: &Thunk) -> Option<Rc<str>> {
    match ev.force(t).kind {
        Val::Str(s) => Some(s),
        _ => None,
    }
}

/// `f x y ...`, forced.
fn call_with(ev: &mut Eval, f: &V, args: &[Thunk]) -> V {
    let mut v = f.clone();
    for x in args {
        v = ev.apply(v, x.clone(), None);
    }
    v
}

/// An item standing for an unknown number of unknown items.
fn placeholder() -> Thunk {
    ready(V::unknown())
}

fn binding(value: Thunk) -> Binding {
    Binding { value, at: None }
}

// ---- lists -----------------------------------------------------------------------------------

/// `builtins.sort`: a stable sort, like Nix's. The result holds the original item thunks. Any
/// comparison that is not a known boolean makes the result unknown, and so does a comparator
/// that is not a strict weak order on these items as far as the result shows (`a <= b` on
/// equal items): there different sorting algorithms, and so Nix versions, disagree.
fn sort(ev: &mut Eval, f: &Thunk, l: &Thunk, at: Option<Span>) -> V {
    let Some(items) = list_of(ev, l) else {
        return V::unknown();
    };
    let f = ev.force(f);
    if !is_function(&f) {
        return V::unknown();
    }
    // Nix forces every item before sorting.
    for x in items.iter() {
        if matches!(ev.force(x).kind, Val::Unknown | Val::Undefined) {
            return V::unknown();
        }
    }
    if items.len() < 2 {
        return V::list(items.to_vec(), at);
    }
    let mut less = |ev: &mut Eval, x: &(usize, Thunk), y: &(usize, Thunk)| -> Option<bool> {
        call_with(ev, &f, &[x.1.clone(), y.1.clone()]).as_bool()
    };
    let indexed: Vec<(usize, Thunk)> = items.iter().cloned().enumerate().collect();
    let Some(sorted) = merge_sort(ev, indexed, &mut less) else {
        return V::unknown();
    };
    // Check the result: no item is less than the one before it, and equivalent neighbours keep
    // their order in the input.
    for w in sorted.windows(2) {
        if less(ev, &w[1], &w[0]) != Some(false) {
            return V::unknown();
        }
        if w[0].0 > w[1].0 && less(ev, &w[0], &w[1]) != Some(true) {
            return V::unknown();
        }
    }
    V::list(sorted.into_iter().map(|(_, t)| t).collect(), at)
}

type Less<'a> = dyn FnMut(&mut Eval, &(usize, Thunk), &(usize, Thunk)) -> Option<bool> + 'a;

fn merge_sort(
    ev: &mut Eval,
    mut v: Vec<(usize, Thunk)>,
    less: &mut Less,
) -> Option<Vec<(usize, Thunk)>> {
    if v.len() < 2 {
        return Some(v);
    }
    let right = v.split_off(v.len() / 2);
    let left = merge_sort(ev, v, less)?;
    let right = merge_sort(ev, right, less)?;
    let mut out = Vec::with_capacity(left.len() + right.len());
    let (mut i, mut j) = (0, 0);
    while i < left.len() && j < right.len() {
        // Take from the right only when strictly less: stable.
        if less(ev, &right[j], &left[i])? {
            out.push(right[j].clone());
            j += 1;
        } else {
            out.push(left[i].clone());
            i += 1;
        }
    }
    out.extend_from_slice(&left[i..]);
    out.extend_from_slice(&right[j..]);
    Some(out)
}

/// `builtins.partition pred list`: `{ right; wrong; }` with the original item thunks. An item
/// whose verdict is unknown may be in either list: both get an unknown item.
fn partition(ev: &mut Eval, pred: &Thunk, l: &Thunk, at: Option<Span>) -> V {
    let Some(items) = list_of(ev, l) else {
        return V::unknown();
    };
    let pred = ev.force(pred);
    let (mut right, mut wrong) = (Vec::new(), Vec::new());
    for x in items.iter() {
        match call_with(ev, &pred, std::slice::from_ref(x)).as_bool() {
            Some(true) => right.push(x.clone()),
            Some(false) => wrong.push(x.clone()),
            None => {
                right.push(placeholder());
                wrong.push(placeholder());
            }
        }
    }
    let mut out = Attrs::default();
    out.map
        .insert("right".into(), binding(ready(V::list(right, None))));
    out.map
        .insert("wrong".into(), binding(ready(V::list(wrong, None))));
    V::attrs(out, at)
}

/// `builtins.groupBy f list`: the items (original thunks) by the string `f` gives each. An
/// item whose group is unknown may be in any group, or start a new one: every group gets an
/// unknown item in its place, and the set is partial.
fn group_by(ev: &mut Eval, f: &Thunk, l: &Thunk, at: Option<Span>) -> V {
    let Some(items) = list_of(ev, l) else {
        return V::unknown();
    };
    let f = ev.force(f);
    // Each group's items, and how many unknown groupings it has accounted for.
    let mut groups: BTreeMap<Rc<str>, (Vec<Thunk>, usize)> = BTreeMap::new();
    let mut unknowns = 0;
    for x in items.iter() {
        // An unknown item may stand for no item at all: its group is not known to exist.
        let key = if ev.force(x).is_unknown() {
            V::unknown()
        } else {
            call_with(ev, &f, std::slice::from_ref(x))
        };
        match key.kind {
            Val::Str(k) => {
                let (list, seen) = groups.entry(k).or_default();
                if *seen < unknowns {
                    list.push(placeholder());
                    *seen = unknowns;
                }
                list.push(x.clone());
            }
            Val::Unknown | Val::Undefined | Val::External(_) => unknowns += 1,
            // Nix fails on a group name that is not a string.
            _ => return V::unknown(),
        }
    }
    let mut out = Attrs {
        partial: unknowns > 0,
        ..Attrs::default()
    };
    for (k, (mut list, seen)) in groups {
        if seen < unknowns {
            list.push(placeholder());
        }
        out.map.insert(k, binding(ready(V::list(list, None))));
    }
    V::attrs(out, at)
}

/// `builtins.zipAttrsWith f sets`: for every name, `f name [the values of the sets that have
/// it, in order]`, lazily. Sets whose other names are not known (partial ones, unknown items)
/// put an unknown item in every list where they may have a value; a set with a rest (every
/// name) puts that value.
fn zip_attrs_with(ev: &mut Eval, f: &Thunk, l: &Thunk, at: Option<Span>) -> V {
    let Some(items) = list_of(ev, l) else {
        return V::unknown();
    };
    // Each name's values with the index of the set they come from.
    let mut names: BTreeMap<Rc<str>, Vec<(usize, Thunk)>> = BTreeMap::new();
    // Sets with more names than their map shows: Some(set) when they have a rest.
    let mut open: Vec<(usize, Option<Rc<Attrs>>)> = Vec::new();
    for (i, x) in items.iter().enumerate() {
        let v = ev.force(x);
        match ev.as_attrs(&v) {
            Some(s) => {
                for (k, b) in s.map.iter() {
                    names
                        .entry(k.clone())
                        .or_default()
                        .push((i, b.value.clone()));
                }
                if s.rest.is_some() {
                    open.push((i, Some(s.clone())));
                } else if s.partial {
                    open.push((i, None));
                }
            }
            None if !is_known(&v) => open.push((i, None)),
            // Nix fails on an item that is not a set.
            None => return V::unknown(),
        }
    }
    let mut out = Attrs {
        partial: !open.is_empty(),
        ..Attrs::default()
    };
    for (name, values) in names {
        let mut list = Vec::with_capacity(values.len() + open.len());
        let mut values = values.into_iter().peekable();
        for (i, set) in &open {
            while let Some((_, t)) = values.next_if(|(j, _)| j < i) {
                list.push(t);
            }
            if values.peek().is_some_and(|(j, _)| j == i) {
                continue; // the set has this name in its map
            }
            match set {
                Some(s) => match ev.rest_thunk(s, &name) {
                    Some(t) => list.push(t),
                    None => list.push(placeholder()),
                },
                None => list.push(placeholder()),
            }
        }
        list.extend(values.map(|(_, t)| t));
        let (f, n) = (f.clone(), name.clone());
        let list = ready(V::list(list, None));
        let value = lazy(move |ev: &mut Eval| {
            let f = ev.force(&f);
            call_with(ev, &f, &[ready(V::str(&n, None)), list.clone()])
        });
        out.map.insert(name, binding(value));
    }
    V::attrs(out, at)
}

// ---- sets ------------------------------------------------------------------------------------

/// `builtins.intersectAttrs e1 e2`: the attributes of `e2` (unforced) whose names `e1` has.
/// A set with a rest has every name; a partial one may have any name not in its map.
fn intersect_attrs(ev: &mut Eval, e1: &Thunk, e2: &Thunk, at: Option<Span>) -> V {
    let (Some(x), Some(y)) = (attrs_of(ev, e1), attrs_of(ev, e2)) else {
        return V::unknown();
    };
    let mut out = Attrs::default();
    for (k, b) in y.map.iter() {
        if x.map.contains_key(k) || x.rest.is_some() {
            out.map.insert(k.clone(), b.clone());
        } else if x.partial {
            out.partial = true;
        }
    }
    for k in x.map.keys().filter(|k| !y.map.contains_key(*k)) {
        match ev.rest_thunk(&y, k) {
            Some(t) => {
                out.map.insert(k.clone(), binding(t));
            }
            None if y.partial => out.partial = true,
            None => {}
        }
    }
    // Names in neither map.
    let x_open = x.rest.is_some() || x.partial;
    let y_open = y.rest.is_some() || y.partial;
    if x_open && y_open {
        if x.rest.is_some() && y.rest.is_some() {
            out.rest = y.rest.clone();
        } else {
            out.partial = true;
        }
    }
    V::attrs(out, at)
}

// ---- numbers ---------------------------------------------------------------------------------

fn float_of(v: &V) -> Option<f64> {
    match v.kind {
        Val::Int(i) => Some(i as f64),
        Val::Float(f) => Some(f),
        _ => None,
    }
}

/// `builtins.add`/`sub`/`mul`/`div`: integers when both are, floats when either is. Overflow
/// (which Nix versions treat differently) and division by zero (an error) are unknown.
fn arith(ev: &mut Eval, p: Prim, x: &Thunk, y: &Thunk, at: Option<Span>) -> V {
    let (x, y) = (ev.force(x), ev.force(y));
    if let (Val::Int(a), Val::Int(b)) = (&x.kind, &y.kind) {
        let (a, b) = (*a, *b);
        let r = match p {
            Prim::AddInt => a.checked_add(b),
            Prim::SubInt => a.checked_sub(b),
            Prim::MulInt => a.checked_mul(b),
            // Truncates toward zero, as C++ does.
            _ => a.checked_div(b),
        };
        return r.map_or_else(V::unknown, |r| V::new(Val::Int(r), at));
    }
    let (Some(a), Some(b)) = (float_of(&x), float_of(&y)) else {
        return V::unknown();
    };
    let r = match p {
        Prim::AddInt => a + b,
        Prim::SubInt => a - b,
        Prim::MulInt => a * b,
        _ if b == 0.0 => return V::unknown(),
        _ => a / b,
    };
    V::new(Val::Float(r), at)
}

/// Nix's `<` on values: numbers, strings, paths, and lists lexicographically. None when it is
/// not known (or an error in Nix: different types).
pub fn less_than(ev: &mut Eval, x: &V, y: &V) -> Option<bool> {
    match (&x.kind, &y.kind) {
        (Val::Int(a), Val::Int(b)) => Some(a < b),
        (Val::Int(_) | Val::Float(_), Val::Int(_) | Val::Float(_)) => {
            Some(float_of(x)? < float_of(y)?)
        }
        (Val::Str(a), Val::Str(b)) => Some(a.as_bytes() < b.as_bytes()),
        (Val::Path(a), Val::Path(b)) => {
            Some(a.as_os_str().as_encoded_bytes() < b.as_os_str().as_encoded_bytes())
        }
        (Val::List(a), Val::List(b)) => {
            let (a, b) = (a.clone(), b.clone());
            for i in 0.. {
                if i == b.len() {
                    return Some(false);
                }
                if i == a.len() {
                    return Some(true);
                }
                let (p, q) = (ev.force(&a[i]), ev.force(&b[i]));
                if !equal(ev, &p, &q)? {
                    return less_than(ev, &p, &q);
                }
            }
            None
        }
        _ => None,
    }
}

// ---- strings ---------------------------------------------------------------------------------

/// `builtins.toJSON`: compact JSON with sorted keys. Floats (whose printing differs between Nix
/// versions) and strings with characters Nix versions escape differently (\b, \f) or cannot
/// hold (NUL) are unknown.
fn to_json_string(ev: &mut Eval, t: &Thunk, at: Option<Span>) -> V {
    let v = ev.force(t);
    let Some(json) = super::expr::to_json(ev, &v, 0) else {
        return V::unknown();
    };
    fn exact(j: &serde_json::Value) -> bool {
        let plain = |s: &str| !s.contains(['\u{8}', '\u{c}', '\0']);
        match j {
            serde_json::Value::Number(n) => n.is_i64() || n.is_u64(),
            serde_json::Value::String(s) => plain(s),
            serde_json::Value::Array(xs) => xs.iter().all(exact),
            serde_json::Value::Object(m) => m.iter().all(|(k, x)| plain(k) && exact(x)),
            serde_json::Value::Null | serde_json::Value::Bool(_) => true,
        }
    }
    if !exact(&json) {
        return V::unknown();
    }
    match serde_json::to_string(&json) {
        Ok(s) => V::str(&s, at),
        Err(_) => V::unknown(),
    }
}

/// Nix's dirOf on a string: everything before the last `/`; "." without one, "/" when it is
/// the first character.
fn dir_of_str(s: &str) -> &str {
    match s.rfind('/') {
        None => ".",
        Some(0) => "/",
        Some(i) => &s[..i],
    }
}

fn dir_of(ev: &mut Eval, t: &Thunk, at: Option<Span>) -> V {
    let v = ev.force(t);
    match &v.kind {
        Val::Str(s) => V::str(dir_of_str(s), at),
        Val::Path(p) => {
            let parent = p
                .parent()
                .map_or_else(|| (**p).clone(), |d| d.to_path_buf());
            V::new(Val::Path(Rc::new(parent)), at)
        }
        // A set with outPath or __toString.
        Val::Attrs(_) => match ev.coerce_to_string(&v) {
            Coerced::Str(s) => V::str(dir_of_str(&s), at),
            _ => V::unknown(),
        },
        _ => V::unknown(),
    }
}

// ---- genericClosure --------------------------------------------------------------------------

#[derive(PartialEq, Eq, Hash)]
enum Key {
    Int(i64),
    Str(Rc<str>),
}

/// `builtins.genericClosure { startSet; operator; }`: items taken in order from a work list
/// (the start set, then what `operator` gives for each new item), keeping the first item of
/// every `key`. Keys are integers or strings here (all of one kind: Nix cannot compare others).
fn generic_closure(ev: &mut Eval, t: &Thunk, at: Option<Span>) -> V {
    let args = ev.force(t);
    let start = match ev.select_key(&args, "startSet") {
        Selected::Found(v) => ev.as_list(&v),
        _ => None,
    };
    let op = match ev.select_key(&args, "operator") {
        Selected::Found(v) => v,
        _ => return V::unknown(),
    };
    let Some(start) = start else {
        return V::unknown();
    };
    let mut work: VecDeque<Thunk> = start.iter().cloned().collect();
    let mut done: HashSet<Key> = HashSet::new();
    let mut ints: Option<bool> = None;
    let mut out = Vec::new();
    let mut visits = 0;
    while let Some(e) = work.pop_front() {
        visits += 1;
        if visits > MAX_CLOSURE_VISITS || out.len() > MAX_CLOSURE_ITEMS {
            return V::unknown();
        }
        let item = ev.force(&e);
        let key = match ev.select_key(&item, "key") {
            Selected::Found(k) => match k.kind {
                Val::Int(i) => Key::Int(i),
                Val::Str(s) => Key::Str(s),
                _ => return V::unknown(),
            },
            _ => return V::unknown(),
        };
        let is_int = matches!(key, Key::Int(_));
        if *ints.get_or_insert(is_int) != is_int {
            return V::unknown();
        }
        if !done.insert(key) {
            continue;
        }
        out.push(e.clone());
        let next = call_with(ev, &op, std::slice::from_ref(&e));
        match ev.as_list(&next) {
            Some(items) => work.extend(items.iter().cloned()),
            None => return V::unknown(),
        }
    }
    V::list(out, at)
}

// ---- versions and derivation names -----------------------------------------------------------

/// The next component of a version from byte `pos`: separators (`.`, `-`) skipped, then a run of
/// digits or a run of other characters. Empty at the end.
fn next_component<'a>(s: &'a str, pos: &mut usize) -> &'a str {
    let b = s.as_bytes();
    while *pos < b.len() && (b[*pos] == b'.' || b[*pos] == b'-') {
        *pos += 1;
    }
    let start = *pos;
    if start < b.len() && b[start].is_ascii_digit() {
        while *pos < b.len() && b[*pos].is_ascii_digit() {
            *pos += 1;
        }
    } else {
        while *pos < b.len() && !b[*pos].is_ascii_digit() && b[*pos] != b'.' && b[*pos] != b'-' {
            *pos += 1;
        }
    }
    &s[start..*pos]
}

fn split_version(s: &str) -> Vec<&str> {
    let mut pos = 0;
    let mut out = Vec::new();
    loop {
        let c = next_component(s, &mut pos);
        if c.is_empty() {
            return out;
        }
        out.push(c);
    }
}

/// A component as Nix reads a number: digits that fit a C `int` (bigger ones are not numbers).
fn component_number(c: &str) -> Option<i32> {
    if c.is_empty() || !c.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    c.parse().ok()
}

/// Nix's componentsLT.
fn component_less(c1: &str, c2: &str) -> bool {
    let (n1, n2) = (component_number(c1), component_number(c2));
    match (n1, n2) {
        (Some(a), Some(b)) => a < b,
        _ if c1.is_empty() && n2.is_some() => true,
        _ if c1 == "pre" && c2 != "pre" => true,
        _ if c2 == "pre" => false,
        // `2.3a` < `2.3.1`.
        (_, Some(_)) => true,
        (Some(_), _) => false,
        _ => c1.as_bytes() < c2.as_bytes(),
    }
}

fn compare_versions(v1: &str, v2: &str) -> i64 {
    let (mut p1, mut p2) = (0, 0);
    while p1 < v1.len() || p2 < v2.len() {
        let c1 = next_component(v1, &mut p1);
        let c2 = next_component(v2, &mut p2);
        if component_less(c1, c2) {
            return -1;
        }
        if component_less(c2, c1) {
            return 1;
        }
    }
    0
}

/// Nix's DrvName: split at the first `-` followed by something that is not an ASCII letter.
fn parse_drv_name(s: &str) -> (&str, &str) {
    let b = s.as_bytes();
    for i in 0..b.len() {
        if b[i] == b'-' && i + 1 < b.len() && !b[i + 1].is_ascii_alphabetic() {
            return (&s[..i], &s[i + 1..]);
        }
    }
    (s, "")
}

#[cfg(test)]
mod tests {
    use super::super::expr::eval_to_json;
    use serde_json::{Value, json};

    fn eval(text: &str) -> Option<Value> {
        eval_to_json(text).expect("parses")
    }

    #[test]
    fn sorts_stably_and_refuses_unknown_comparisons() {
        assert_eq!(
            eval(
                "builtins.sort (a: b: a.k < b.k) [ { k = 2; v = 1; } { k = 1; v = 2; } { k = 2; v = 3; } { k = 1; v = 4; } ]"
            ),
            Some(json!([{"k":1,"v":2},{"k":1,"v":4},{"k":2,"v":1},{"k":2,"v":3}]))
        );
        assert_eq!(
            eval("builtins.sort builtins.lessThan [ 5 3 9 1 4 ]"),
            Some(json!([1, 3, 4, 5, 9]))
        );
        assert_eq!(eval("builtins.sort (a: b: a <= b) [ 3 1 2 1 ]"), None);
        assert_eq!(eval("builtins.sort (a: b: 1) [ 3 1 ]"), None);
        assert_eq!(eval("builtins.sort (a: b: a < b) [ ]"), Some(json!([])));
        assert_eq!(eval("builtins.sort 1 [ ]"), None);
    }

    #[test]
    fn partitions_groups_and_zips_lazily() {
        assert_eq!(
            eval("builtins.partition (x: x > 2) [ 1 3 2 4 ]"),
            Some(json!({"right":[3,4],"wrong":[1,2]}))
        );
        assert_eq!(
            eval(
                "builtins.length (builtins.partition (x: x.ok) [ { ok = true; v = throw \"x\"; } { ok = false; } ]).right"
            ),
            Some(json!(1))
        );
        assert_eq!(
            eval("builtins.groupBy (s: builtins.substring 0 1 s) [ \"ab\" \"b\" \"ac\" ]"),
            Some(json!({"a":["ab","ac"],"b":["b"]}))
        );
        assert_eq!(eval("builtins.groupBy (s: 1) [ 1 ]"), None);
        assert_eq!(
            eval("builtins.zipAttrsWith (n: v: v) [ { a = 1; } { a = 2; b = 3; } { } ]"),
            Some(json!({"a":[1,2],"b":[3]}))
        );
        assert_eq!(
            eval("(builtins.zipAttrsWith (n: v: throw \"no\") [ { a = 1; } ]) ? a"),
            Some(json!(true))
        );
        assert_eq!(
            eval(
                "builtins.attrNames (builtins.intersectAttrs { a = 1; c = 2; } { a = throw \"x\"; b = 2; c = throw \"y\"; })"
            ),
            Some(json!(["a", "c"]))
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(
            eval(
                "[ (builtins.div 7 2) (builtins.div (-7) 2) (builtins.sub 1 3) (builtins.mul 4 5) (builtins.add 1 2) ]"
            ),
            Some(json!([3, -3, -2, 20, 3]))
        );
        assert_eq!(eval("builtins.div 1 0"), None);
        assert_eq!(eval("builtins.add 9223372036854775807 1"), None);
        assert_eq!(
            eval(
                "[ (builtins.lessThan 1 2.5) (builtins.lessThan \"b\" \"a\") (builtins.lessThan [ 1 2 ] [ 1 3 ]) ]"
            ),
            Some(json!([true, false, true]))
        );
        assert_eq!(eval("builtins.lessThan 1 \"a\""), None);
        assert_eq!(
            eval("[ (builtins.bitAnd 12 10) (builtins.bitOr 12 10) (builtins.bitXor 12 10) ]"),
            Some(json!([8, 14, 6]))
        );
        assert_eq!(
            eval("[ (builtins.ceil 1.5) (builtins.floor (-1.5)) (builtins.ceil 2) ]"),
            Some(json!([2, -2, 2]))
        );
        assert_eq!(eval("builtins.ceil 1.0e30"), None);
    }

    #[test]
    fn json_and_dir_of() {
        assert_eq!(
            eval("builtins.toJSON { b = 1; a = [ \"q\\\"\" \"n\\n\" null true ]; }"),
            Some(json!("{\"a\":[\"q\\\"\",\"n\\n\",null,true],\"b\":1}"))
        );
        assert_eq!(eval("builtins.toJSON 1.5"), None);
        assert_eq!(
            eval("map dirOf [ \"/a/b\" \"a\" \"/\" \"a/\" \"\" \"a//b\" \"//\" ]"),
            Some(json!(["/a", ".", "/", "a", ".", "a/", "/"]))
        );
    }

    #[test]
    fn closures_versions_and_names() {
        assert_eq!(
            eval(
                "builtins.genericClosure { startSet = [ { key = 1; } { key = 1; x = 2; } ]; operator = x: if x.key < 5 then [ { key = x.key + 1; } { key = x.key + 2; } ] else [ ]; }"
            ),
            Some(json!([{"key":1},{"key":2},{"key":3},{"key":4},{"key":5},{"key":6}]))
        );
        assert_eq!(
            eval(
                "builtins.genericClosure { startSet = [ { key = 1; } { key = \"a\"; } ]; operator = x: [ ]; }"
            ),
            None
        );
        assert_eq!(
            eval("map builtins.splitVersion [ \"1.2-pre3\" \"\" \"..a\" \"abc123def\" ]"),
            Some(json!([
                ["1", "2", "pre", "3"],
                [],
                ["a"],
                ["abc", "123", "def"]
            ]))
        );
        let pairs = [
            ("1.0", "1.0", 0),
            ("1.0", "1.0.1", -1),
            ("1.0a", "1.0", 1),
            ("2.3a", "2.3.1", -1),
            ("1.0pre1", "1.0", -1),
            ("1.0", "1.0-pre", 1),
            ("3000000000", "4", -1),
            ("2147483647", "2147483648", 1),
            ("", "a", -1),
            ("1.0", "1-0", 0),
            ("1.2", "1.b", 1),
            ("a", "B", 1),
        ];
        for (a, b, want) in pairs {
            assert_eq!(super::compare_versions(a, b), want, "{a} vs {b}");
        }
        assert_eq!(
            eval(
                "map builtins.parseDrvName [ \"foo-bar-2.0-pre\" \"a-\" \"-1\" \"foo--1\" \"nix\" ]"
            ),
            Some(json!([
                {"name":"foo-bar","version":"2.0-pre"},
                {"name":"a-","version":""},
                {"name":"","version":"1"},
                {"name":"foo","version":"-1"},
                {"name":"nix","version":""}
            ]))
        );
    }
}
