#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Build IMA measurement lists and matching PCR files for the log tests.

  loggen.py make OUTDIR [--entries N] [--spec FILE] [--seed S]
      OUTDIR/bin_sha1, bin_sha256      binary lists (sha1 / sha256 digests)
      OUTDIR/ascii_sha1, ascii_sha256  the same as ascii lists
      OUTDIR/pcrs_sha1, pcrs_sha256    "PCR-NN: hex" files, PCR 0-23
  The list starts with boot_aggregate (over PCRs 0-9 of sha256); then the
  entries of --spec (lines "TEMPLATE NAME ALG:HEX [HEX...]", or
  "-" for an empty field, "violation NAME", "padded TEMPLATE ..." for an entry whose sha256 digest
  is its sha1 one zero-padded, or "pcr N ..."), then N generated ima-ng
  entries.

  loggen.py mutate IN OUT DSIZE OP ENTRY
      OP: digest (flip a byte of entry ENTRY's file digest), digest-fixed
          (the same, with the template digest recomputed to agree),
          remove, swap (ENTRY and ENTRY+1), truncate (cut inside ENTRY),
          lie (ENTRY's template data length says 1000000 more).
      ENTRY is 1-based.  DSIZE is the list's template digest size.

  loggen.py pcr FILE PCR HEX     replace one PCR value in a PCR file
"""
import hashlib
import os
import random
import struct
import sys

FIELDS = {"ima-ng": 2, "ima-sig": 3, "ima-buf": 3, "ima-modsig": 5}


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
        else:
            for i, f in enumerate(self.fields):
                if i in (0, 3) and f:
                    a, d = f.split(b"\0", 1)
                    cols.append(a.decode() + d.hex())
                elif i == 1:
                    cols.append(f.rstrip(b"\0").decode())
                else:
                    cols.append(f.hex())
        return (" ".join(cols) + "\n").encode()


def parse_spec(line):
    words = line.split()
    pcr = 10
    if words[0] == "pcr":
        pcr, words = int(words[1]), words[2:]
    if words[0] == "padded":
        e = parse_spec(" ".join(words[1:]))
        e.pcr, e.padded = pcr, True
        return e
    if words[0] == "violation":
        alg = "sha256"
        return Entry("ima-ng", [d_ng(alg, b"\0" * 32), words[1].encode() + b"\0"], pcr, True)
    tmpl, name, dig = words[0], words[1], words[2]
    alg, hexd = dig.split(":")
    if tmpl == "ima":
        return Entry("ima", [bytes.fromhex(hexd), name.encode()], pcr)
    fields = [d_ng(alg, bytes.fromhex(hexd)), name.encode() + b"\0"]
    rest = words[3:]
    while len(fields) < FIELDS[tmpl]:
        w = rest.pop(0) if rest else ""
        w = "" if w == "-" else w
        if len(fields) == 3 and ":" in w:
            a, h = w.split(":")
            fields.append(d_ng(a, bytes.fromhex(h)))
        else:
            fields.append(bytes.fromhex(w))
    return Entry(tmpl, fields, pcr)


def make(outdir, entries, spec, seed):
    rnd = random.Random(seed)
    banks = {"sha1": 20, "sha256": 32}
    pcrs = {a: [bytes(rnd.getrandbits(8) for _ in range(n)) for _ in range(10)] +
            [b"\0" * n] * 14 for a, n in banks.items()}
    agg = hashlib.sha256(b"".join(pcrs["sha256"][:10])).digest()
    log = [Entry("ima-ng", [d_ng("sha256", agg), b"boot_aggregate\0"])]
    if spec:
        with open(spec) as f:
            log += [parse_spec(l) for l in f if l.strip() and not l.startswith("#")]
    for i in range(entries):
        d = bytes(rnd.getrandbits(8) for _ in range(32))
        log.append(Entry("ima-ng", [d_ng("sha256", d), b"/usr/lib/file-%d\0" % i]))
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
    s, lenoff, e = ents[entry - 1]
    if op in ("digest", "digest-fixed"):
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
    else:
        sys.exit("unknown op " + op)
    open(dst, "wb").write(data)


def set_pcr(path, pcr, hexv):
    lines = open(path).read().splitlines()
    lines[pcr] = "PCR-%02d: %s" % (pcr, hexv)
    open(path, "w").write("\n".join(lines) + "\n")


def main(argv):
    if len(argv) >= 2 and argv[0] == "make":
        args, entries, spec, seed = argv[2:], 20, None, 1
        while args:
            o, v = args[0], args[1]
            args = args[2:]
            if o == "--entries":
                entries = int(v)
            elif o == "--spec":
                spec = v
            elif o == "--seed":
                seed = int(v)
            else:
                sys.exit("unknown option " + o)
        make(argv[1], entries, spec, seed)
    elif len(argv) == 6 and argv[0] == "mutate":
        mutate(argv[1], argv[2], int(argv[3]), argv[4], int(argv[5]))
    elif len(argv) == 4 and argv[0] == "pcr":
        set_pcr(argv[1], int(argv[2]), argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
