#!/usr/bin/env python3
"""Host benchmark: ima-test against evmctl and openssl, same files, same key.

Each comparison runs its commands interleaved (A B A B ...), after one
untimed warm-up of each, and appends one line per timed run to SAMPLES:
    bench  subject  run  value  unit  status  user_s  sys_s
value is wall-clock seconds; status is "ok" or what went wrong (a run that
failed measures nothing and makes its row FAILED in the report).

Usage: host.py SAMPLES  (settings from the environment, see bench/run.sh)
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import tree as tree_rows


def env_int(name, default):
    v = os.environ.get(name, "")
    return int(v) if v.isdigit() and int(v) > 0 else default


QUICK = os.environ.get("BENCH_QUICK") == "1"
RUNS = env_int("BENCH_RUNS", 1 if QUICK else 5)
FILES = env_int("BENCH_FILES", 50 if QUICK else 2000)
BIG_MB = env_int("BENCH_BIG_MB", 8 if QUICK else 200)
SSL_SECONDS = env_int("BENCH_OPENSSL_SECONDS", 1 if QUICK else 3)
LOG_ENTRIES = env_int("BENCH_LOG_ENTRIES", 2000 if QUICK else 100000)
TREE_FILES = env_int("BENCH_TREE_FILES", 60 if QUICK else 8000)
TREE_BIG_MB = env_int("BENCH_TREE_BIG_MB", 8 if QUICK else 1024)
FLOOR = os.environ.get("BENCH_FLOOR", "")
TOOL = os.environ["IMA_TEST"]
EVMCTL = shutil.which("evmctl") or "evmctl"
TIME = "/usr/bin/time"          # GNU time (Debian package time), for peak RSS
OPENSSL = shutil.which("openssl") or "openssl"


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def timed(argv, capture=False):
    """Run argv, output discarded unless captured; (wall s, user s, sys s,
    status, stdout)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    out = p.stdout.read() if capture else b""
    _, wstatus, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(wstatus)
    status = "ok" if p.returncode == 0 else "exit-%d" % p.returncode
    return wall, ru.ru_utime, ru.ru_stime, status, out.decode(errors="replace")


def peak_rss(argv):
    """(peak RSS in KiB, status) of one run of argv, by GNU time: the
    ru_maxrss wait4() reports here would include this Python process's
    own, inherited through fork and kept across execve."""
    with tempfile.NamedTemporaryFile("r") as out:
        p = subprocess.run([TIME, "-f", "%M", "-o", out.name] + argv,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        lines = out.read().split()
    if p.returncode:
        return 0, "exit-%d" % p.returncode
    return (int(lines[-1]), "ok") if lines and lines[-1].isdigit() else (0, "no-rss")


def xattr_dir(base):
    """A scratch dir under base where security.ima (else user.ima) can be set
    by both tools; returns (dir, extra args for ima-test, for evmctl)."""
    d = tempfile.mkdtemp(prefix="ima-fput-bench.", dir=base)
    probe = os.path.join(d, ".probe")
    open(probe, "w").close()
    try:
        os.setxattr(probe, "security.ima", b"\x01")
        args = ([], [])
    except OSError:
        os.setxattr(probe, "user.ima", b"\x01")
        args = (["--xattr-user"], ["--xattr-user"])
    os.unlink(probe)
    return d, args


def fs_type(path):
    """The type of the filesystem holding path, from /proc/self/mounts."""
    best, kind = "", "?"
    with open("/proc/self/mounts") as f:
        for line in f:
            mnt, typ = line.split()[1:3]
            if os.path.realpath(path).startswith(mnt.rstrip("/") + "/") and len(mnt) > len(best):
                best, kind = mnt, "%s %s" % (typ, mnt)
    return kind


def pick_scratch():
    """tmpfs first (no disk noise), then the build directory."""
    for base in (os.environ.get("BENCH_SCRATCH"), "/dev/shm", os.environ["BENCH_OUT"]):
        if not base or not os.path.isdir(base):
            continue
        try:
            return xattr_dir(base)
        except OSError:
            continue
    sys.exit("bench: no scratch directory where security.ima or user.ima can be written")


def make_key(d):
    key, pem, der = (os.path.join(d, n) for n in ("bench.key", "bench.pem", "bench.der"))
    subprocess.run([OPENSSL, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                    "-out", key], check=True, capture_output=True)
    subprocess.run([OPENSSL, "req", "-x509", "-new", "-key", key, "-out", pem, "-days", "2",
                    "-subj", "/CN=ima-fput bench", "-addext", "subjectKeyIdentifier=hash"],
                   check=True, capture_output=True)
    subprocess.run([OPENSSL, "x509", "-in", pem, "-outform", "der", "-out", der],
                   check=True, capture_output=True)
    return key, pem, der


def make_files(d, n, size):
    os.makedirs(d)
    for i in range(n):
        with open(os.path.join(d, "f%05d" % i), "wb") as f:
            f.write(os.urandom(size))


def make_big(path, mib):
    with open(path, "wb") as f:
        chunk = os.urandom(1 << 20)
        for _ in range(mib):
            f.write(chunk)
            chunk = chunk[1:] + chunk[:1]


def openssl_time(nbytes):
    """openssl speed's single-core sha256 rate, expressed as the seconds it
    needs for nbytes; in the shape timed() returns.  -elapsed: divide by wall
    time, as ima-test's runs are timed, so both see the same machine load."""
    argv = [OPENSSL, "speed", "-elapsed", "-evp", "sha256", "-bytes", "16384",
            "-seconds", str(SSL_SECONDS)]
    _, u, s, status, out = timed(argv, capture=True)
    m = re.search(r"^sha256\s+([0-9.]+)k\s*$", out, re.M)
    if status == "ok" and not m:
        status = "unparsed-output"
    if status != "ok":
        return 0.0, u, s, status, out
    rate = float(m.group(1)) * 1000.0   # openssl's 'k' is 1000 bytes/s
    return nbytes / rate, u, s, "ok", out


class Samples:
    def __init__(self, path):
        self.f = open(path, "a")

    def add(self, bench, subject, run, value, status, user=0.0, sys_=0.0, unit="s"):
        self.f.write("%s\t%s\t%d\t%.9f\t%s\t%s\t%.6f\t%.6f\n"
                     % (bench, subject, run, value, unit, status, user, sys_))
        self.f.flush()


def interleave(samples, bench, subjects):
    """subjects: list of (name, argv or callable returning a timed() tuple)."""
    def once(what):
        return what() if callable(what) else timed(what)

    for _, what in subjects:      # warm-up: binaries, page cache, key files
        once(what)
    for run in range(1, RUNS + 1):
        for name, what in subjects:
            r = once(what)
            samples.add(bench, name, run, r[0], r[3], r[1], r[2])
        log("%s: run %d/%d" % (bench, run, RUNS))


def main():
    samples = Samples(sys.argv[1])
    scratch, (xu_tool, xu_evm) = pick_scratch()
    try:
        key, pem, der = make_key(scratch)
        tree = os.path.join(scratch, "tree")
        log("%d files of 4 KiB and one %d MiB file in %s (%s)"
            % (FILES, BIG_MB, scratch, "user.ima" if xu_tool else "security.ima"))
        with open(os.path.join(os.environ["BENCH_OUT"], "context.txt"), "a") as f:
            f.write("host files: %d x 4 KiB and %d MiB on %s (%s), written by both tools\n"
                    % (FILES, BIG_MB, fs_type(scratch), "user.ima" if xu_tool else "security.ima"))
        make_files(tree, FILES, 4096)
        big = os.path.join(scratch, "big")
        make_big(big, BIG_MB)

        evm_verify_loop = ["bash", "-c", 'k=$1 x=$2; shift 2; bad=0; '
                           'for f; do "$0" ima_verify $x --key "$k" "$f" >/dev/null 2>&1 || bad=$((bad+1)); done; '
                           '[ $bad = 0 ]', EVMCTL, der, " ".join(xu_evm)]
        files = sorted(os.path.join(tree, n) for n in os.listdir(tree))

        interleave(samples, "sign-r", [
            ("ima-test", [TOOL, "sign", "-r", "--key", key] + xu_tool + [tree]),
            ("evmctl", [EVMCTL, "ima_sign", "-r", "--key", key] + xu_evm + [tree])])
        interleave(samples, "hash-r", [
            ("ima-test", [TOOL, "hash", "-r"] + xu_tool + [tree]),
            ("evmctl", [EVMCTL, "ima_hash", "-r"] + xu_evm + [tree])])
        # verify what was signed, by each tool against the same certificate
        subprocess.run([TOOL, "sign", "-r", "--key", key] + xu_tool + [tree],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        interleave(samples, "verify-r", [
            ("ima-test", [TOOL, "verify", "-r", "--cert", pem] + xu_tool + [tree]),
            ("evmctl", evm_verify_loop + files)])

        nbytes = BIG_MB << 20
        interleave(samples, "hash-big", [
            ("ima-test", [TOOL, "hash"] + xu_tool + [big]),
            ("evmctl", [EVMCTL, "ima_hash"] + xu_evm + [big]),
            ("openssl", lambda: openssl_time(nbytes)),
            ("openssl-dgst", [OPENSSL, "dgst", "-sha256", big])])
        rsa_floor(samples)
        log_replay(samples, scratch)
        pkcs11_rows(samples, scratch, key, tree, xu_tool, xu_evm)
        if FLOOR:
            def context(line):
                with open(os.path.join(os.environ["BENCH_OUT"], "context.txt"), "a") as f:
                    f.write(line + "\n")
            root = tree_rows.run(interleave, samples, log, TOOL, EVMCTL, OPENSSL, xu_tool, xu_evm,
                          key, pem, scratch, big, BIG_MB, FLOOR, openssl_time, TREE_FILES,
                          TREE_BIG_MB, context)
        if os.environ.get("BENCH_PROFILE", "1") != "0" and shutil.which("perf"):
            profile("hash-big", [TOOL, "hash"] + xu_tool + [big])
            profile("sign-r", [TOOL, "sign", "-r", "--key", key] + xu_tool + [tree])
            profile("verify-r", [TOOL, "verify", "-r", "--cert", pem] + xu_tool + [tree])
            if FLOOR:
                profile("tree-hash", [TOOL, "hash", "-r"] + xu_tool + [root])
                profile("tree-sign", [TOOL, "sign", "-r", "--key", key] + xu_tool + [root])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def log_replay(samples, scratch):
    """A LOG_ENTRIES-entry sha1-format measurement list with sha1 and sha256
    PCR files (tests/tool/loggen.py): both tools check it and replay both
    banks."""
    d = os.path.join(scratch, "log")
    gen = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "tool", "loggen.py")
    subprocess.run([sys.executable, gen, "make", d, "--entries", str(LOG_ENTRIES)], check=True)
    lst, p1, p256 = (os.path.join(d, n) for n in ("bin_sha1", "pcrs_sha1", "pcrs_sha256"))
    log("measurement list of %d entries" % (LOG_ENTRIES + 1))
    subjects = [
        ("ima-test", [TOOL, "log", "--list", lst, "--pcrs", "sha1," + p1, "--pcrs", "sha256," + p256]),
        ("evmctl", [EVMCTL, "ima_measurement", "--pcrs", "sha256," + p256, "--pcrs", "sha1," + p1, lst])]
    interleave(samples, "log-replay", subjects)
    # peak RSS of the same commands: a number to read beside the times, not a timing
    if not os.access(TIME, os.X_OK):
        log("%s not installed (Debian package time): no peak RSS row" % TIME)
        return
    for name, argv in subjects:
        kib, status = peak_rss(argv)
        samples.add("log-replay-rss", name, 1, float(kib), status, unit="KiB")


def pkcs11_rows(samples, scratch, key, tree, xu_tool, xu_evm):
    """The same key on a SoftHSM 2 token: sign -r through it, and sign-hash
    of a manifest, against evmctl with the pkcs11 engine (skipped, with a
    note, where SoftHSM or the engine is missing)."""
    if not shutil.which("softhsm2-util"):
        log("softhsm2-util not installed: no PKCS#11 rows")
        return
    lines = env_int("BENCH_MANIFEST_LINES", 200 if QUICK else 20000)
    hsm = os.path.join(scratch, "hsm")
    os.makedirs(os.path.join(hsm, "tokens"))
    conf = os.path.join(hsm, "softhsm2.conf")
    with open(conf, "w") as f:
        f.write("directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n" % hsm)
    os.environ["SOFTHSM2_CONF"] = conf
    p8 = os.path.join(hsm, "key.p8")
    subprocess.run([OPENSSL, "pkcs8", "-topk8", "-nocrypt", "-in", key, "-out", p8],
                   check=True, capture_output=True)
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "bench",
                    "--pin", "1234", "--so-pin", "5678"], check=True, capture_output=True)
    subprocess.run(["softhsm2-util", "--import", p8, "--token", "bench", "--label", "ima",
                    "--id", "01", "--pin", "1234"], check=True, capture_output=True)
    # ima-test refuses a pin-value on its command line (other users read it
    # in /proc/PID/cmdline): both tools take the PIN from a file, without a
    # newline, which evmctl's libp11 would take as part of the PIN.
    pin = os.path.join(hsm, "pin")
    with open(pin, "w") as f:
        f.write("1234")
    uri = "pkcs11:token=bench;object=ima?pin-source=file:" + pin
    # evmctl needs the keyid; ima-test reads it from the token's public key.
    bits = subprocess.run([OPENSSL, "rsa", "-in", key, "-RSAPublicKey_out", "-outform", "der"],
                          check=True, capture_output=True).stdout
    keyid = hashlib.sha1(bits).hexdigest()[-8:]
    with open(os.path.join(os.environ["BENCH_OUT"], "context.txt"), "a") as f:
        f.write("PKCS#11: SoftHSM 2 token through p11-kit's proxy; ima-test via libp11's engine, "
                "evmctl --engine pkcs11 --keyid %s; %d manifest lines\n" % (keyid, lines))
    interleave(samples, "sign-r-p11", [
        ("ima-test", [TOOL, "sign", "-r", "--key", uri] + xu_tool + [tree]),
        ("evmctl", [EVMCTL, "ima_sign", "-r", "--engine", "pkcs11", "--keyid", keyid,
                    "--key", uri] + xu_evm + [tree])])
    manifest = os.path.join(hsm, "manifest")
    with open(manifest, "w") as f:
        for i in range(lines):
            f.write("%s  ./usr/lib/file%06d\n" % (hashlib.sha256(b"%d" % i).hexdigest(), i))
    feed = ["bash", "-c", 'm=$1; shift; exec "$@" <"$m"', "feed", manifest]
    interleave(samples, "sign-hash-p11", [
        ("ima-test", feed + [TOOL, "sign-hash", "--key", uri]),
        ("evmctl", feed + [EVMCTL, "sign_hash", "--engine", "pkcs11", "--keyid", keyid,
                           "--key", uri])])


def rsa_floor(samples):
    """CPU seconds of one RSA-2048 signature and verification (openssl speed,
    CPU-time divisor): the floor of sign -r and verify -r per file."""
    _, u, s, status, out = timed([OPENSSL, "speed", "-seconds", "1", "rsa2048"], capture=True)
    m = re.search(r"^rsa 2048 bits\s+([0-9.]+)s\s+([0-9.]+)s", out, re.M)
    if status == "ok" and m:
        samples.add("rsa2048", "sign", 1, float(m.group(1)), "ok")
        samples.add("rsa2048", "verify", 1, float(m.group(2)), "ok")


def profile(name, argv):
    """perf record one run of argv; the share of time per DSO and the top
    symbols go to BENCH_OUT/profile-NAME.txt (skipped where perf cannot run)."""
    out = os.environ["BENCH_OUT"]
    data = os.path.join(out, "perf-%s.data" % name)
    rec = subprocess.run(["perf", "record", "-q", "-F", "2999", "-o", data, "--"] + argv,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if rec.returncode != 0 or not os.path.exists(data):
        log("perf record failed for %s; no profile (%s)" % (name, rec.stderr.strip()[:200]))
        return
    with open(os.path.join(out, "profile-%s.txt" % name), "w") as f:
        f.write("# perf record -F 2999 -- %s\n" % " ".join(argv))
        for sort, top in (("dso", 8), ("dso,sym", 25)):
            rep = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children",
                                  "--sort", sort], capture_output=True, text=True)
            lines = [l for l in rep.stdout.splitlines() if l.strip() and not l.startswith("#")]
            f.write("\n## by %s\n" % sort + "\n".join(lines[:top]) + "\n")
    os.unlink(data)
    log("profile of ima-test %s: %s" % (name, f.name))


if __name__ == "__main__":
    main()
