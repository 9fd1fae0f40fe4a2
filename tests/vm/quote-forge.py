#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""What an attacker on the attested machine does to its evidence, for
tests/vm/quote.sh: edit binary ima-ng lists and the tpm2_quote PCR file.

  quote-forge.py hide IN OUT PATH
      the last entry of PATH gets the file digest of its first entry (the
      approved content), and a template digest that agrees with it
  quote-forge.py drop IN OUT PATH
      the last entry of PATH is removed
  quote-forge.py pcrs IN OUT LIST FORGED
      in a tpm2_quote -o file, PCR 10's value replayed from LIST is
      replaced by the one replayed from FORGED (same bank), so that the
      PCR values agree with the forged list
  quote-forge.py flip IN OUT LIST
      in a tpm2_quote -o file, one bit of PCR 10's value (replayed from
      LIST) flipped (the file has unused bytes too: those would not do)
The bank of a list is found from its first entry (boot_aggregate).
"""
import hashlib
import struct
import sys


def entries(data):
    """(start, end, digest, name, tdata) of each ima-ng entry; the digest
    size is taken from the first entry, whose template data is known."""
    for dsize in (20, 32, 48, 64):
        nlen = struct.unpack_from("<I", data, 4 + dsize)[0]
        if data[8 + dsize:8 + dsize + nlen] == b"ima-ng":
            break
    else:
        sys.exit("quote-forge: not a binary ima-ng list")
    out, p = [], 0
    while p < len(data):
        nlen = struct.unpack_from("<I", data, p + 4 + dsize)[0]
        tmpl = data[p + 8 + dsize:p + 8 + dsize + nlen]
        if tmpl != b"ima-ng":
            sys.exit("quote-forge: template %r" % tmpl)
        q = p + 8 + dsize + nlen
        tl = struct.unpack_from("<I", data, q)[0]
        tdata = data[q + 4:q + 4 + tl]
        dl = struct.unpack_from("<I", tdata, 0)[0]
        name = tdata[8 + dl:].rstrip(b"\0").decode()
        out.append((p, q + 4 + tl, data[p + 4:p + 4 + dsize], name, tdata))
        p = q + 4 + tl
    return dsize, out


def alg(dsize):
    return {20: "sha1", 32: "sha256", 48: "sha384", 64: "sha512"}[dsize]


def pcr10(data):
    dsize, ents = entries(data)
    v = b"\0" * dsize
    for s, _, d, _, _ in ents:
        if struct.unpack_from("<I", data, s)[0] != 10:
            continue
        if d == b"\0" * dsize:
            d = b"\xff" * dsize
        v = hashlib.new(alg(dsize), v + d).digest()
    return v


def main(a):
    if len(a) == 4 and a[0] in ("hide", "drop"):
        data = bytearray(open(a[1], "rb").read())
        dsize, ents = entries(bytes(data))
        mine = [e for e in ents if e[3] == a[3]]
        if len(mine) < 2:
            sys.exit("quote-forge: %s has %d entries, want 2" % (a[3], len(mine)))
        s, e, _, _, tdata = mine[-1]
        if a[0] == "drop":
            del data[s:e]
        else:
            first = mine[0][4]
            fl = 4 + struct.unpack_from("<I", first, 0)[0]
            nl = 4 + struct.unpack_from("<I", tdata, 0)[0]
            new = first[:fl] + tdata[nl:]
            rec = struct.pack("<I", len(new)) + new
            q = e - len(tdata) - 4
            data[q:e] = rec
            data[s + 4:s + 4 + dsize] = hashlib.new(alg(dsize), new).digest()
        open(a[2], "wb").write(data)
    elif len(a) == 5 and a[0] == "pcrs":
        f = open(a[1], "rb").read()
        old = pcr10(open(a[3], "rb").read())
        new = pcr10(open(a[4], "rb").read())
        if f.count(old) != 1 or old == new:
            sys.exit("quote-forge: PCR 10 of %s is not in %s once" % (a[3], a[1]))
        open(a[2], "wb").write(f.replace(old, new))
    elif len(a) == 4 and a[0] == "flip":
        f = bytearray(open(a[1], "rb").read())
        old = pcr10(open(a[3], "rb").read())
        at = bytes(f).find(old)
        if at < 0 or bytes(f).count(old) != 1:
            sys.exit("quote-forge: PCR 10 of %s is not in %s once" % (a[3], a[1]))
        f[at + len(old) - 1] ^= 1
        open(a[2], "wb").write(f)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
