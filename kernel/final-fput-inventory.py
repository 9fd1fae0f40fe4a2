#!/usr/bin/env python3
"""The kernel's final-fput paths, read from the pinned source tree.

A final __fput() runs in one of three ways: fput() defers it to the task's
task_work or, for kernel threads, interrupts and exiting tasks, to the
delayed_fput worker; __fput_sync() runs it in its caller; and whoever runs
task_work runs the deferred ones.  So the places that matter are the call
sites of the functions that run a final __fput() (RUNNERS below), each
with the locks its caller holds there.  The plain fput()/filp_close()
call sites only choose which of those places will run it; they are
counted per directory.

Usage: final-fput-inventory.py SRC [--annotations FILE] [--rst [--doc RST] | --sites]
  --sites   one line per runner call site: path, function, callee, n
  --rst     the tables for Documentation/security/ima-fput.rst, joining
            the sites with their annotations; exit 1 when a site has no
            annotation or an annotation matches no site (the table is
            stale: the source changed)
  --doc RST with --rst, write the tables into RST between its
            ".. inventory-begin" and ".. inventory-end" lines instead
"""
import argparse
import collections
import io
import os
import re
import subprocess
import sys
import textwrap

# Functions that run a final __fput() themselves, or run task_work (and
# with it the deferred ____fput()).  Wrappers are listed with what they
# wrap: a call inside one of them is accounted to the wrapper's callers.
RUNNERS = ["__fput_sync", "flush_delayed_fput", "task_work_run", "exit_task_work",
           "resume_user_mode_work", "get_signal", "io_run_task_work",
           "io_run_task_work_sig",
           # later kernels' names, in case the pin moves
           "fput_close_sync", "fput_close", "fput_many"]
# Where a last reference is dropped and the release deferred.
DEFERRERS = ["fput", "filp_close"]
# x86 is the architecture the kernel is built and tested for.
EXCLUDE = re.compile(r"^(Documentation|tools|samples|scripts)/|^arch/(?!x86/)")
# A function definition's line at column 0: "static int foo(" or, in the
# kernel's style with the type on the line before, "foo(".
FUNC = re.compile(r"^(?:[A-Za-z_][^;=()]*?\b)?([A-Za-z_]\w*)\s*\(([^;]*)$")
SYSCALL = re.compile(r"^SYSCALL_DEFINE\d$")


def source_files(src, names):
    """The C files that mention any of names (grep is much faster than us)."""
    out = subprocess.run(["grep", "-rlE", "--include=*.c", "--include=*.h",
                          r"\b(%s)\b" % "|".join(names), "."], cwd=src,
                         capture_output=True, text=True).stdout
    for p in sorted(out.split()):
        p = p[2:]
        if not EXCLUDE.match(p):
            yield p


def strip_comments(text):
    """Blank out comments and strings, keeping line numbers."""
    def blank(m):
        return re.sub(r"[^\n]", " ", m.group(0))
    return re.sub(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"', blank, text, flags=re.S)


def calls(src, names):
    """Yield (path, line, enclosing function, callee) for calls of names."""
    pat = re.compile(r"\b(%s)\s*\(" % "|".join(map(re.escape, names)))
    for path in source_files(src, names):
        with open(os.path.join(src, path), errors="replace") as f:
            raw = f.read()
        if not pat.search(raw):
            continue
        func = None
        for n, line in enumerate(strip_comments(raw).split("\n"), 1):
            m = FUNC.match(line)
            if m and not line.startswith(("#", "}", "{")):
                func = m.group(1)
                if SYSCALL.match(func):         # SYSCALL_DEFINE1(close, ...)
                    func = "sys_" + m.group(2).split(",")[0].strip(" )")
            for c in pat.finditer(line):
                before = line[:c.start()].rstrip()
                # a definition or declaration, not a call
                if FUNC.match(line) and m and m.group(1) == c.group(1):
                    continue
                if before.endswith(("void", "int", "bool", "*")) or "extern" in before:
                    continue
                if line.lstrip().startswith("#define"):
                    continue
                yield path, n, func or "?", c.group(1)


def sites(src):
    out = collections.Counter()
    for path, _, func, callee in calls(src, RUNNERS):
        if func in RUNNERS:
            continue        # inside a wrapper: its callers are listed
        out[(path, func, callee)] += 1
    return out


def deferrers(src):
    out = collections.Counter()
    for path, _, _, _ in calls(src, DEFERRERS):
        top = "/".join(path.split("/")[:2]) if "/" in path else path
        out[top] += 1
    return out


def load_annotations(path):
    notes = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) != 6:
                sys.exit(f"{path}:{n}: want 6 tab-separated columns, got {len(cols)}")
            notes[tuple(cols[:3])] = cols[3:]
    return notes


def rst_table(rows, header):
    out = [".. list-table::", "   :header-rows: 1", ""]
    for r in [header] + rows:
        out.append("   * - " + r[0])
        out.extend("     - " + c for c in r[1:])
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("--annotations")
    ap.add_argument("--rst", action="store_true")
    ap.add_argument("--sites", action="store_true")
    ap.add_argument("--doc")
    a = ap.parse_args()
    found = sites(a.src)
    if not a.rst:
        for (path, func, callee), n in sorted(found.items()):
            print(f"{path}\t{func}\t{callee}\t{n}")
        return 0
    notes = load_annotations(a.annotations)
    stale = [k for k in found if k not in notes] + [k for k in notes if k not in found]
    for k in stale:
        state = "has no annotation" if k in found else "is annotated but not in the source"
        print(f"final-fput-inventory: {k[0]} {k[1]}() -> {k[2]}() {state}", file=sys.stderr)
    out = io.StringIO()
    print_tables(a.src, found, notes, out)
    if a.doc:
        with open(a.doc) as f:
            doc = f.read()
        begin, end = "\n.. inventory-begin\n\n", "\n\n.. inventory-end\n"
        i, j = doc.find(begin), doc.find(end)
        if i < 0 or j < i:
            sys.exit(f"final-fput-inventory: {a.doc} has no inventory-begin/-end lines")
        with open(a.doc, "w") as f:
            f.write(doc[:i + len(begin)] + out.getvalue().rstrip("\n") + doc[j:])
    else:
        sys.stdout.write(out.getvalue())
    return 1 if stale else 0


def print_tables(src, found, notes, f):
    rows = []
    for (path, func, callee), n in sorted(found.items()):
        ctx, locks, test = notes.get((path, func, callee), ["?", "?", "?"])
        rows.append([f"``{path}``", f"``{func}()``", f"``{callee}()``" + (f" x{n}" if n > 1 else ""),
                     ctx, locks, test])
    print(rst_table(rows, ["file", "caller", "runs", "context", "locks held", "test, or why none"]),
          file=f)
    print(file=f)
    d = deferrers(src)
    text = (f"The {sum(d.values())} plain ``fput()`` and ``filp_close()`` calls defer the "
            "release to one of the places above, chosen by the context of the caller; by "
            "directory: " + ", ".join(f"``{k}`` {v}" for k, v in sorted(d.items())) + ".")
    print(textwrap.fill(text, width=78, break_on_hyphens=False, break_long_words=False), file=f)


if __name__ == "__main__":
    sys.exit(main())
