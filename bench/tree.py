"""Whole-tree rows of the host benchmark (imported by bench/host.py).

A generated tree shaped like a Debian 12 root: BENCH_TREE_FILES files
(default 8000) whose sizes are log-uniform between 64 B and 256 KiB (about
250 MB in all, the file count and volume of a Debian 12 root), spread over
directories two to four levels deep.  On it, in the same run:
  tree-hash   ima-test hash -r, evmctl ima_hash -r, find | xargs -P2 openssl
              dgst, and the machine's floor for the tree
  tree-sign   ima-test sign -r, evmctl ima_sign -r
  tree-audit  ima-test audit -r against the floor
  tree-ready  ima-test ready (policy: appraise fowner=0) against the floor
  tree-big    hash -r of the same tree plus one BENCH_TREE_BIG_MB file
              (default 1024) that the walk reaches last, against its floor
  file-floor  hash of the single large file against the single-core floor
The floor is measured in each run, beside the commands: the sha256 rate of
openssl speed, the page-cache copy rate and the per-file system-call cost
(bench/floor.c).  A tree cannot go faster than
    (bytes * (1/hash rate + 1/copy rate) + files * per-file cost) / CPUs
nor faster than its largest file on one CPU.
"""
import math
import os
import random
import subprocess


def make_tree(root, n, seed=12):
    """n files, log-uniform 64 B..256 KiB, in nested directories; returns
    (bytes, largest)."""
    rng = random.Random(seed)
    total = 0
    for i in range(n):
        parts = ["d%02d" % (i % 23), "s%02d" % (i // 23 % 11)]
        if i % 3 == 0:
            parts += ["t%d" % (i % 7)]
        if i % 9 == 0:
            parts += ["u%d" % (i % 5)]
        d = os.path.join(root, *parts)
        os.makedirs(d, exist_ok=True)
        size = int(math.exp(rng.uniform(math.log(64), math.log(256 << 10))))
        with open(os.path.join(d, "f%05d" % i), "wb") as f:
            f.write(os.urandom(size))
        total += size
    return total, 256 << 10


def add_big(root, mib):
    """One mib MiB file that sorts after everything else in the walk."""
    d = os.path.join(root, "zz")
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "zz-big")
    with open(path, "wb") as f:
        chunk = os.urandom(1 << 20)
        for _ in range(mib):
            f.write(chunk)
            chunk = chunk[1:] + chunk[:1]
    return path


class Floor:
    """The machine's floor, measured each time it is called."""

    def __init__(self, floor_bin, openssl_time, big, attr):
        self.bin, self.openssl_time, self.big, self.attr = floor_bin, openssl_time, big, attr
        self.last = {}

    def measure(self, tree):
        hash_s, _, _, st, _ = self.openssl_time(1 << 30)
        r = subprocess.run([self.bin, "read", self.big], capture_output=True, text=True)
        f = subprocess.run([self.bin, "files", tree, self.attr], capture_output=True, text=True)
        try:
            copy_s = (1 << 30) / float(r.stdout.split()[1])
            per_file = float(f.stdout.split()[3]) * 1e-9
        except (IndexError, ValueError):
            return None
        if st != "ok" or r.returncode or f.returncode or hash_s <= 0:
            return None
        self.last = dict(byte_s=(hash_s + copy_s) / (1 << 30), hash_s=hash_s / (1 << 30),
                         copy_s=copy_s / (1 << 30), per_file=per_file)
        return self.last

    def subject(self, tree, nbytes, nfiles, largest, ncpu, what="tree"):
        """A callable for interleave(): the floor in seconds, in timed()'s shape."""
        def run():
            m = self.measure(tree)
            if not m:
                return 0.0, 0.0, 0.0, "floor-not-measured", ""
            one = nbytes * m["byte_s"] + nfiles * m["per_file"]
            if what == "file":
                return nbytes * m["byte_s"], 0.0, 0.0, "ok", ""
            return max(one / ncpu, largest * m["byte_s"]), 0.0, 0.0, "ok", ""
        return run


def run(interleave, samples, log, tool, evmctl, openssl, xu_tool, xu_evm, key, pem,
        scratch, big, big_mb, floor_bin, openssl_time, nfiles, big_tree_mb, context):
    """All the tree rows; returns nothing (samples are written)."""
    ncpu = os.cpu_count() or 1
    tree = os.path.join(scratch, "root")
    nbytes, largest = make_tree(tree, nfiles)
    attr = "user.ima" if xu_tool else "security.ima"
    context("tree: %d files, %.0f MB, log-uniform 64 B-256 KiB, 2-4 levels deep; "
            "the floor divides by %d CPUs" % (nfiles, nbytes / 1e6, ncpu))
    log("tree: %d files, %.0f MB in %s" % (nfiles, nbytes / 1e6, tree))
    floor = Floor(floor_bin, openssl_time, big, attr)
    fl = floor.subject(tree, nbytes, nfiles, largest, ncpu)

    interleave(samples, "tree-sign", [
        ("ima-test", [tool, "sign", "-r", "--key", key] + xu_tool + [tree]),
        ("evmctl", [evmctl, "ima_sign", "-r", "--key", key] + xu_evm + [tree])])
    interleave(samples, "tree-audit", [
        ("ima-test", [tool, "audit", "-r", "--cert", pem] + xu_tool + [tree]),
        ("floor", fl)])
    # appraise_tcb leaves tmpfs (where the bench runs) unappraised: the
    # rule of it that covers a root filesystem's files, on every file
    policy = os.path.join(scratch, "ready.policy")
    with open(policy, "w") as f:
        f.write("appraise fowner=0\n")
    # the tree is signed, so write opens (which enforce refuses for signed
    # files) are left out of the model: the row times a passing check
    ready = [tool, "ready", "--access", "read,exec,mmap", "--policy", policy,
             "--cert", pem] + xu_tool + [tree]
    interleave(samples, "tree-ready", [("ima-test", ready), ("floor", fl)])
    interleave(samples, "tree-hash", [
        ("ima-test", [tool, "hash", "-r"] + xu_tool + [tree]),
        ("evmctl", [evmctl, "ima_hash", "-r"] + xu_evm + [tree]),
        ("pipeline", ["bash", "-c", 'find "$1" -type f -print0 | xargs -0 -P2 -n 64 '
                      '"$0" dgst -sha256', openssl, tree]),
        ("floor", fl)])
    m = floor.last
    if m:
        context("floor (last run): sha256 %.0f MB/s (openssl speed), page-cache copy %.0f MB/s, "
                "%.1f µs per file for openat+fstat+fgetxattr+fsetxattr+close"
                % (1e-6 / m["hash_s"], 1e-6 / m["copy_s"], m["per_file"] * 1e6))
    interleave(samples, "file-floor", [
        ("ima-test", [tool, "hash"] + xu_tool + [big]),
        ("floor", floor.subject(tree, big_mb << 20, 1, big_mb << 20, ncpu, what="file"))])

    bigpath = add_big(tree, big_tree_mb)
    context("tree-big: the tree plus one %d MiB file, last in the walk's order" % big_tree_mb)
    nb = nbytes + (big_tree_mb << 20)
    interleave(samples, "tree-big", [
        ("ima-test", [tool, "hash", "-r"] + xu_tool + [tree]),
        ("floor", floor.subject(tree, nb, nfiles + 1, big_tree_mb << 20, ncpu))])
    os.unlink(bigpath)
    return tree
