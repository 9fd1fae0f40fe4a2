#!/bin/bash
# bench/run.sh in its tiny mode (BENCH_QUICK=1: 50 files, one run, no VM):
# the table and the PNG chart are produced and well formed.  Timings are
# never judged here, only the shape of what the benchmark writes.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
tool=${IMA_TEST:-$top/tools/ima-test/ima-test}
if [ ! -x "$tool" ]; then
	skip_all "$tool is not built (make tool)"
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

BENCH_QUICK=1 BENCH_OUT=$out/a IMA_TEST=$tool "$top/bench/run.sh" > "$out/stdout" 2> "$out/stderr"
rc=$?
check "bench/run.sh BENCH_QUICK=1 exits 0 (exit $rc)" [ "$rc" = 0 ]
[ "$rc" = 0 ] || sed 's/^/# /' "$out/stderr" | tail -n 20
md=$out/a/bench.md png=$out/a/bench.png
check "the table is written to bench.md and printed" \
	grep -qF "$(head -n 3 "$md" 2>/dev/null | tail -n 1)" "$out/stdout"

# Markdown table: a header, its separator, then rows with as many cells.
header=$(grep -m1 '^| benchmark |' "$md" 2>/dev/null)
cols=$(printf '%s\n' "$header" | awk -F'|' '{ print NF }')
check "the table has a header row" [ -n "$header" ]
check "the header is followed by a separator of the same width" \
	awk -F'|' -v c="$cols" '/^\| benchmark \|/ { getline; exit !(NF == c && $0 ~ /^(\|-+)+\|$/) }' "$md"
rows=$(awk -F'|' -v c="$cols" '/^\| [^b-]/ || /^\| b[^e]/ { if (NF == c) n++; else bad++ } END { print (bad ? -1 : n + 0) }' "$md")
check "every row has $((cols - 2)) cells (rows: $rows)" [ "$rows" -gt 0 ]

for want in "sign -r, 50 x 4 KiB" "hash -r, 50 x 4 KiB" "verify -r, 50 x 4 KiB" "hash one 8 MiB file" \
	"hash -r, Debian-shaped tree, 60 files" "sign -r, the same tree" "audit -r, the same tree" \
	"ready (appraise fowner=0), the same tree" "hash -r, the tree + one 8 MiB file walked last" \
	"hash one 8 MiB file: share of the single-core floor"; do
	check "a row for '$want'" grep -qF "| $want" "$md"
done
check "no row FAILED (every command ran and exited 0)" bash -c "! grep -q FAILED '$md'"
check "no kernel rows in quick mode" bash -c "! grep -q '^| VM:' '$md'"

# Each row: median, min–max with a unit, runs = 1, a ratio, a verdict.
bad=$(awk -F'|' '/^\| (sign|hash|verify)/ {
	med = "^ [0-9.]+(e[-+]?[0-9]+)? (s|ms|µs|ns) $"; rng = "^ [0-9.]+(e[-+]?[0-9]+)?–[0-9.]+(e[-+]?[0-9]+)? (s|ms|µs|ns) $"
	if ($4 !~ med || $5 !~ rng || $7 !~ med || $8 !~ rng || $9 != " 1 " ||
	    $10 !~ /^ [0-9.]+x $/ || $12 !~ /^ (met|MISSED|\(info\)) $/) print NR ": " $0; n++ }
	END { if (n < 5) print "only " n + 0 " host rows" }' "$md")
check "each row has medians, min–max ranges, 1 run, a ratio and a verdict" [ -z "$bad" ]
[ -z "$bad" ] || printf '# %s\n' "$bad"
for t in "sign" "verify"; do
	check "the $t row carries its target (≥ 6x)" grep -qE "^\| $t -r.*\| ≥ 6x \|" "$md"
done
check "the 8 MiB hash row against openssl carries its target (≥ 0.95x)" \
	grep -qE '^\| hash one .*openssl.*\| ≥ 0.95x \|' "$md"
check "the notes say how the runs were made" grep -q 'interleaved' "$md"

# PNG: signature, an IHDR chunk first, a plausible size, an IEND at the end.
sig=$(head -c 8 "$png" 2>/dev/null | od -An -tx1 | tr -d ' \n')
check "bench.png starts with the PNG signature" [ "$sig" = 89504e470d0a1a0a ]
check "bench.png has an IHDR chunk first" [ "$(dd if="$png" bs=1 skip=12 count=4 2>/dev/null)" = IHDR ]
w=$(od -An -tu1 -j16 -N4 "$png" 2>/dev/null | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
h=$(od -An -tu1 -j20 -N4 "$png" 2>/dev/null | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
check "bench.png is a sizeable image (${w:-?}x${h:-?})" test "${w:-0}" -ge 300 -a "${h:-0}" -ge 200
check "bench.png ends with IEND" [ "$(tail -c 8 "$png" 2>/dev/null | head -c 4)" = IEND ]

# The checks above can fail: a tool that does not work gives FAILED rows and
# a non-zero exit, a missing tool exit 2 and no table.
fake=$out/fake-ima-test
printf '#!/bin/sh\nexit 2\n' > "$fake" && chmod +x "$fake"
BENCH_QUICK=1 BENCH_OUT=$out/b IMA_TEST=$fake "$top/bench/run.sh" > "$out/b.stdout" 2>&1
rc=$?
check "a tool whose commands fail: exit 1 (got $rc)" [ "$rc" = 1 ]
check "... and its rows say FAILED" grep -q '| ima-test .*FAILED (exit-2)' "$out/b/bench.md"
BENCH_QUICK=1 BENCH_OUT=$out/c IMA_TEST=$out/missing "$top/bench/run.sh" > "$out/c.stdout" 2>&1
rc=$?
check "a missing tool: exit 2 and no table (got $rc)" test "$rc" = 2 -a ! -e "$out/c/bench.md"
finish
