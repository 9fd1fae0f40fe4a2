#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The commands README.md and Documentation/security/ima-fput.rst quote run.

Every code block of both documents (README: ``` fences; rst: the literal
blocks after "::") is classified in BLOCKS below by a piece of its first
line; a block that is not is a failure, so a new or edited block cannot go
unchecked by accident.  A block is

  session FIXTURE  "$ command" lines (or "# command" in README), each
                   followed by the output the document shows; the command
                   runs in FIXTURE's directory and must print that output,
                   compared line by line after hex strings of 8 or more
                   digits are masked; a line "..." stands for any lines;
                   "(exit status N)" is the exit status shown (else 0)
  script FIXTURE   commands (a line ending in "\\" or followed by lines
                   starting with "<" continues); other lines are the output
                   of the command before them, compared as for a session
                   when there are any; each must exit 0 or the status shown
  policy           IMA policy rules: ima-test ready must accept them
  skip REASON      not run here, for REASON

Commands run in order in one directory per fixture, under $TMPDIR (where
root can set security.ima, and evmctl can read the inode generation; $SHM
is a directory on tmpfs), with
ima-test on PATH.  REWRITE maps the
paths of the document to that directory.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
README = "README.md"
RST = "Documentation/security/ima-fput.rst"

DEBIAN = ("the procedure on a Debian 12 system, as root: tests/system/debian.sh runs it in the guest "
          "and tests/host/debian-procedure.t keeps it the same as the document's")
VM = "needs a VM: it boots a kernel (the VM suites and make demo run it)"
BLOCKS = [
    # (document, piece of the first line, kind, argument)
    (README, "make demo     # build", "skip", "builds and boots everything: this is make demo and make check"),
    (README, "== pre-flight: what would enforce deny? ==", "skip", "output of make demo, in a VM under ima_appraise=enforce"),
    (README, "make deb ", "skip", "builds and installs the package: tests/host/deb.t"),
    (README, "install -D -m 0644 ima.der /etc/keys/ima/ima.der", "skip", DEBIAN),
    (README, "mount -o ro /dev/vdb /media/ima-key", "skip", DEBIAN),
    (README, "$ ima-test sign --key ima.key --cert ima.pem bin/tool", "session", "tour"),
    (README, "$ ima-test audit -r --cert ima.pem", "session", "tour"),
    (README, "$ cat policy", "session", "tour"),
    (README, "# ima-test keys add /mnt/keys/ima.pem", "skip",
     "changes root's _ima keyring and needs the kernel's X.509 key type: tests/tool/keys.t"),
    (README, "$ ima-test sign --key 'pkcs11:token=release", "session", "pkcs11"),
    (README, "$ ima-test sign --evm --key evm.key", "session", "tour"),
    (README, "# close-check in /mnt/evm/cc", "skip", "TAP of a VM suite (build/vm-tests/evm-*.t)"),
    (README, "# cat /mnt/tamper/data", "skip", "a denial under enforce, in a VM (tests/vm/evm-tamper.t)"),
    (README, "vm/run-suite.sh --kernel", "skip", VM),
    (RST, "iint->mutex  ->  inode->i_rwsem", "skip", "not a command: a lock order"),
    (RST, "inode->i_rwsem  ->  mm->mmap_lock", "skip", "not a command: a lock order"),
    (RST, "ima_update_xattr: dev=", "skip", "tracepoint output, from a VM"),
    (RST, "WARNING: ", "skip", "a kernel warning, from a VM"),
    (RST, "dont_appraise fsmagic=0x9fa0", "policy", None),
    (RST, "find / -xdev -type f -uid 0", "skip", "labels the running system through the kernel's fix mode"),
    (RST, "ima-test keys add /etc/keys/ima.pem", "skip",
     "changes root's _ima keyring and needs the kernel's X.509 key type: tests/tool/keys.t"),
    (RST, "# ima-test ready --access read,exec,mmap --cert /mnt/keys/ima.pem /mnt", "skip",
     "output of make demo, in a VM (tests/vm/suites/demo-fix.sh)"),
    (RST, "find ROOT -xdev -type f -uid 0", "skip",
     "placeholders (ROOT, ELF-FILES): tests/system/ runs these steps"),
    (RST, "dont_appraise fsmagic=...", "skip", "a placeholder for the appraise_tcb exclusions"),
    (RST, "install -D -m 0644 ima.der /etc/keys/ima/ima.der", "skip", DEBIAN),
    (RST, "mount -o ro /dev/vdb /media/ima-key", "skip", DEBIAN),
    (RST, "ima-test sign --verity --key ima.key --cert ima.pem /usr/local/bin/tool", "skip",
     "enables fs-verity and writes the policy of a running kernel: build/vm-tests/verity-*.t run it"),
    (RST, "echo 'deb [trusted=yes] file:/srv/ima-repo ./'", "skip", DEBIAN),
    (RST, "ima-test audit --format keylime --cert /etc/keys/ima/ima.der", "skip", DEBIAN),
    (RST, "apt-get install -y --no-install-recommends linux-image-6.12.118", "skip", DEBIAN),
    (RST, "(umask 0077 && head -c 32 /dev/urandom > /etc/keys/kmk-user.blob)", "skip",
     "makes EVM keys in /etc/keys and the kernel's keyrings of a Debian 12 system, as root: "
     "tests/system/debian.sh runs it"),
    (RST, "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ima.key", "script", "signing"),
    (RST, "ima-test sign --key ima.key --cert ima.pem /usr/local/bin/tool", "script", "signing"),
    (RST, "(cd stage && sha256sum ./usr/bin/*) > manifest", "script", "pkcs11-rst"),
    (RST, "# ima-test audit -r --cert /mnt/keys/ima.pem /mnt", "skip", "output of make demo, in a VM under enforce"),
    (RST, "type=1800 ... op=appraise_data", "skip", "a kernel audit record"),
    (RST, "# ima-test log", "skip", "reads the running kernel's measurement list and TPM (tests/vm)"),
    (RST, "ima-test audit -r --format keylime", "skip", "a measured, then edited, file on a machine with a TPM (tests/vm/quote.t)"),
    (RST, "ima-test log --reference", "skip", "reads the running kernel's measurement list and TPM (tests/vm)"),
    (RST, "chroot ROOT ima-test audit", "skip", "a placeholder ROOT: tests/system/ runs this step"),
    (RST, "tpm2_createek -c ek.ctx", "skip", "needs a TPM: tests/vm/quote.t"),
    (RST, "nonce=$(openssl rand -hex 20)", "skip", "one step of the quote flow, which needs a TPM: tests/vm/quote.t"),
    (RST, "tpm2_quote -c ak.ctx", "skip", "needs a TPM: tests/vm/quote.t"),
    (RST, "$ ima-test log --list bin_sha1 --list bin_sha256 --quote", "skip",
     "a quote from a TPM: tests/vm/quote.t and tests/tool/quote.t"),
    (RST, "quote.msg: quote-nonce", "skip", "output of a replayed quote: tests/tool/quote.t"),
    (RST, "keyctl padd user kmk @u", "skip", "loads an EVM key into the running kernel and turns EVM on"),
    (RST, "ima-test sign --evm --key evm.key --cert evm.pem /usr/local/bin/tool", "script", "signing"),
]

# Fixture directories: what exists before the first block, and between blocks
# (keyed by the block's piece), as shell run in the directory.
FIXTURE_SETUP = {
    "tour": """
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ima.key 2>/dev/null
        openssl req -x509 -new -key ima.key -out ima.pem -days 30 -subj '/CN=ima' \\
            -addext subjectKeyIdentifier=hash 2>/dev/null
        openssl x509 -in ima.pem -outform der -out ima.der
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out evm.key 2>/dev/null
        openssl req -x509 -new -key evm.key -out evm.pem -days 30 -subj '/CN=evm' \\
            -addext subjectKeyIdentifier=hash 2>/dev/null
        openssl x509 -in evm.pem -outform der -out evm.der
        head -c 32 /dev/urandom | od -An -tx1 -v | tr -d ' \\n' >evm.hex
        mkdir bin etc
        printf '#!/bin/sh\\necho tool\\n' >bin/tool
        printf '#!/bin/sh\\necho helper\\n' >bin/helper
        chmod 755 bin/tool bin/helper
        echo 'setting = 1' >etc/app.conf
        echo 'other = 2' >etc/stale.conf
        printf 'appraise func=BPRM_CHECK appraise_type=imasig\\nappraise fowner=0\\n' >policy
        mkdir "$SHM/tour" && cp -a bin "$SHM/tour/"
    """,
    "pkcs11": """
        . "$TOP/tests/tool/softhsm.sh"
        softhsm_setup "$PWD/hsm" && softhsm_token release || exit 1
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ima.key 2>/dev/null
        openssl req -x509 -new -key ima.key -out ima.pem -days 30 -subj '/CN=release' \\
            -addext subjectKeyIdentifier=hash 2>/dev/null
        softhsm_import release ima ima.key 01 || exit 1
        printf '%s' "$SOFTHSM_PIN" >pin
        printf '%s' 0000 >wrong-pin
        mkdir -p stage/usr/bin
        printf '#!/bin/sh\\necho "$@"\\n' >stage/usr/bin/echo
        printf '#!/bin/sh\\nexit 0\\n' >stage/usr/bin/true
    """,
    "pkcs11-rst": """
        . "$TOP/tests/tool/softhsm.sh"
        softhsm_setup "$PWD/hsm" && softhsm_token release || exit 1
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ima.key 2>/dev/null
        openssl req -x509 -new -key ima.key -out ima.pem -days 30 -subj '/CN=release' \\
            -addext subjectKeyIdentifier=hash 2>/dev/null
        softhsm_import release ima ima.key 01 || exit 1
        printf '%s' "$SOFTHSM_PIN" >pin
        printf '%s' 0000 >wrong-pin
        mkdir -p stage/usr/bin
        printf '#!/bin/sh\\necho "$@"\\n' >stage/usr/bin/echo
        printf '#!/bin/sh\\nexit 0\\n' >stage/usr/bin/true
        cp -r stage root && echo changed >>root/usr/bin/echo
    """,
    "signing": """
        mkdir -p usr/local/bin && printf '#!/bin/sh\\necho tool\\n' >usr/local/bin/tool
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out evm.key 2>/dev/null
        openssl req -x509 -new -key evm.key -out evm.pem -days 30 -subj '/CN=evm' \\
            -addext subjectKeyIdentifier=hash 2>/dev/null
        openssl x509 -in evm.pem -outform der -out evm.der
    """,
}
BETWEEN = {
    # "here after one file was changed and one never labelled" (bin/helper)
    "$ ima-test audit -r --cert ima.pem": "echo 'other = 3' >>etc/stale.conf",
    "$ cat policy": "echo 'new = 1' >etc/new.conf",
}
# Commands each fixture needs, else its blocks are skipped.
NEEDS = {"pkcs11": ["softhsm2-util", "p11-kit"], "pkcs11-rst": ["softhsm2-util", "p11-kit"]}
# {dir} is the fixture's directory.
REWRITE = {
    "pkcs11": [("file:/tmp/doc/", "file:{dir}/")],
    "pkcs11-rst": [("file:/etc/pin", "file:{dir}/pin"), ("--root /mnt", "--root root")],
    "signing": [("/usr/local/bin/tool", "usr/local/bin/tool")],
    # "on tmpfs": a copy of bin/ under /dev/shm
    "tour": [("ima-test ready --policy builtin:appraise_tcb -v bin",
              'cd "$SHM/tour" && ima-test ready --policy builtin:appraise_tcb -v bin')],
}


def tap_ok(n, good, desc, diag=""):
    print("%s %d - %s" % ("ok" if good else "not ok", n, desc))
    if not good and diag:
        for line in diag.rstrip("\n").split("\n"):
            print("#   " + line)
    return good


def readme_blocks(path):
    """(line, lines) of each ``` fenced block."""
    out, cur, start = [], None, 0
    with open(path) as f:
        for i, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("```"):
                if cur is None:
                    cur, start = [], i + 1
                else:
                    out.append((start, cur))
                    cur = None
            elif cur is not None:
                cur.append(line)
    return out


def rst_blocks(path):
    """(line, lines) of each literal block: the indented lines after a
    paragraph ending in "::", dedented."""
    with open(path) as f:
        lines = [l.rstrip("\n") for l in f]
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        if line.endswith("::") and not line.lstrip().startswith(".. "):
            base = len(line) - len(line.lstrip())
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            body, start = [], j + 1
            ind = len(lines[j]) - len(lines[j].lstrip()) if j < len(lines) else 0
            if ind > base:
                while j < len(lines) and (not lines[j].strip() or
                                          len(lines[j]) - len(lines[j].lstrip()) >= ind):
                    body.append(lines[j][ind:])
                    j += 1
                while body and not body[-1].strip():
                    body.pop()
                if not line.lstrip().startswith(".. list-table"):
                    out.append((start, body))
            i = j
        else:
            i += 1
    return out


def classify(doc, lines):
    first = next((l for l in lines if l.strip()), "")
    for d, piece, kind, arg in BLOCKS:
        if d == doc and first.strip().startswith(piece.strip()):
            return piece, kind, arg
    return None, None, None


def mask(line):
    # (evmctl prints a keyid without its leading zeros)
    return re.sub(r"[0-9a-f]{8,}|(?<=key 1: )[0-9a-f]{1,8}\b", "<hex>", line.rstrip())


def shape_matches(want, got):
    """want may hold "..." lines, each standing for any number of lines.
    Without them, the same lines in another order match too: tree walks
    report files in the order their threads finish."""
    w = [mask(l) for l in want]
    g = [mask(l) for l in got]
    pat = "".join(".*?" if l == "..." else re.escape(l + "\n") for l in w)
    if re.fullmatch(pat, "".join(l + "\n" for l in g), re.S):
        return True
    return "..." not in w and sorted(w) == sorted(g)


def session_steps(lines, prompt_re):
    """[(command, [output lines], exit status)] of a session block."""
    steps = []
    for line in lines:
        m = re.match(prompt_re, line)
        if m:
            steps.append([m.group(1), [], 0])
        elif steps:
            m = re.fullmatch(r"\s*\(exit status (\d+)\)", line)
            if m:
                steps[-1][2] = int(m.group(1))
            else:
                steps[-1][1].append(line)
    return steps


def script_steps(lines):
    steps = []
    for line in lines:
        cont = steps and (steps[-1][0].endswith("\\") or line[:1] in (" ", "\t", "<"))
        if cont and (steps[-1][0].endswith("\\") or line.lstrip().startswith("<")):
            steps[-1][0] = steps[-1][0].rstrip("\\").rstrip() + " " + line.strip()
        elif steps and re.fullmatch(r"\s*\(exit status (\d+)\)", line):
            steps[-1][2] = int(re.search(r"\d+", line).group(0))
        elif re.match(r"[a-z(]", line):
            steps.append([line, [], 0])
        elif steps:
            steps[-1][1].append(line)
    return steps


def patch_citations():
    """Each patch the documents cite as NNNN-start-of-its-name names the
    file kernel/series lists under that number (kernel/broken/ aside; 0000
    is the cover letter)."""
    with open(os.path.join(TOP, "kernel/series")) as f:
        series = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    series.append("0000-cover-letter.patch")
    out = []
    for doc in (README, RST, "tools/ima-test/ima-test.8"):
        with open(os.path.join(TOP, doc)) as f:
            text = f.read()
        cites = [c for c in re.findall(r"(?<![/\w])(\d{4}-[a-z][a-z0-9_]*(?:-[a-z0-9_]+)*)", text)
                 if not re.fullmatch(r"\d{4}-bytes?", c)]
        bad = [c for c in cites if not any(p.startswith(c) for p in series)]
        out.append((not bad, "%s: its %d citations of patches name files of kernel/series" %
                    (doc, len(cites)), "not in kernel/series: " + ", ".join(sorted(set(bad)))))
    return out


def run(cmd, cwd, env):
    p = subprocess.run(["bash", "-c", cmd], cwd=cwd, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=300)
    return p.returncode, p.stdout.decode(errors="replace")


def main():
    tool = os.environ.get("IMA_TEST", os.path.join(TOP, "tools/ima-test/ima-test-asan"))
    if not os.access(tool, os.X_OK):
        print("1..0 # SKIP %s not built (make -C tools/ima-test check-build)" % tool)
        return 0
    for need in ("openssl", "evmctl", "setfattr"):
        if not shutil.which(need):
            print("1..0 # SKIP %s not installed (install-deps.sh)" % need)
            return 0
    base = tempfile.mkdtemp(prefix="doc-commands.")
    shm = tempfile.mkdtemp(prefix="doc-commands.", dir="/dev/shm")
    try:
        probe = os.path.join(base, "probe")
        open(probe, "w").close()
        try:
            os.setxattr(probe, "security.ima", b"\x01")
        except OSError as e:
            print("1..0 # SKIP cannot set security.ima in %s (%s): run as root" % (base, e.strerror))
            return 0
        return check(tool, base, shm)
    finally:
        shutil.rmtree(base, ignore_errors=True)
        shutil.rmtree(shm, ignore_errors=True)


def check(tool, base, shm):
    bindir = os.path.join(base, "bin")
    os.mkdir(bindir)
    os.symlink(os.path.abspath(tool), os.path.join(bindir, "ima-test"))
    env = dict(os.environ, PATH=bindir + ":" + os.environ["PATH"], LC_ALL="C", SHM=shm, TOP=TOP)
    blocks = [(README, l, b) for l, b in readme_blocks(os.path.join(TOP, README))]
    blocks += [(RST, l, b) for l, b in rst_blocks(os.path.join(TOP, RST))]
    tests = []  # (desc, fn)
    fixtures = {}
    seen = set()

    def fixture_dir(name):
        if name not in fixtures:
            d = os.path.join(base, name)
            os.mkdir(d)
            fenv = dict(env, SOFTHSM2_CONF=os.path.join(d, "hsm", "softhsm2.conf"))
            if name.startswith("pkcs11"):
                # libp11's engine leaks at exit, in a module unloaded by then
                # (tests/tool/pkcs11.t checks the tool's own leaks)
                fenv["ASAN_OPTIONS"] = "detect_leaks=0"
            rc, out = run(FIXTURE_SETUP[name], d, fenv)
            if rc:
                raise RuntimeError("fixture %s: %s" % (name, out))
            fixtures[name] = (d, fenv)
        return fixtures[name]

    n = 0
    results = []
    for doc, line, body in blocks:
        piece, kind, arg = classify(doc, body)
        where = "%s:%d" % (doc, line)
        if kind is None:
            results.append((False, "%s: a block nobody classified (add it to BLOCKS in %s)" %
                            (where, os.path.basename(__file__)), "\n".join(body[:3])))
            continue
        seen.add((doc, piece))
        if kind == "skip":
            results.append((None, "%s: %s" % (where, body[0].strip()[:60]), arg))
            continue
        if kind == "policy":
            d = os.path.join(base, "policy-%d" % line)
            os.makedirs(os.path.join(d, "root"))
            with open(os.path.join(d, "policy"), "w") as f:
                f.write("\n".join(body) + "\n")
            rc, out = run("ima-test ready --evm-state none --policy policy root", d, env)
            results.append((rc == 0, "%s: the policy parses (ima-test ready exit %d)" % (where, rc), out))
            continue
        missing = [c for c in NEEDS.get(arg, []) if not shutil.which(c)]
        if missing:
            results.append((None, "%s: %s" % (where, body[0].strip()[:60]),
                            "%s not installed (install-deps.sh)" % ", ".join(missing)))
            continue
        d, fenv = fixture_dir(arg)
        if piece in BETWEEN:
            run(BETWEEN[piece], d, fenv)
        steps = session_steps(body, r"[$#] (.*)$") if kind == "session" else script_steps(body)
        for cmd, want, status in steps:
            shown = cmd
            for a, b in REWRITE.get(arg, []):
                cmd = cmd.replace(a, b.replace("{dir}", d))
            cmd = re.sub(r"\s+# .*$", "", cmd)
            rc, out = run(cmd, d, fenv)
            got = out.split("\n")
            if got and got[-1] == "":
                got.pop()
            good = rc == status and (not want and kind == "script" or shape_matches(want, got))
            diag = "exit %d (shown: %d)\n--- shown\n%s\n--- got\n%s" % (
                rc, status, "\n".join(want), out)
            results.append((good, "%s: %s" % (where, shown[:90]), diag))
    results += patch_citations()
    for d, piece, kind, arg in BLOCKS:
        if (d, piece) not in seen:
            results.append((False, "BLOCKS entry matches no block of %s: %s" % (d, piece), ""))
    print("1..%d" % len(results))
    failed = 0
    for good, desc, diag in results:
        n += 1
        if good is None:
            print("ok %d - %s # SKIP %s" % (n, desc, diag))
        else:
            failed += not tap_ok(n, good, desc, diag)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
