#!/bin/bash
# upgrade-repo.sh DIR KEY CERT [DEB...]: a local apt repository in DIR for
# the upgrade steps of the Debian system test, made where the signing key
# is, with the packages DEB (a kernel) and their manifests too.
# It holds three versions of ima-fput-hello, each with an ELF program, the
# shared library it links, a conffile and maintainer scripts (preinst logs,
# postinst runs the new program), and ima-fput-hello-local, which diverts
# its program; DIR/manifests holds the signed manifests of ima-fput-hello
# 1.0 and 2.0 only (ima-test-apt manifest), so 3.0 must be refused.
# Needs gcc, dpkg-deb and dpkg-scanpackages; the ima-test built in
# tools/ima-test (built here if there is none) signs.
set -euo pipefail
dir=${1:?usage: upgrade-repo.sh DIR KEY CERT [DEB...]} key=${2:?} cert=${3:?}
shift 3
top=$(cd "$(dirname "$0")/../.." && pwd)
src=$(mktemp -d)
trap 'rm -rf "$src"' EXIT
mkdir -p "$dir" "$src/bin"
for t in ima-test ima-test-asan; do
	[ -x "$top/tools/ima-test/$t" ] && ln -sf "$top/tools/ima-test/$t" "$src/bin/ima-test" && break
done
[ -e "$src/bin/ima-test" ] || { make -s -C "$top/tools/ima-test" ima-test >&2 &&
	ln -sf "$top/tools/ima-test/ima-test" "$src/bin/ima-test"; }
multiarch=$(gcc -print-multiarch)
for v in 1.0 2.0 3.0; do
	p=$src/ima-fput-hello-$v
	mkdir -p "$p/DEBIAN" "$p/usr/bin" "$p/usr/lib/$multiarch" "$p/etc"
	printf 'const char *hello_lib_version(void) { return "%s"; }\n' "$v" > "$src/lib.c"
	printf '%s\n' '#include <stdio.h>' 'const char *hello_lib_version(void);' \
		"int main(void) { printf(\"ima-fput-hello $v, library %s\\n\", hello_lib_version()); return 0; }" \
		> "$src/hello.c"
	gcc -O2 -shared -fPIC -Wl,-soname,libimafputhello.so.1 -o "$p/usr/lib/$multiarch/libimafputhello.so.1" "$src/lib.c"
	gcc -O2 -o "$p/usr/bin/ima-fput-hello" "$src/hello.c" "$p/usr/lib/$multiarch/libimafputhello.so.1"
	printf '# ima-fput-hello %s\ngreeting = hello\n' "$v" > "$p/etc/ima-fput-hello.conf"
	echo /etc/ima-fput-hello.conf > "$p/DEBIAN/conffiles"
	cat > "$p/DEBIAN/control" <<-EOF
	Package: ima-fput-hello
	Version: $v
	Architecture: $(dpkg --print-architecture)
	Maintainer: ima-fput <ima-fput@localhost>
	Depends: libc6
	Description: a program, its library, a conffile and maintainer scripts
	 for package upgrades under ima_appraise=enforce
	EOF
	printf '#!/bin/sh\nset -e\necho "preinst %s $*" >> /var/log/ima-fput-hello.log\n' "$v" > "$p/DEBIAN/preinst"
	printf '#!/bin/sh\nset -e\nif [ "$1" = configure ]; then\n\tldconfig\n\tima-fput-hello >> /var/log/ima-fput-hello.log\nfi\n' \
		> "$p/DEBIAN/postinst"
	chmod 0755 "$p/DEBIAN/preinst" "$p/DEBIAN/postinst"
	dpkg-deb --root-owner-group --build "$p" "$dir/ima-fput-hello_${v}_$(dpkg --print-architecture).deb" > /dev/null
done
# ima-fput-hello-local diverts ima-fput-hello's program (dpkg-divert
# --rename) and installs its own in its place, which runs the diverted one
p=$src/ima-fput-hello-local
mkdir -p "$p/DEBIAN" "$p/usr/bin"
printf '%s\n' '#include <stdio.h>' '#include <unistd.h>' \
	'int main(void) { printf("ima-fput-hello-local, then "); fflush(stdout);' \
	'	execl("/usr/bin/ima-fput-hello.distrib", "ima-fput-hello", (char *)0); return 127; }' > "$src/local.c"
gcc -O2 -o "$p/usr/bin/ima-fput-hello" "$src/local.c"
cat > "$p/DEBIAN/control" <<-EOF
Package: ima-fput-hello-local
Version: 1.0
Architecture: $(dpkg --print-architecture)
Maintainer: ima-fput <ima-fput@localhost>
Depends: libc6, ima-fput-hello
Description: a local replacement of ima-fput-hello's program, by diversion
 for package upgrades under ima_appraise=enforce
EOF
div='dpkg-divert --package ima-fput-hello-local --rename --divert /usr/bin/ima-fput-hello.distrib'
printf '#!/bin/sh\nset -e\n[ "$1" = install ] && %s --add /usr/bin/ima-fput-hello\nexit 0\n' "$div" > "$p/DEBIAN/preinst"
printf '#!/bin/sh\nset -e\n[ "$1" = remove ] && %s --remove /usr/bin/ima-fput-hello\nexit 0\n' "$div" > "$p/DEBIAN/postrm"
chmod 0755 "$p/DEBIAN/preinst" "$p/DEBIAN/postrm"
dpkg-deb --root-owner-group --build "$p" "$dir/ima-fput-hello-local_1.0_$(dpkg --print-architecture).deb" > /dev/null
PATH=$src/bin:$PATH "$top/tools/ima-test/apt/ima-test-apt" manifest \
	--key "$key" --cert "$cert" --out "$dir/manifests" \
	"$dir"/ima-fput-hello_1.0_*.deb "$dir"/ima-fput-hello_2.0_*.deb > /dev/null
for deb; do
	cp "$deb" "$dir/"
	PATH=$src/bin:$PATH "$top/tools/ima-test/apt/ima-test-apt" manifest \
		--key "$key" --cert "$cert" --out "$dir/manifests" "$dir/$(basename "$deb")" > /dev/null
done
(cd "$dir" && dpkg-scanpackages --multiversion . > Packages 2> /dev/null)
