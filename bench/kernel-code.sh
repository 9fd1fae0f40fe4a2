#!/bin/bash
# kernel-code.sh KDIR_PATCHED KDIR_BASELINE [FUNCTION...]: compare the machine
# code of the functions on the timed close paths in two built kernel trees,
# instruction by instruction, with addresses taken out (a function that only
# moved is the same code).  Prints one line per function:
#   FUNCTION  same|differs|missing  N instructions (patched) / M (baseline)
# and, for a function that differs, the instructions only one side has.
# This is what a timing difference between two kernels can come from: code
# the patches change, or (where every function on the path is the same)
# only where the code was placed.
# Exit status: 0 compared, 2 a tree or its vmlinux is missing.
set -uo pipefail
[ $# -ge 2 ] || { echo "usage: $0 KDIR_PATCHED KDIR_BASELINE [FUNCTION...]" >&2; exit 2; }
a=$1 b=$2
shift 2
for d in "$a" "$b"; do
	[ -s "$d/vmlinux" ] || { echo "kernel-code: no $d/vmlinux" >&2; exit 2; }
done
# The close paths the bench times (tests/vm/helpers/bench-close.c):
# close() -> fput() -> task_work -> ____fput() -> __fput() -> ima_file_free()
# -> ima_check_last_writer() -> ima_update_xattr(); and open().
funcs=("$@")
[ ${#funcs[@]} -gt 0 ] || funcs=(fput ____fput __fput __x64_sys_close file_close_fd
	filp_flush ima_file_free ima_check_last_writer ima_update_xattr ima_fix_xattr
	ima_file_check process_measurement do_sys_openat2 do_filp_open path_openat)

# code KDIR FUNCTION: the function's instructions, one per line, with
# addresses, encodings, RIP-relative displacements (the symbol they
# reach is kept) and symbol offsets removed
code() {
	objdump -d --no-show-raw-insn --disassemble="$2" "$1/vmlinux" 2>/dev/null |
		sed -n '/^[0-9a-f]* <'"$2"'>:$/,/^$/p' | sed -n 's/^ *[0-9a-f]*:\t//p' |
		sed -E -e 's/-?0x[0-9a-f]+\(%rip\)/DISP(%rip)/g' \
			-e 's/\b(0x)?[0-9a-f]{8,16}\b/ADDR/g' -e 's/<([^>+]*)\+0x[0-9a-f]+>/<\1>/g' \
			-e 's/[[:space:]]+/ /g'
}

for f in "${funcs[@]}"; do
	ca=$(code "$a" "$f") cb=$(code "$b" "$f")
	na=$(grep -c . <<<"$ca") nb=$(grep -c . <<<"$cb")
	if [ "$na" = 0 ] || [ "$nb" = 0 ]; then
		printf '%-24s missing  %d instructions (patched) / %d (baseline): not a function of its own in one of them (inlined or absent)\n' "$f" "$na" "$nb"
	elif [ "$ca" = "$cb" ]; then
		printf '%-24s same     %d instructions\n' "$f" "$na"
	else
		printf '%-24s differs  %d instructions (patched) / %d (baseline)\n' "$f" "$na" "$nb"
		diff <(printf '%s\n' "$cb") <(printf '%s\n' "$ca") | sed -n 's/^[<>] /&/p' |
			sed -e 's/^< /    baseline only: /' -e 's/^> /    patched only:  /' | head -n 12
	fi
done
