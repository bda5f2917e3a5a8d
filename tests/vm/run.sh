#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Run the tests/vm/*.test.sh inside Debian's own kernels under qemu (TCG): they load fentry,
# kprobe and BPF-LSM programs and run i386 code, which the build host's kernel may not.
# Two kernels, each booted with the same initramfs: Debian 12's default (6.1) and its 6.12
# (the first has no bpf_rdonly_cast, so each of eunomia's two syscall paths is tested).
# Usage: tests/vm/run.sh OUTPUT_DIR (where eunomia was built; the console logs go there too).
# EUNOMIA_VM_KERNEL=/path/to/vmlinuz boots that kernel only; EUNOMIA_VM_PACKAGES lists the
# Debian metapackages whose kernels are booted.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=$here/cache
out=${1:?usage: $0 OUTPUT_DIR}
out=$(cd "$out" && pwd)
eunomia=$out/eunomia
vm_timeout=${EUNOMIA_VM_TIMEOUT:-300}
packages=${EUNOMIA_VM_PACKAGES:-linux-image-amd64 linux-image-6.12-amd64}

say() { echo "test-vm: $*" >&2; }
die() { say "error: $*"; exit 1; }
# Only a tool that is truly absent skips the VM tests; everything else is a failure.
skip() { echo "SKIP: VM tests: $1 (install $2)"; exit 0; }

check_tools()
{
	command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64" qemu-system-x86
	[ -x /bin/busybox ] || skip "no /bin/busybox" busybox-static
	# ldd exits non-zero on a static binary; a dynamic busybox would not run in the VM.
	! ldd /bin/busybox >/dev/null 2>&1 || skip "/bin/busybox is not static" busybox-static
	command -v gcc >/dev/null || skip "no gcc" gcc
	# Without the multilib runtime gcc -m32 finds no libc.a and names it bare.
	[ -f "$(gcc -m32 -print-file-name=libc.a)" ] || skip "no 32-bit libc for gcc -m32" gcc-multilib
	[ -f "$(gcc -print-file-name=libc.a)" ] || skip "no static libc for gcc -static" libc6-dev
	# GNU cpio when installed, else busybox's own: both write the kernel's newc format.
	if command -v cpio >/dev/null; then
		cpio=(cpio --quiet -o -H newc -R 0:0)
	else
		cpio=(/bin/busybox cpio -o -H newc -R 0:0)
	fi
	command -v gzip >/dev/null || skip "no gzip" gzip
	[ -x "$eunomia" ] || die "$eunomia is missing: run make first"
}

# cached_kernel PKG: the kernel unpacked from package PKG, or nothing.
cached_kernel()
{
	local k

	for k in "$cache/$1"/boot/vmlinuz-*; do
		if [ -f "$k" ]; then echo "$k"; fi
	done | sort -V | tail -n 1
}

# kernel_package META: a linux-image metapackage names the kernel package it depends on.
kernel_package()
{
	apt-cache depends "$1" 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }'
}

# fetch_kernel PKG: download and unpack package PKG's boot/ into $cache/PKG.
fetch_kernel()
{
	local pkg=$1 tmp

	say "fetching $pkg into $cache (once)"
	mkdir -p "$cache"
	tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
	if ! (cd "$tmp" && apt-get download "$pkg") >"$tmp/apt.log" 2>&1; then
		cat "$tmp/apt.log" >&2
		rm -rf "$tmp"
		die "apt-get download $pkg failed"
	fi
	# Only boot/ (kernel and config): the modules are 400 MB and the VM needs none.
	mkdir "$tmp/root"
	dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp/root" ./boot
	rm -rf "${cache:?}/$pkg"
	mv "$tmp/root" "$cache/$pkg"
	rm -rf "$tmp"
}

# kernel_of META: the path of the kernel that metapackage META stands for, fetched once.
kernel_of()
{
	local meta=$1 pkg kernel

	pkg=$(kernel_package "$meta")
	if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
		say "apt-cache knows no $meta; running apt-get update"
		apt-get update -qq >&2
		pkg=$(kernel_package "$meta")
	fi
	[ -n "$pkg" ] || die "apt-cache depends $meta names no kernel package"
	kernel=$(cached_kernel "$pkg")
	if [ -z "$kernel" ]; then
		fetch_kernel "$pkg"
		kernel=$(cached_kernel "$pkg")
		[ -n "$kernel" ] || die "no boot/vmlinuz-* in $pkg"
	fi
	echo "$kernel"
}

# Copy FILE to the same path under ROOT, following symlinks.
copy_in()
{
	mkdir -p "$1$(dirname "$2")"
	cp -L "$2" "$1$2"
}

build_initramfs()
{
	local root=$1 src name

	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,tests}
	cp /bin/busybox "$root/bin/busybox"
	for name in $(/bin/busybox --list); do
		[ -e "$root/bin/$name" ] || ln -s busybox "$root/bin/$name"
	done
	install -m 0755 "$here/init.sh" "$root/init"

	# eunomia with its libraries and loader at the paths ldd resolved.
	cp "$eunomia" "$root/bin/eunomia"
	for name in $(ldd "$eunomia" | grep -o '/[^ ]*'); do
		copy_in "$root" "$name"
	done

	# Test programs: i386_*.c are 32-bit, the rest 64-bit; all static.
	for src in "$here"/*.c; do
		[ -e "$src" ] || continue
		name=$(basename "$src" .c)
		case $name in
		i386_*) gcc -m32 -static -O2 -Wall -Wextra -o "$root/$name" "$src" ;;
		*) gcc -static -O2 -Wall -Wextra -o "$root/$name" "$src" ;;
		esac
	done
	# The bats suites' many-task helper, for the same exactness check in here.
	gcc -static -pthread -O2 -Wall -Wextra -o "$root/storm" "$here/../integration/storm.c"
	install -m 0644 "$here/lib.sh" "$root/tests/lib.sh"
	install -m 0755 "$here"/*.test.sh "$root/tests/"

	(cd "$root" && find . | LC_ALL=C sort | "${cpio[@]}" 2>/dev/null) | gzip -1 > "$2"
}

# boot KERNEL INITRD: run the tests in it; the counts go into the globals below.
npass=0 nfail=0 nskip=0
boot()
{
	local kernel=$1 initrd=$2 name log rc verdicts

	name=$(basename "$kernel")
	log=$out/vm-console-${name#vmlinuz-}.log
	say "booting $name ($(du -h "$initrd" | cut -f1) initramfs, TCG, timeout ${vm_timeout}s);" \
		"console log: $log"
	# KVM guests hang on this kind of host: TCG only. The verdict lines are shown as they come.
	set +e
	timeout -k 10 "$vm_timeout" qemu-system-x86_64 -accel tcg -cpu max -m 1G \
		-nographic -no-reboot -kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 quiet panic=-1" </dev/null 2>&1 |
		tr -d '\r' | tee "$log" | grep --line-buffered -a -o 'EUNOMIA-VM: .*' >&2
	rc=${PIPESTATUS[0]}
	set -e

	verdicts=$(grep -a -o 'EUNOMIA-VM: .*' "$log" || true)
	npass=$((npass + $(grep -c '^EUNOMIA-VM: PASS ' <<<"$verdicts" || true)))
	nfail=$((nfail + $(grep -c '^EUNOMIA-VM: FAIL ' <<<"$verdicts" || true)))
	nskip=$((nskip + $(grep -c '^EUNOMIA-VM: SKIP ' <<<"$verdicts" || true)))
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		say "FAIL: $name did not finish within ${vm_timeout}s (see $log)"
		nfail=$((nfail + 1))
	elif ! grep -q '^EUNOMIA-VM: DONE' <<<"$verdicts"; then
		say "FAIL: $name stopped before DONE (qemu exit $rc; see $log)"
		tail -n 20 "$log" >&2
		nfail=$((nfail + 1))
	fi
}

tmp=
main()
{
	local kernels=() meta kernel

	SECONDS=0
	check_tools
	if [ -n "${EUNOMIA_VM_KERNEL:-}" ]; then
		kernels=("$EUNOMIA_VM_KERNEL")
	else
		if ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then
			skip "no apt-get/dpkg-deb to find and fetch the kernels" apt
		fi
		for meta in $packages; do
			kernel=$(kernel_of "$meta") || exit 1
			kernels+=("$kernel")
		done
	fi

	tmp=$(mktemp -d "${TMPDIR:-/tmp}/eunomia-vm.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	build_initramfs "$tmp/root" "$tmp/initrd.gz"
	for kernel in "${kernels[@]}"; do
		boot "$kernel" "$tmp/initrd.gz"
	done
	say "${#kernels[@]} kernels booted in ${SECONDS}s"
	# The closing line alone, in the form CI reads: "N passed, N failed, N skipped".
	say "$npass passed, $nfail failed, $nskip skipped"
	[ "$nfail" = 0 ] || exit 1
	[ "$npass" -gt 0 ] || die "no test passed or failed: is tests/vm empty?"
}

main "$@"
