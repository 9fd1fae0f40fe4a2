#!/usr/bin/env python3
"""signables.py ROOT: print every regular file under ROOT (one file system,
no symlinks) that IMA will see executed or mapped executable: ELF files,
scripts (#!) and files with an execute bit, each ended by a NUL."""
import os
import stat
import sys

root = sys.argv[1]
dev = os.lstat(root).st_dev
for top, dirs, files in os.walk(root):
    dirs[:] = [d for d in dirs if os.lstat(os.path.join(top, d)).st_dev == dev]
    for name in files:
        path = os.path.join(top, name)
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode):
            continue
        if st.st_mode & 0o111:
            sys.stdout.write(path + '\0')
            continue
        try:
            with open(path, 'rb') as f:
                head = f.read(4)
        except OSError:
            continue
        if head == b'\x7fELF' or head[:2] == b'#!':
            sys.stdout.write(path + '\0')
