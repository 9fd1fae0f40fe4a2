#!/usr/bin/env python3
"""report.py SAMPLES OUTDIR: the benchmark table (OUTDIR/bench.md, also on
stdout) and chart (OUTDIR/bench.png, by gnuplot) from the samples written by
bench/host.py and bench/kernel.sh.  Context for the notes comes from the
environment (BENCH_* and the files run.sh leaves in OUTDIR).

Exit status: 0 written, 2 no usable samples or gnuplot failed.
"""
import os
import statistics
import subprocess
import sys

FILES = os.environ.get("BENCH_FILES", "?")
BIG_MB = os.environ.get("BENCH_BIG_MB", "?")
LOG_ENTRIES = os.environ.get("BENCH_LOG_ENTRIES", "2000" if os.environ.get("BENCH_QUICK") == "1" else "100000")
TREE = os.environ.get("BENCH_TREE_FILES", "?")
TREE_BIG = os.environ.get("BENCH_TREE_BIG_MB", "?")

# (key, title, bench, subject A, subject B, ratio, target op, target)
# ratio "speed": how many times faster A is than B (median B / median A);
# ratio "cost": median A / median B (the patched kernel's extra cost);
# ratio "memory": how many times less peak RSS A needs than B (B / A).
ROWS = [
    ("sign", "sign -r, %s x 4 KiB (RSA-2048)" % FILES, "sign-r",
     "ima-test", "evmctl", "speed", ">=", 6.0),
    ("hash", "hash -r, %s x 4 KiB" % FILES, "hash-r",
     "ima-test", "evmctl", "speed", None, None),
    ("verify", "verify -r, %s x 4 KiB" % FILES, "verify-r",
     "ima-test", "evmctl", "speed", ">=", 6.0),
    ("big-ssl", "hash one %s MiB file" % BIG_MB, "hash-big",
     "ima-test", "openssl", "speed", ">=", 0.95),
    ("big-evm", "hash one %s MiB file" % BIG_MB, "hash-big",
     "ima-test", "evmctl", "speed", None, None),
    ("big-dgst", "hash one %s MiB file" % BIG_MB, "hash-big",
     "ima-test", "openssl-dgst", "speed", None, None),
    ("log", "log: check and replay a %s-entry list, two banks" % LOG_ENTRIES, "log-replay",
     "ima-test", "evmctl", "speed", ">=", 2.0),
    ("log-rss", "log: peak RSS of the same replay", "log-replay-rss",
     "ima-test", "evmctl", "memory", None, None),
    ("sign-p11", "sign -r, %s x 4 KiB, key on a SoftHSM token (RSA-2048)" % FILES, "sign-r-p11",
     "ima-test", "evmctl", "speed", ">=", 3.0),
    ("sign-hash", "sign-hash, %s manifest lines, key on a SoftHSM token" % os.environ.get(
        "BENCH_MANIFEST_LINES", "20000"), "sign-hash-p11", "ima-test", "evmctl", "speed", ">=", 3.0),
    ("tree-hash-evm", "hash -r, Debian-shaped tree, %s files" % TREE, "tree-hash",
     "ima-test", "evmctl", "speed", ">=", 2.2),
    ("tree-hash-pipe", "hash -r, the same tree", "tree-hash",
     "ima-test", "pipeline", "speed", ">=", 2.0),
    ("tree-hash-floor", "hash -r, the same tree: share of the floor", "tree-hash",
     "ima-test", "floor", "speed", None, None),
    ("tree-sign", "sign -r, the same tree (RSA-2048)", "tree-sign",
     "ima-test", "evmctl", "speed", ">=", 6.0),
    ("tree-audit", "audit -r, the same tree: share of the floor", "tree-audit",
     "ima-test", "floor", "speed", None, None),
    ("tree-ready", "ready (appraise fowner=0), the same tree: share of the floor", "tree-ready",
     "ima-test", "floor", "speed", None, None),
    ("tree-big", "hash -r, the tree + one %s MiB file walked last: share of the floor"
     % TREE_BIG, "tree-big", "ima-test", "floor", "speed", None, None),
    ("file-floor", "hash one %s MiB file: share of the single-core floor" % BIG_MB,
     "file-floor", "ima-test", "floor", "speed", None, None),
    ("kwrite", "VM: close() after a 64 KiB write (re-hash)", "kwrite-close",
     "patched", "baseline", "cost", "<=", 1.01),
    ("kwrite-p10", "VM: the same, fastest tenth (p10)", "kwrite-close-p10",
     "patched", "baseline", "cost", "<=", 1.01),
    ("kopen", "VM: open()+close() read-only, appraised", "kopen-close",
     "patched", "baseline", "cost", "<=", 1.01),
    ("kopen-p10", "VM: the same, fastest tenth (p10)", "kopen-close-p10",
     "patched", "baseline", "cost", "<=", 1.01),
    ("kro", "VM: close() alone, read-only open", "kro-close",
     "patched", "baseline", "cost", None, None),
    ("kro-p10", "VM: the same, fastest tenth (p10)", "kro-close-p10",
     "patched", "baseline", "cost", None, None),
    ("kwopen", "VM: close() of a writable open, no write", "kwopen-close",
     "patched", "baseline", "cost", None, None),
    ("kwopen-p10", "VM: the same, fastest tenth (p10)", "kwopen-close-p10",
     "patched", "baseline", "cost", None, None),
    ("pkwrite", "VM prod config: close() after a 64 KiB write", "pkwrite-close",
     "patched", "baseline", "cost", None, None),
    ("pkwrite-p10", "VM prod config: close() after a write, fastest tenth (p10)", "pkwrite-close-p10",
     "patched", "baseline", "cost", "<=", 1.01),
    ("pkopen", "VM prod config: open()+close() read-only", "pkopen-close",
     "patched", "baseline", "cost", None, None),
    ("pkopen-p10", "VM prod config: read-only open()+close(), p10", "pkopen-close-p10",
     "patched", "baseline", "cost", "<=", 1.01),
    ("pkwopen", "VM prod config: close() of a writable open, no write", "pkwopen-close",
     "patched", "baseline", "cost", None, None),
    ("pkwopen-p10", "VM prod config: writable close, no write, p10", "pkwopen-close-p10",
     "patched", "baseline", "cost", "<=", 1.01),
    ("ckwrite-p10", "VM prod control (nfsd patches alone): close() after a write, p10",
     "ckwrite-close-p10", "nfsd-only", "baseline", "cost", None, None),
    ("ckopen-p10", "VM prod control (nfsd patches alone): read-only open()+close(), p10",
     "ckopen-close-p10", "nfsd-only", "baseline", "cost", None, None),
    ("ckwopen-p10", "VM prod control (nfsd patches alone): writable close, no write, p10",
     "ckwopen-close-p10", "nfsd-only", "baseline", "cost", None, None),
]
LABEL = {"evmctl": "evmctl", "openssl": "openssl speed", "ima-test": "ima-test",
         "openssl-dgst": "openssl dgst -sha256 FILE",
         "pipeline": "find -print0, xargs -0 -P2 -n 64 openssl dgst",
         "floor": "machine floor",
         "patched": "patched", "baseline": "baseline", "nfsd-only": "baseline + nfsd patches"}
LABEL_B = {"verify": "evmctl ima_verify loop", "big-ssl": "openssl speed (1 core)",
           "log": "evmctl ima_measurement", "log-rss": "evmctl ima_measurement",
           "sign-p11": "evmctl --engine pkcs11", "sign-hash": "evmctl sign_hash --engine pkcs11"}


def load(path):
    data = {}
    with open(path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) != 8:
                continue
            bench, subject, run, value, unit, status, user, sys_ = p
            data.setdefault((bench, subject), []).append(
                dict(run=int(run), value=float(value), unit=unit, status=status,
                     user=float(user), sys=float(sys_)))
    return data


def scale(v, unit):
    """(factor, unit name) to show a value of about v."""
    if unit == "KiB":
        return 1 / 1024, "MiB"
    if unit == "ns":
        v = v * 1e-9
    for f, name, lim in ((1, "s", 1), (1e3, "ms", 1e-3), (1e6, "µs", 1e-6), (1e9, "ns", 0)):
        if v >= lim:
            return (f * (1e-9 if unit == "ns" else 1)), name
    return 1, unit


def fmt(v, unit):
    f, name = scale(v, unit)
    return "%.3g %s" % (v * f, name)


def fmt_range(lo, hi, unit):
    f, name = scale(hi, unit)
    return "%.3g–%.3g %s" % (lo * f, hi * f, name)


def summarize(samples):
    vals = [s["value"] for s in samples]
    return dict(n=len(vals), med=statistics.median(vals), lo=min(vals), hi=max(vals),
                user=statistics.median(s["user"] for s in samples),
                sys=statistics.median(s["sys"] for s in samples), unit=samples[0]["unit"])


def ratio_of(kind, a, b):
    if a <= 0 or b <= 0:
        return None
    return b / a if kind in ("speed", "memory") else a / b


def floor(data, what):
    s = data.get(("rsa2048", what))
    return s[0]["value"] if s else None


def build(data):
    rows = []
    for key, title, bench, sa, sb, kind, op, target in ROWS:
        A, B = data.get((bench, sa)), data.get((bench, sb))
        if not A or not B:
            continue
        bad = sorted({s["status"] for s in A + B if s["status"] != "ok"})
        A = [s for s in A if s["status"] == "ok"] or A
        B = [s for s in B if s["status"] == "ok"] or B
        a, b = summarize(A), summarize(B)
        r = ratio_of(kind, a["med"], b["med"])
        by_run = {s["run"]: s["value"] for s in B}
        pairs = [ratio_of(kind, s["value"], by_run[s["run"]]) for s in A if s["run"] in by_run]
        pairs = [p for p in pairs if p is not None]
        if bad or r is None:
            verdict = "FAILED (%s)" % ", ".join(bad or ["no valid samples"])
        elif op is None:
            verdict = "(info)"
        elif (op == ">=" and r >= target) or (op == "<=" and r <= target):
            verdict = "met"
        else:
            verdict = "MISSED"
        rows.append(dict(floor=floor(data, "sign" if key in ("sign", "tree-sign") else "verify"), key=key, title=title, sa=sa, sb=LABEL_B.get(key, LABEL[sb]), kind=kind,
                         a=a, b=b, ratio=r, pairs=pairs, op=op, target=target, verdict=verdict))
    return rows


def fmt_ratio(row):
    r, p = row["ratio"], row["pairs"]
    if r is None:
        return "—"
    f = "%.2fx" if row["kind"] in ("speed", "memory") else "%.3f"
    s = f % r
    if len(p) > 1:
        s += " (" + (f % min(p)) + "–" + (f % max(p)) + ")"
    return s


def table(rows):
    out = ["| benchmark | A | median A | min–max A | B | median B | min–max B | runs | "
           "ratio (per-pair min–max) | target | verdict |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        a, b, u = r["a"], r["b"], r["a"]["unit"]
        runs = str(a["n"]) if a["n"] == b["n"] else "%d/%d" % (a["n"], b["n"])
        target = "—" if r["op"] is None else (
            ("≥ %gx" if r["kind"] == "speed" else "≤ %g") % r["target"])
        if r["kind"] == "speed" and r["op"]:
            target = "≥ %gx" % r["target"]
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["title"], r["sa"], fmt(a["med"], u), fmt_range(a["lo"], a["hi"], u),
            r["sb"], fmt(b["med"], b["unit"]), fmt_range(b["lo"], b["hi"], b["unit"]),
            runs, fmt_ratio(r), target, r["verdict"]))
    return out


def why(r):
    """A data-driven note on a row: where the subject's time goes."""
    a, b, key = r["a"], r["b"], r["key"]
    ncpu = os.cpu_count() or 1
    if r["kind"] == "speed":
        cpu_a, cpu_b = a["user"] + a["sys"], b["user"] + b["sys"]
        s = ("ima-test CPU %.0f ms user + %.0f ms sys per run (%.2f of %d CPUs busy)"
             % (a["user"] * 1e3, a["sys"] * 1e3, cpu_a / a["med"] if a["med"] else 0, ncpu))
        nf = TREE if key.startswith("tree") else FILES
        if (key in ("sign", "verify", "hash") or key.startswith("tree")) and nf.isdigit():
            s += ", %.0f µs CPU per file" % (cpu_a / int(nf) * 1e6)
            if key in ("sign", "verify", "tree-sign") and r["floor"]:
                s += " (RSA-2048 %s alone: %.0f µs, openssl speed)" % (key.replace("tree-", ""), r["floor"] * 1e6)
        if r["sb"] == "machine floor":
            s += ("; ratio = floor / ima-test, the share of the machine's limit reached "
                  "(1.0 = at the floor; the floor row is measured beside each run)")
        if key in ("sign", "verify", "hash", "big-evm", "big-dgst", "tree-hash-evm",
                   "tree-sign") and cpu_a > 0:
            s += "; CPU-time ratio %s/ima-test %.2fx" % (
                "openssl dgst" if key == "big-dgst" else "evmctl", cpu_b / cpu_a)
        busy = cpu_a / a["med"] if a["med"] else 0
        if key in ("sign", "verify", "tree-sign") and ncpu > 1 and busy < 0.8 * ncpu:
            s += ("; ima-test kept only %.2f of %d CPUs busy: other work held the rest "
                  "(see the load average below)" % (busy, ncpu))
        if key in ("sign", "verify") and r["verdict"] == "MISSED":
            s += ("; evmctl is single-threaded, so on %d CPUs the target needs ima-test's CPU per "
                  "file under %.0f%% of evmctl's and every CPU free for it" % (ncpu, 100.0 * ncpu / r["target"]))
        if key == "big-ssl":
            s += ("; CPU-time ratio vs openssl %.2fx. The limit is openssl's compression rate on a "
                  "cached 16 KiB buffer; a file path must also bring %s MiB through memory (the "
                  "read() copy is the sys share): compare openssl's own file path, the 'openssl "
                  "dgst' row, and bench/NOTES.md" % (b["med"] / cpu_a if cpu_a else 0, BIG_MB))
        return s
    if r["kind"] == "memory":
        return ("peak RSS (ru_maxrss) of one run each: ima-test %.1f MiB, %s %.1f MiB; ratio = "
                "%s / ima-test" % (a["med"] / 1024, r["sb"], b["med"] / 1024, r["sb"]))
    if r["kind"] == "cost":
        p = r["pairs"]
        noise = (r["b"]["hi"] - r["b"]["lo"]) / r["b"]["med"] if r["b"]["med"] else 0
        s = "baseline per-boot values spread %.1f%% (min–max)" % (100 * noise)
        if len(p) < 3:
            return s + "; fewer than 3 boot pairs: too few to judge a 1% difference"
        if min(p) <= 1.0 <= max(p):
            return s + ("; per-boot-pair ratios %.3f–%.3f straddle 1.0: no cost distinguishable "
                        "from TCG noise" % (min(p), max(p)))
        if min(p) > 1.0:
            s += ("; every boot pair has the %s kernel slower (%.3f–%.3f): "
                  "a consistent cost on this path" % (r["sa"], min(p), max(p)))
            if r["key"].startswith("kwopen") or r["key"].startswith("kwrite"):
                s += (". The series adds might_lock(&inode->i_rwsem) and "
                      "lockdep_assert_none_held_once() to every writable close; with lockdep "
                      "built in (see the lock debugging line) might_lock() runs lockdep's "
                      "validation, without it both compile to nothing")
            return s
        return s + "; every boot pair has the %s kernel faster (%.3f–%.3f)" % (r["sa"], min(p), max(p))
    return None


def code_note(outdir):
    """What bench/kernel-code.sh found differing between the two
    production-config kernels on the timed paths (kernel-code-prod.txt)."""
    try:
        with open(os.path.join(outdir, "kernel-code-prod.txt")) as f:
            lines = [l.split() for l in f if l[:1] not in (" ", "")]
    except OSError:
        return "the machine code of the two kernels was not compared in this run"
    diff = [l[0] for l in lines if len(l) > 1 and l[1] != "same"]
    return ("machine code on the timed paths: %d of %d functions the same in both kernels; "
            "differing: %s (kernel-code-prod.txt), so a difference elsewhere is code placement"
            % (len(lines) - len(diff), len(lines), ", ".join(diff) or "none"))


def notes(rows, outdir):
    out = ["", "Notes:"]
    by_key = {r["key"]: r for r in rows}
    for r in rows:
        head = "- %s (%s vs %s)" % (r["title"], r["sa"], r["sb"])
        ro = by_key.get("kro" + r["key"][len("kopen"):]) if r["key"].startswith("kopen") else None
        if ro and r["verdict"] == "MISSED" and ro["ratio"]:
            head += (" [close() alone on the same file: %.3f, so the difference is in open(), "
                     "where the series changes no code (code layout under TCG?)]" % ro["ratio"])
        if r["key"].startswith("pk") and r["verdict"] == "MISSED":
            head += " [%s]" % code_note(outdir)
        if r["op"] is not None:
            head += ": target ratio %s %g %s" % (r["op"], r["target"], r["verdict"])
        w = why(r)
        out.append(head + ("; " + w if w else ""))
    ctx = os.path.join(outdir, "context.txt")
    if os.path.exists(ctx):
        with open(ctx) as f:
            out += ["- " + line.rstrip() for line in f if line.strip()]
    extra = os.path.join(os.path.dirname(os.path.abspath(__file__)), "NOTES.md")
    if os.path.exists(extra) and any(r["verdict"] == "MISSED" for r in rows):
        out.append("- analysis of missed targets (profiles): bench/NOTES.md")
    if not any(r["key"].startswith(("k", "pk", "ck")) for r in rows):
        out.append("- kernel rows not measured in this run (BENCH_VM=0 or BENCH_QUICK=1)")
    out.append("- A = ima-test or the patched kernel, B = the reference; runs interleaved A B A B ...;"
               " speed ratio = median B / median A (higher is better for A); kernel ratio ="
               " median A / median B over per-boot medians (lower is better, 1.0 = no cost).")
    return out


PANEL = """
set title '%(title)s'
%(yscale)s
plot '%(dat)s' using 0:2:xtic(1) with boxes title 'ratio', \\
     '' using 0:2:3:4 with yerrorbars lc rgb 'black' pt 0 notitle, \\
     '' using 0:5 with points pt 7 ps 1.5 lc rgb 'red' title 'target (%(op)s)'%(extra)s
"""


def chart(rows, outdir):
    """Ratios as bars, per-pair min-max as whiskers, targets as points: one
    panel for the host (log scale), one for the VM."""
    panels = []
    for kind, title, yscale, op, extra in (
            ("speed", "host: times faster than the reference (log)",
             "set logscale y\nset yrange [*:*]", "≥", ""),
            ("cost", "VM: patched / baseline median latency",
             "unset logscale y\nset yrange [0.8:1.2]", "≤", ", 1 with lines lc rgb 'gray' notitle")):
        sel = [r for r in rows if r["kind"] == kind and r["ratio"] is not None]
        if not sel:
            continue
        dat = os.path.join(outdir, "bench-%s.dat" % kind)
        with open(dat, "w") as f:
            for r in sel:
                p = r["pairs"] or [r["ratio"]]
                f.write('"%s" %.6f %.6f %.6f %s\n' % (
                    r["key"], r["ratio"], min(p), max(p),
                    "%.6f" % r["target"] if r["target"] else "NaN"))
        panels.append(PANEL % dict(title=title, yscale=yscale, dat=dat, op=op, extra=extra))
    png = os.path.join(outdir, "bench.png")
    script = ("set terminal pngcairo size %d,480 font ',10'\n" % (550 * len(panels)) +
              "set output '%s'\n" % png +
              "set style fill solid 0.6 border -1\nset boxwidth 0.6\nset grid y\n"
              "set key top right\nset xtics rotate by -30\nset xrange [-0.6:*]\n"
              "set multiplot layout 1,%d title 'ima-fput bench: ratio of medians (bars), "
              "per-pair min–max (whiskers), targets (points)'\n" % len(panels) +
              "".join(panels) + "unset multiplot\n")
    gp = os.path.join(outdir, "bench.gp")
    with open(gp, "w") as f:
        f.write(script)
    p = subprocess.run(["gnuplot", gp], capture_output=True, text=True)
    if p.returncode != 0 or not os.path.exists(png):
        sys.stderr.write("bench: gnuplot failed:\n" + p.stderr)
        return False
    return True


def main():
    samples, outdir = sys.argv[1], sys.argv[2]
    rows = build(load(samples))
    if not rows:
        sys.stderr.write("bench: no complete comparison in %s\n" % samples)
        return 2
    text = "\n".join(["## ima-fput bench", ""] + table(rows) + notes(rows, outdir)) + "\n"
    with open(os.path.join(outdir, "bench.md"), "w") as f:
        f.write(text)
    sys.stdout.write(text)
    return 0 if chart(rows, outdir) else 2


if __name__ == "__main__":
    sys.exit(main())
