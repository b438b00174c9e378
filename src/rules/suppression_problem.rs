//! IMP002: an allow comment that is malformed, names no rule, or covers no finding. Found by the
//! suppression pass over the source files (`crate::suppress::problems`), not from the facts.

use super::{Context, Sink};

pub fn check(_cx: &Context, _out: &mut Sink) {}
