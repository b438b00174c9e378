#!/usr/bin/env python3
"""Runs impermalint over a folder of checkouts of the real-configuration corpus.

The corpus is the list in repos.tsv (owner/name, commit, style, declared hosts, and flags the
repository needs, such as --path-map); no code from
those repositories is kept here. Check them out yourself (one folder per repository, named
`owner+name`, at the listed commit), then:

    corpus/run.py --bin target/release/impermalint --src /path/to/checkouts [--errors FILE]

Per repository and in total it prints: hosts declared, hosts found (declared ones that the
linter reported), hosts read completely, unread items by kind, crashes (exit status other than
0 or 1, or output that is not the JSON report), and time. The column `-inp` counts the hosts
read completely but for modules from flake inputs (code the static reader never sees). With --errors it writes every
error-level finding (repository, code, file:line, host, message) for reading by hand.

With --inputs DIR (a folder of checkouts of flake inputs, named `owner+name`, or
`owner+name@<first 8 hex of the commit>` when several commits are needed) each root input of a
repository's flake.lock that has a checkout there is passed as `--input NAME=DIR`, as a user's
machine with the inputs in its Nix store would read them (`--inputs-from-store`). Without it,
modules of inputs are blind spots.
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def load_list(path):
    rows = []
    with open(path) as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            if not line.strip():
                continue
            cols = dict(zip(header, line.rstrip("\n").split("\t")))
            hosts = [] if cols.get("hosts", "-") == "-" else cols["hosts"].split(",")
            rows.append({**cols, "hosts": [h for h in hosts if h]})
    return rows


def unread_kind(what):
    """A coarse kind for an unread item, for the totals."""
    w = what.lower()
    for needle, kind in [
        ("outside the checked tree", "outside the tree"),
        ("from outside the configuration", "module from an input"),
        ("could not be evaluated without nix", "host builder not read"),
        ("built by", "host builder not read"),
        ("which is not read without nix", "host builder not read"),
        ("a module that could not be evaluated", "module not evaluated"),
        ("imports that could not be evaluated", "imports not evaluated"),
        ("does not parse", "file does not parse"),
        ("no such file", "missing file"),
        ("step or depth limit", "evaluation limit"),
        ("beyond the limit", "module limit"),
        ("the value of", "value not computed"),
        ("found by their entry files", "flake hosts not read"),
        ("module list", "module list not read"),
    ]:
        if needle in w:
            return kind
    return "other"


def checkout(inputs, owner, repo, rev):
    """The checkout of owner/repo in `inputs`: at that commit if there is one, else any.
    GitHub names are not case-sensitive (a lock may say nixos-wsl for NixOS-WSL)."""
    try:
        folders = {f.lower(): f for f in os.listdir(inputs)}
    except OSError:
        return None
    for folder in (f"{owner}+{repo}@{rev[:8]}", f"{owner}+{repo}"):
        found = folders.get(folder.lower())
        if found and os.path.isdir(os.path.join(inputs, found)):
            return os.path.join(inputs, found)
    return None


def pinned_flags(path, inputs):
    """`--input URL=DIR` for each GitHub source pinned by npins (npins/sources.json) or niv
    (nix/sources.json) with a checkout in `inputs`: what the pin's fetcher would fetch."""
    flags = []
    for pins_file, key in (("npins/sources.json", "pins"), ("nix/sources.json", None)):
        try:
            with open(os.path.join(path, pins_file)) as f:
                pins = json.load(f)
        except (OSError, ValueError):
            continue
        for pin in (pins.get(key, {}) if key else pins).values():
            if not isinstance(pin, dict) or not pin.get("url"):
                continue
            repo = pin.get("repository") or {}
            owner, name = repo.get("owner") or pin.get("owner"), repo.get("repo") or pin.get("repo")
            rev = pin.get("revision") or pin.get("rev") or ""
            found = owner and name and checkout(inputs, owner, name, rev)
            if found:
                flags += ["--input", f"{pin['url']}={found}"]
    return flags


def tack_flags(path, inputs):
    """`--input NAME=DIR` for each GitHub pin of tack (.tack/pins.lock.json) with a checkout."""
    try:
        with open(os.path.join(path, ".tack", "pins.lock.json")) as f:
            pins = json.load(f)
    except (OSError, ValueError):
        return []
    flags = []
    for name, pin in pins.items():
        owner, repo, rev = pin.get("owner"), pin.get("repo"), pin.get("rev") or ""
        found = owner and repo and checkout(inputs, owner, repo, rev)
        if found:
            flags += ["--input", f"{name}={found}"]
    return flags


def input_flags(path, inputs):
    """`--input NAME=DIR` for each root input of the lock with a checkout in `inputs`, and
    `--input URL=DIR` for pinned sources."""
    if not inputs:
        return []
    try:
        with open(os.path.join(path, "flake.lock")) as f:
            lock = json.load(f)
    except (OSError, ValueError):
        return pinned_flags(path, inputs) + tack_flags(path, inputs)
    nodes = lock.get("nodes", {})
    flags = []
    for name, key in nodes.get(lock.get("root", "root"), {}).get("inputs", {}).items():
        if not isinstance(key, str):
            continue
        locked = nodes.get(key, {}).get("locked", {})
        owner, repo, rev = locked.get("owner"), locked.get("repo"), locked.get("rev") or ""
        if not owner or not repo:
            continue
        found = checkout(inputs, owner, repo, rev)
        if found:
            flags += ["--input", f"{name}={found}"]
    return flags + pinned_flags(path, inputs)


def repo_flags(row, path):
    """The repository's own flags (the `flags` column; `{src}` is its checkout), such as
    `--path-map` for a configuration that names its files by their place on the machine."""
    flags = row.get("flags", "-")
    if not flags or flags == "-":
        return []
    return [f.replace("{src}", path) for f in flags.split()]


def run_one(binary, src, row, errors, inputs=None):
    name = row["repo"].replace("/", "+")
    path = os.path.join(src, name)
    result = {"repo": row["repo"], "declared": len(row["hosts"]), "found": 0,
              "complete": 0, "but_inputs": 0, "reported": 0, "unread": collections.Counter(),
              "crash": None, "seconds": 0.0, "errors": 0, "warnings": 0}
    if not os.path.isdir(path):
        result["crash"] = "no checkout"
        return result
    start = time.monotonic()
    try:
        proc = subprocess.run([binary, "check", "--format", "json", "--no-config", path]
                              + input_flags(path, inputs) + repo_flags(row, path),
                              capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        result["crash"] = "timeout"
        return result
    result["seconds"] = time.monotonic() - start
    if proc.returncode not in (0, 1):
        result["crash"] = f"exit {proc.returncode}: {proc.stderr.strip()[:200]}"
        return result
    try:
        doc = json.loads(proc.stdout)
    except ValueError as e:
        result["crash"] = f"not JSON: {e}"
        return result
    hosts = doc.get("hosts", [])
    reported = {h["name"]: h for h in hosts}
    result["reported"] = len(hosts)
    declared = row["hosts"]
    if declared:
        found = [h for h in declared if h in reported]
    else:
        found = list(reported)
    result["found"] = len(found)
    result["complete"] = sum(1 for h in found if reported[h]["complete"])
    # Hosts whose only blind spots are modules from flake inputs (which no static read sees).
    result["but_inputs"] = sum(
        1 for h in found
        if all(unread_kind(u["what"]) == "module from an input" for u in reported[h]["unread"]))
    for h in found:
        for u in reported[h]["unread"]:
            result["unread"][unread_kind(u["what"])] += 1
    for d in doc.get("diagnostics", []):
        if d["severity"] == "error":
            result["errors"] += 1
            if errors is not None:
                errors.write("\t".join([row["repo"], d["code"], f"{d['file']}:{d['line']}",
                                        ",".join(d.get("hosts") or []),
                                        re.sub(r"\s+", " ", d["message"])[:200]]) + "\n")
        elif d["severity"] == "warning":
            result["warnings"] += 1
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--src", required=True, help="folder of checkouts named owner+name")
    ap.add_argument("--list", default=os.path.join(HERE, "repos.tsv"))
    ap.add_argument("--errors", help="write every error-level finding here")
    ap.add_argument("--only", nargs="*", help="only these owner/name")
    ap.add_argument("--inputs", help="folder of checkouts of flake inputs, named owner+name")
    args = ap.parse_args()
    rows = load_list(args.list)
    if args.only:
        rows = [r for r in rows if r["repo"] in args.only]
    errors = open(args.errors, "w") if args.errors else None
    totals = collections.Counter()
    unread = collections.Counter()
    print(f"{'repository':<34} {'decl':>4} {'found':>5} {'full':>4} {'-inp':>4} {'err':>4} {'warn':>4} {'time':>6}  notes")
    for row in rows:
        r = run_one(os.path.abspath(args.bin), args.src, row, errors, args.inputs)
        for k in ("declared", "found", "complete", "but_inputs", "errors", "warnings"):
            totals[k] += r[k]
        totals["seconds"] += r["seconds"]
        unread.update(r["unread"])
        notes = r["crash"] or ", ".join(f"{k} {v}" for k, v in r["unread"].most_common(3))
        if r["crash"]:
            totals["crashes"] += 1
        print(f"{r['repo']:<34} {r['declared']:>4} {r['found']:>5} {r['complete']:>4} {r['but_inputs']:>4} "
              f"{r['errors']:>4} {r['warnings']:>4} {r['seconds']:>6.2f}  {notes}")
        sys.stdout.flush()
    d, f, c = totals["declared"], totals["found"], totals["complete"]
    b = totals["but_inputs"]
    print()
    print(f"repositories {len(rows)}; hosts declared {d}, found {f} ({100*f/max(d,1):.0f}%), "
          f"read completely {c} ({100*c/max(f,1):.0f}% of found), completely but for modules of "
          f"inputs {b} ({100*b/max(f,1):.0f}%); crashes {totals['crashes']}; "
          f"errors {totals['errors']}, warnings {totals['warnings']}; time {totals['seconds']:.1f} s")
    print("unread items by kind: " + ", ".join(f"{k} {v}" for k, v in unread.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
