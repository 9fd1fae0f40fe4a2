#!/usr/bin/env python3
"""signables.py [--all] ROOT: print every regular file under ROOT (one file
system, no symlinks) that IMA will see executed or mapped executable: ELF
files, scripts (#!) and files with an execute bit; with --all, every
root-owned regular file.  Each is ended by a NUL.  A file with several
hard links is printed once: its label is one inode's, and ima-test,
labelling two names of one inode at once, sees the other's setxattr as a
change while it hashes."""
import os
import stat
import sys

every = sys.argv[1] == '--all'
root = sys.argv[-1]
dev = os.lstat(root).st_dev
seen = set()
for top, dirs, files in os.walk(root):
    dirs[:] = [d for d in dirs if os.lstat(os.path.join(top, d)).st_dev == dev]
    for name in files:
        path = os.path.join(top, name)
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_ino in seen:
            continue
        if every:
            if st.st_uid == 0:
                seen.add(st.st_ino)
                sys.stdout.write(path + '\0')
            continue
        if st.st_mode & 0o111:
            seen.add(st.st_ino)
            sys.stdout.write(path + '\0')
            continue
        try:
            with open(path, 'rb') as f:
                head = f.read(4)
        except OSError:
            continue
        if head == b'\x7fELF' or head[:2] == b'#!':
            seen.add(st.st_ino)
            sys.stdout.write(path + '\0')
