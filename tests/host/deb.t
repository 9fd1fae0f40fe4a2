#!/bin/bash
# Packaging: make install / uninstall, and the Debian package built by
# `make deb`, lintian-clean, installed into a throw-away Debian 12 root with
# dpkg, used there, and removed without a trace.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# quiet CMD...: run CMD, showing its output only when it fails.
quiet() { "$@" >"$tmp/quiet.log" 2>&1 || { diag "$(tail -n 20 "$tmp/quiet.log")"; return 1; }; }

# make install / uninstall into a DESTDIR.
dest=$tmp/dest
make -s -C "$top/tools/ima-test" ima-test >/dev/null 2>&1
check "make install DESTDIR=... PREFIX=/usr/local" \
	make -s -C "$top/tools/ima-test" install DESTDIR="$dest" PREFIX=/usr/local
want="/usr/local/bin/ima-test
/usr/local/share/bash-completion/completions/ima-test
/usr/local/share/man/man8/ima-test.8.gz"
is "$(cd "$dest" && find . -type f | sed 's/^\.//' | sort)" "$want" "install wrote the binary, the man page and the completion"
check "the installed man page is gzip-compressed and renders" \
	sh -c "gzip -dc '$dest/usr/local/share/man/man8/ima-test.8.gz' | man -l - >/dev/null 2>&1"
is "$("$dest/usr/local/bin/ima-test" --version)" "ima-test $(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)" \
	"the installed binary's --version matches debian/changelog"
# The completion offers the commands and a command's options, read from the binary.
comp=$(bash -c ". /usr/share/bash-completion/bash_completion; . '$dest/usr/local/share/bash-completion/completions/ima-test'
	COMP_WORDS=('$dest/usr/local/bin/ima-test' ve); COMP_CWORD=1; COMP_LINE='ima-test ve'; COMP_POINT=\${#COMP_LINE}
	_ima_test; echo \"\${COMPREPLY[*]}\"
	COMP_WORDS=('$dest/usr/local/bin/ima-test' sign --recu); COMP_CWORD=2; COMP_LINE='ima-test sign --recu'; COMP_POINT=\${#COMP_LINE}
	_ima_test; echo \"\${COMPREPLY[*]}\"" 2>&1)
is "$comp" "verify
--recursive" "bash completion completes a command and a command's option"
check "make uninstall" make -s -C "$top/tools/ima-test" uninstall DESTDIR="$dest" PREFIX=/usr/local
is "$(find "$dest" -type f | wc -l)" 0 "uninstall removed every file install wrote"

# The package.
if ! deb=$("$top/scripts/make-deb.sh" "$tmp/deb" 2>"$tmp/deb.err"); then
	not_ok "make deb builds a lintian-clean package"
	diag "$(tail -n 30 "$tmp/deb.err")"
	finish
fi
ok "make deb builds a lintian-clean package ($(basename "$deb"))"
is "$(dpkg-deb -f "$deb" Package)" ima-test "the binary package is ima-test"
depends=$(dpkg-deb -f "$deb" Depends)
missing=
for lib in libssl3 libkeyutils1 libjansson4; do
	case ", $depends," in *", $lib "*|*", $lib,"*) ;; *) missing+=" $lib" ;; esac
done
if [ -z "$missing" ]; then
	ok "Depends, from dh_shlibdeps, names libssl3, libkeyutils1 and libjansson4: $depends"
else
	not_ok "Depends names libssl3, libkeyutils1 and libjansson4 (missing:$missing)"
	diag "Depends: $depends"
fi
contents=$(dpkg-deb -c "$deb")
for f in usr/share/initramfs-tools/hooks/ima-test usr/share/initramfs-tools/scripts/init-top/ima-keys; do
	check "the package ships the initramfs-tools key loader /$f, executable" \
		grep -qE "^-rwxr-xr-x root/root .* \./$f\$" <<<"$contents"
done
conffiles=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles 2>/dev/null)
settings=$(dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./etc/default/ima-test 2>/dev/null | grep -v '^#' | grep -c .)
check "the package ships /etc/default/ima-test as a conffile, every setting commented out ($settings set)" \
	[ "$(grep -cx /etc/default/ima-test <<<"$conffiles")" = 1 -a "$settings" = 0 ]
is "$(dpkg-deb -f "$deb" Recommends)" keyutils "Recommends keyutils (keyctl, for the keys command's keyrings)"

# A throw-away Debian 12 root, made once and cached outside the clone.
cache=${XDG_CACHE_HOME:-$HOME/.cache}/ima-fput
mkdir -p "$cache"
roottar=$cache/deb-test-root-bookworm-man-db-libssl3-libkeyutils1-libjansson4-libfsverity0.tar
if [ ! -s "$roottar" ]; then
	if ! mmdebstrap --quiet --format=tar --variant=minbase --include=man-db,libssl3,libkeyutils1,libjansson4,libfsverity0 bookworm "$roottar.tmp" >"$tmp/mmdebstrap.log" 2>&1; then
		not_ok "mmdebstrap makes a Debian 12 root"
		diag "$(tail -n 20 "$tmp/mmdebstrap.log")"
		finish
	fi
	mv "$roottar.tmp" "$roottar"
fi
root=$tmp/root
mkdir -p "$root"
tar -xf "$roottar" -C "$root"
find "$root" -xdev \( -path "$root/var/lib/dpkg" -o -path "$root/var/cache/man" -o -path "$root/var/log" \) -prune \
	-o -print | sed "s|^$root||" | sort >"$tmp/before"
cp "$deb" "$root/tmp/"
check "dpkg -i installs it into a Debian 12 root" quiet chroot "$root" dpkg -i "/tmp/$(basename "$deb")"
is "$(chroot "$root" ima-test --version)" "ima-test $(dpkg-deb -f "$deb" Version)" "ima-test --version runs there"
is "$(chroot "$root" man -w ima-test)" /usr/share/man/man8/ima-test.8.gz "man -w ima-test finds the page there"
is "$(chroot "$root" dpkg -L ima-test | grep -c '^/usr/bin/ima-test$')" 1 "dpkg -L lists /usr/bin/ima-test"
rm -f "$root/tmp/$(basename "$deb")"
check "dpkg --purge removes it" quiet chroot "$root" dpkg --purge ima-test
find "$root" -xdev \( -path "$root/var/lib/dpkg" -o -path "$root/var/cache/man" -o -path "$root/var/log" \) -prune \
	-o -print | sed "s|^$root||" | sort >"$tmp/after"
if cmp -s "$tmp/before" "$tmp/after"; then
	ok "nothing of the package is left in the root"
else
	not_ok "nothing of the package is left in the root"
	diag "$(diff "$tmp/before" "$tmp/after" | head -n 20)"
fi
finish
