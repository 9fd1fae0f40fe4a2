#!/usr/bin/python3
# evm-hmac.py FILE KEYFILE UUID IMA-XATTR: the HMAC the kernel's EVM keeps in
# security.evm (type 2), computed here independently of ima-test: HMAC-SHA1
# with the key (KEYFILE's bytes, zero-padded to 128) over the protected
# xattrs present (IMA-XATTR, then the matching .capability), h_misc {ino,
# generation, uid, gid, mode} and the file system UUID (hex, may be empty).
# Prints "02" and the HMAC in hex.
import fcntl
import hashlib
import hmac
import os
import struct
import sys

FS_IOC_GETVERSION = 0x80087601

path, keyfile, uuid, ima = sys.argv[1:5]
fd = os.open(path, os.O_RDONLY)
msg = b""
for name in (ima, ima.rsplit(".", 1)[0] + ".capability"):
    try:
        msg += os.getxattr(path, name)
    except OSError:
        pass
st = os.fstat(fd)
gen = bytearray(4)
try:
    fcntl.ioctl(fd, FS_IOC_GETVERSION, gen)
except OSError:
    gen = bytearray(4)
msg += struct.pack("<QIIIH2x", st.st_ino, struct.unpack("<I", gen)[0],
                   st.st_uid, st.st_gid, st.st_mode & 0xffff)
msg += bytes.fromhex(uuid)
with open(keyfile, "rb") as f:
    key = f.read().ljust(128, b"\0")
print("02" + hmac.new(key, msg, hashlib.sha1).hexdigest())
