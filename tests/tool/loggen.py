#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Build IMA measurement lists and matching PCR files for the log tests.

  loggen.py make OUTDIR [--entries N] [--spec FILE] [--seed S] [--pcr N]
                       [--no-boot-aggregate] [--template ima-ng|ima-sig]
      OUTDIR/bin_sha1, bin_sha256      binary lists (sha1 / sha256 digests)
      OUTDIR/ascii_sha1, ascii_sha256  the same as ascii lists
      OUTDIR/pcrs_sha1, pcrs_sha256    "PCR-NN: hex" files, PCR 0-23
  The list starts with boot_aggregate (over PCRs 0-9 of sha256; not with
  --no-boot-aggregate); then the entries of --spec (lines "TEMPLATE NAME
  [TYPE:]ALG:HEX [FIELD...]", a FIELD being hex, "-" for an empty field,
  or for evm-sig "EVMSIG NAMES LENGTHS VALUES UID GID MODE" with NAMES a
  string; "violation NAME", "padded TEMPLATE ..." for an entry whose sha256
  digest is its sha1 one zero-padded, or "pcr N ..."), then N generated
  ima-ng entries.  Entries go to PCR 10, or to --pcr N.  A template not
  known here has the fields d-ng and n-ng (binary lists only).
  --template ima-sig writes boot_aggregate, violations and the generated
  entries as the kernel's default template ima-sig does (Debian's
  CONFIG_IMA_DEFAULT_TEMPLATE): with an empty sig field.

  loggen.py mutate IN OUT DSIZE OP ENTRY
      OP: digest (flip a byte of entry ENTRY's file digest), digest-fixed
          (the same, with the template digest recomputed to agree),
          remove, swap (ENTRY and ENTRY+1), truncate (cut inside ENTRY),
          lie (ENTRY's template data length says 1000000 more),
          unviolate (a violation's zero digest replaced by its data's hash),
          nulname (a NUL as the 5th byte of ENTRY's name, the template
          digest recomputed to agree), pcr=N (ENTRY moved to PCR N; ENTRY
          0 moves every entry), template=NAME (ENTRY's template renamed;
          its digest, over the fields, still agrees), cutname=N (ENTRY's
          n-ng name cut to N bytes and its NUL, the template digest
          recomputed; cutname-asis=N: not).  digest also takes an entry of template ima.
      ENTRY is 1-based.  DSIZE is the list's template digest size.

  loggen.py pcr FILE PCR HEX     replace one PCR value in a PCR file
  loggen.py drop FILE PCR...     remove PCR values from a PCR file
"""
import hashlib
import os
import random
import struct
import sys

# How each template's fields look in an ascii list.
KINDS = {
    "ima-ng": ["dng", "str"], "ima-ngv2": ["dng", "str"],
    "ima-sig": ["dng", "str", "hex"], "ima-sigv2": ["dng", "str", "hex"],
    "ima-buf": ["dng", "str", "hex"],
    "ima-modsig": ["dng", "str", "hex", "dng", "hex"],
    "evm-sig": ["dng", "str", "hex", "stropt", "hex", "hex", "u32", "u32", "u16"],
}


def d_ng(alg, digest):
    return alg.encode() + b":\0" + digest


def field(b):
    return struct.pack("<I", len(b)) + b


class Entry:
    def __init__(self, template, fields, pcr=10, violation=False):
        self.template, self.fields, self.pcr = template, fields, pcr
        self.violation = violation
        self.padded = False     # other banks carry the sha1 digest, zero-padded

    def tdata(self):
        return b"".join(field(f) for f in self.fields)

    def hashed(self):
        if self.template == "ima":
            name = self.fields[1]
            return self.fields[0] + name + b"\0" * (256 - len(name))
        return self.tdata()

    def digest(self, alg):
        if self.violation:
            return b"\0" * hashlib.new(alg).digest_size
        if self.padded and alg != "sha1":
            size = hashlib.new(alg).digest_size
            return hashlib.sha1(self.hashed()).digest().ljust(size, b"\0")
        return hashlib.new(alg, self.hashed()).digest()

    def extend_value(self, alg):
        size = hashlib.new(alg).digest_size
        return b"\xff" * size if self.violation else self.digest(alg)

    def binary(self, alg):
        name = self.template.encode()
        out = struct.pack("<I", self.pcr) + self.digest(alg)
        out += struct.pack("<I", len(name)) + name
        if self.template == "ima":
            return out + self.fields[0] + struct.pack("<I", len(self.fields[1])) + self.fields[1]
        t = self.tdata()
        return out + struct.pack("<I", len(t)) + t

    def ascii(self, alg):
        cols = ["%2d" % self.pcr, self.digest(alg).hex(), self.template]
        if self.template == "ima":
            cols += [self.fields[0].hex(), self.fields[1].decode()]
            return (" ".join(cols) + "\n").encode()
        for kind, f in zip(KINDS.get(self.template, ["dng", "str"]), self.fields):
            if kind == "dng" and f:
                a, d = f.split(b"\0", 1)
                cols.append(a.decode() + d.hex())
            elif kind in ("str", "stropt"):
                cols.append(f.rstrip(b"\0").decode())
            elif kind in ("u32", "u16"):
                cols.append(str(int.from_bytes(f, "little")) if f else "")
            else:
                cols.append(f.hex())
        return (" ".join(cols) + "\n").encode()


def spec_field(kind, w):
    w = "" if w == "-" else w
    if kind == "dng" and w:
        a, h = w.rsplit(":", 1)
        return d_ng(a, bytes.fromhex(h))
    if kind == "stropt":
        return w.encode() + b"\0" if w else b""
    if kind in ("u32", "u16"):
        return int(w).to_bytes(4 if kind == "u32" else 2, "little") if w else b""
    return bytes.fromhex(w)


def default_entry(template, digest, name, pcr, violation=False):
    """An entry of the kernel's default template: no signature."""
    fields = [digest, name + b"\0"] + ([b""] if template == "ima-sig" else [])
    return Entry(template, fields, pcr, violation)


def parse_spec(line, pcr=10, template="ima-ng"):
    words = line.split()
    if words[0] == "pcr":
        pcr, words = int(words[1]), words[2:]
    if words[0] == "padded":
        e = parse_spec(" ".join(words[1:]), pcr, template)
        e.padded = True
        return e
    if words[0] == "violation":
        alg = "sha256"
        return default_entry(template, d_ng(alg, b"\0" * 32), words[1].encode(), pcr, True)
    tmpl, name, dig = words[0], words[1], words[2]
    if tmpl == "ima":
        return Entry("ima", [bytes.fromhex(dig.split(":")[1]), name.encode()], pcr)
    fields = [spec_field("dng", dig), name.encode() + b"\0"]
    rest = words[3:]
    for kind in KINDS.get(tmpl, ["dng", "str"])[2:]:
        fields.append(spec_field(kind, rest.pop(0) if rest else ""))
    return Entry(tmpl, fields, pcr)


def make(outdir, entries, spec, seed, pcr=10, boot_aggregate=True, template="ima-ng"):
    rnd = random.Random(seed)
    banks = {"sha1": 20, "sha256": 32}
    pcrs = {a: [bytes(rnd.getrandbits(8) for _ in range(n)) for _ in range(10)] +
            [b"\0" * n] * 14 for a, n in banks.items()}
    agg = hashlib.sha256(b"".join(pcrs["sha256"][:10])).digest()
    log = []
    if boot_aggregate:
        log.append(default_entry(template, d_ng("sha256", agg), b"boot_aggregate", pcr))
    if spec:
        with open(spec) as f:
            log += [parse_spec(l, pcr, template) for l in f
                    if l.strip() and not l.startswith("#")]
    for i in range(entries):
        d = bytes(rnd.getrandbits(8) for _ in range(32))
        log.append(default_entry(template, d_ng("sha256", d), b"/usr/lib/file-%d" % i, pcr))
    os.makedirs(outdir, exist_ok=True)
    for alg in banks:
        with open(os.path.join(outdir, "bin_" + alg), "wb") as f:
            f.write(b"".join(e.binary(alg) for e in log))
        with open(os.path.join(outdir, "ascii_" + alg), "wb") as f:
            f.write(b"".join(e.ascii(alg) for e in log))
        for e in log:
            pcrs[alg][e.pcr] = hashlib.new(alg, pcrs[alg][e.pcr] + e.extend_value(alg)).digest()
        with open(os.path.join(outdir, "pcrs_" + alg), "w") as f:
            for i, v in enumerate(pcrs[alg]):
                f.write("PCR-%02d: %s\n" % (i, v.hex()))


def split(data, dsize):
    """Offsets (start, data_len_offset, end) of each binary entry."""
    out, p = [], 0
    while p < len(data):
        nlen = struct.unpack_from("<I", data, p + 4 + dsize)[0]
        name = data[p + 8 + dsize:p + 8 + dsize + nlen]
        q = p + 8 + dsize + nlen
        if name == b"ima":
            tl = 20 + 4 + struct.unpack_from("<I", data, q + 20)[0]
            out.append((p, None, q + tl))
        else:
            tl = struct.unpack_from("<I", data, q)[0]
            out.append((p, q, q + 4 + tl))
        p = out[-1][2]
    return out


def mutate(src, dst, dsize, op, entry):
    data = bytearray(open(src, "rb").read())
    ents = split(bytes(data), dsize)
    if op.startswith("pcr=") and entry == 0:
        for s, _, _ in ents:
            struct.pack_into("<I", data, s, int(op[4:]))
        open(dst, "wb").write(data)
        return
    s, lenoff, e = ents[entry - 1]
    alg = {20: "sha1", 32: "sha256"}[dsize]
    if op.startswith("pcr="):
        struct.pack_into("<I", data, s, int(op[4:]))
    elif op.startswith("template="):
        name = op[9:].encode()
        old = struct.unpack_from("<I", data, s + 4 + dsize)[0]
        data[s + 4 + dsize:s + 8 + dsize + old] = struct.pack("<I", len(name)) + name
    elif op.startswith("cutname=") or op.startswith("cutname-asis="):
        keep = int(op.split("=")[1])
        flen = struct.unpack_from("<I", data, lenoff + 4)[0]
        noff = lenoff + 8 + flen
        nlen = struct.unpack_from("<I", data, noff)[0]
        # the kernel's n-ng holds the name and its NUL: keep both forms
        data[noff + 4 + keep:noff + 4 + nlen] = b"\0"
        struct.pack_into("<I", data, noff, keep + 1)
        tlen = struct.unpack_from("<I", data, lenoff)[0] - (nlen - keep - 1)
        struct.pack_into("<I", data, lenoff, tlen)
        if op.startswith("cutname="):
            data[s + 4:s + 4 + dsize] = hashlib.new(alg, bytes(data[lenoff + 4:lenoff + 4 + tlen])).digest()
    elif op == "digest" and lenoff is None:    # template ima: d is 20 bytes, no length
        nlen = struct.unpack_from("<I", data, s + 4 + dsize)[0]
        data[s + 8 + dsize + nlen + 19] ^= 0x01
    elif op in ("digest", "digest-fixed"):
        # the file digest is the last byte of the first field (d-ng)
        flen = struct.unpack_from("<I", data, lenoff + 4)[0]
        data[lenoff + 8 + flen - 1] ^= 0x01
        if op == "digest-fixed":    # and the template digest made to agree
            alg = {20: "sha1", 32: "sha256"}[dsize]
            data[s + 4:s + 4 + dsize] = hashlib.new(alg, bytes(data[lenoff + 4:e])).digest()
    elif op == "remove":
        del data[s:e]
    elif op == "swap":
        s2, _, e2 = ents[entry]
        data[s:e2] = data[e:e2] + data[s:e]
    elif op == "truncate":
        del data[s + (e - s) // 2:]
    elif op == "lie":
        old = struct.unpack_from("<I", data, lenoff)[0]
        struct.pack_into("<I", data, lenoff, old + 1000000)
    elif op == "nulname":     # a NUL inside the name, template digest made to agree
        flen = struct.unpack_from("<I", data, lenoff + 4)[0]
        name = lenoff + 8 + flen + 4
        data[name + 4] = 0
        alg = {20: "sha1", 32: "sha256"}[dsize]
        data[s + 4:s + 4 + dsize] = hashlib.new(alg, bytes(data[lenoff + 4:e])).digest()
    elif op == "unviolate":
        alg = {20: "sha1", 32: "sha256"}[dsize]
        data[s + 4:s + 4 + dsize] = hashlib.new(alg, bytes(data[lenoff + 4:e])).digest()
    else:
        sys.exit("unknown op " + op)
    open(dst, "wb").write(data)


def set_pcr(path, pcr, hexv):
    lines = open(path).read().splitlines()
    lines[pcr] = "PCR-%02d: %s" % (pcr, hexv)
    open(path, "w").write("\n".join(lines) + "\n")


def drop_pcrs(path, drop):
    lines = open(path).read().splitlines()
    keep = [l for l in lines if int(l[4:6]) not in drop]
    open(path, "w").write("\n".join(keep) + "\n")


def main(argv):
    if len(argv) >= 2 and argv[0] == "make":
        args, entries, spec, seed, pcr, agg = argv[2:], 20, None, 1, 10, True
        template = "ima-ng"
        while args:
            if args[0] == "--no-boot-aggregate":
                agg, args = False, args[1:]
                continue
            o, v = args[0], args[1]
            args = args[2:]
            if o == "--pcr":
                pcr = int(v)
            elif o == "--entries":
                entries = int(v)
            elif o == "--spec":
                spec = v
            elif o == "--seed":
                seed = int(v)
            elif o == "--template" and v in ("ima-ng", "ima-sig"):
                template = v
            else:
                sys.exit("unknown option " + o)
        make(argv[1], entries, spec, seed, pcr, agg, template)
    elif len(argv) == 6 and argv[0] == "mutate":
        mutate(argv[1], argv[2], int(argv[3]), argv[4], int(argv[5]))
    elif len(argv) == 4 and argv[0] == "pcr":
        set_pcr(argv[1], int(argv[2]), argv[3])
    elif len(argv) >= 3 and argv[0] == "drop":
        drop_pcrs(argv[1], {int(p) for p in argv[2:]})
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
