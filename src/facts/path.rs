//! The one path normaliser: every comparison of system paths goes through here.

/// Normalises an absolute path as NixOS modules compare them: collapses `//`, drops `.`
/// components and trailing slashes, resolves `..` lexically. Returns `None` for relative paths.
pub fn normalize(path: &str) -> Option<String> {
    if !path.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Some("/".to_string());
    }
    let mut out = String::with_capacity(path.len());
    for p in parts {
        out.push('/');
        out.push_str(p);
    }
    Some(out)
}

/// Joins a relative path (a home entry) to a base directory, then normalises.
pub fn join(base: &str, rel: &str) -> Option<String> {
    if rel.starts_with('/') {
        return normalize(rel);
    }
    normalize(&format!("{base}/{rel}"))
}

/// True when `inner` is `outer` or lies below it. Both must be normalised.
pub fn is_at_or_under(inner: &str, outer: &str) -> bool {
    if outer == "/" {
        return true;
    }
    inner == outer || (inner.starts_with(outer) && inner.as_bytes().get(outer.len()) == Some(&b'/'))
}

/// True when `inner` lies strictly below `outer`.
pub fn is_strictly_under(inner: &str, outer: &str) -> bool {
    inner != outer && is_at_or_under(inner, outer)
}

/// The directories strictly above a normalised path, innermost first: `/a/b/c` gives `/a/b`,
/// `/a`, `/`.
pub fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    let mut cur = Some(path);
    std::iter::from_fn(move || {
        let p = cur?;
        if p == "/" {
            cur = None;
            return None;
        }
        let parent = match p.rfind('/') {
            Some(0) | None => "/",
            Some(i) => &p[..i],
        };
        cur = Some(parent);
        Some(parent)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_slashes_and_dots() {
        assert_eq!(normalize("/etc/ssh/").as_deref(), Some("/etc/ssh"));
        assert_eq!(normalize("//etc//ssh").as_deref(), Some("/etc/ssh"));
        assert_eq!(normalize("/etc/./ssh/../nix").as_deref(), Some("/etc/nix"));
        assert_eq!(normalize("/").as_deref(), Some("/"));
        assert_eq!(normalize("etc/ssh"), None);
    }

    #[test]
    fn prefix_tests_respect_components() {
        assert!(is_at_or_under("/etc/ssh/sshd_config", "/etc/ssh"));
        assert!(is_at_or_under("/etc/ssh", "/etc/ssh"));
        assert!(!is_at_or_under("/etc/sshd", "/etc/ssh"));
        assert!(is_at_or_under("/anything", "/"));
        assert!(!is_strictly_under("/etc", "/etc"));
    }

    #[test]
    fn ancestors_innermost_first() {
        assert_eq!(ancestors("/a/b/c").collect::<Vec<_>>(), ["/a/b", "/a", "/"]);
        assert_eq!(ancestors("/").count(), 0);
    }

    #[test]
    fn joins_home_paths() {
        assert_eq!(
            join("/home/a", ".config/").as_deref(),
            Some("/home/a/.config")
        );
        assert_eq!(join("/home/a", "/abs").as_deref(), Some("/abs"));
    }
}
