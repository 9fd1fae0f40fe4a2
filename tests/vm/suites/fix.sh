#!/bin/sh
# Fix mode: security.ima is written by the final close of every writer,
# and left alone while another writer still has the file open.
. /suites/lib.sh

require_appraisal "nothing here could fail"

d=/mnt/fix
mkdir -p $d
echo "first content" > $d/create
labelled "create: security.ima = sha256 of content after close" $d/create

printf 'different\n' > $d/create
labelled "overwrite with O_TRUNC: hash rewritten" $d/create

echo "appended line" >> $d/create
labelled "append: hash rewritten" $d/create

dd if=/dev/urandom of=$d/big bs=64k count=32 2>/dev/null
labelled "2 MiB write: hash rewritten" $d/big

# A second writer keeps the file open: closing the first must not rewrite.
echo "shared" > $d/shared
before=$(ima_hex $d/shared)
exec 3>>$d/shared
echo "from the long-lived writer" >&3
echo "from a short-lived writer" >> $d/shared
after=$(ima_hex $d/shared)
if [ "$before" = "$after" ]; then
	ok "close while another writer holds the file: security.ima unchanged"
else
	not_ok "close while another writer holds the file: security.ima unchanged"
	diag "  before $before"; diag "  after  $after"
fi
if [ "$after" != "$(want_hex $d/shared)" ]; then
	ok "the stale value differs from the content's hash (the check above can fail)"
else
	not_ok "the stale value differs from the content's hash (the check above can fail)"
fi
exec 3>&-
labelled "last writer closes: hash rewritten" $d/shared

# Unchanged files are not rewritten with something else by a read.
cat $d/shared > /dev/null
labelled "read-only open and close keeps the hash" $d/shared
finish
