#!/usr/bin/env bash
# package_deb.sh BUILD_DIR ROOT: builds palisade's .deb with cpack, checks
# what the package holds and depends on, and unpacks it for the systemd
# guest (vm_systemd_unit): its files into ROOT, its control files and
# maintainer scripts into ROOT.control. Exit 1 on any problem.
set -euo pipefail
build=$(readlink -f "$1")
root=$2
out=$build/package
rm -rf -- "$out" "$root" "$root.control"
mkdir -p -- "$out"
if ! (cd "$build" && cpack -G DEB -B "$out") >"$out/cpack.log" 2>&1; then
  cat "$out/cpack.log"
  echo "FAIL: cpack -G DEB"
  exit 1
fi
deb=$(ls "$out"/palisade_*.deb)
echo "ok: built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"
dpkg-deb -x "$deb" "$root"
dpkg-deb -e "$deb" "$root.control"

fails=0
for f in usr/sbin/palisaded usr/sbin/enforcectl \
  usr/lib/systemd/system/palisaded.service \
  usr/share/dbus-1/system.d/org.palisade.Enforcer1.conf \
  usr/lib/tmpfiles.d/palisade.conf \
  usr/share/man/man1/enforcectl.1 usr/share/man/man8/palisaded.8 \
  usr/share/bash-completion/completions/enforcectl \
  usr/share/doc/palisade/operations.md usr/share/doc/palisade/examples/quickstart.rules; do
  if [[ -e $root/$f ]]; then echo "ok: /$f"; else echo "FAIL: the package lacks /$f"; fails=$((fails + 1)); fi
done
# The unit names the binary where the package puts it.
grep -q '^ExecStart=/usr/sbin/palisaded' "$root/usr/lib/systemd/system/palisaded.service" ||
  { echo "FAIL: ExecStart is not the packaged /usr/sbin/palisaded"; fails=$((fails + 1)); }
depends=$(dpkg-deb -f "$deb" Depends)
for d in libbpf1 libsystemd0 libc6 dbus; do
  if [[ $depends == *"$d"* ]]; then echo "ok: depends on $d"; else
    echo "FAIL: Depends lacks $d: $depends"; fails=$((fails + 1)); fi
done
for s in postinst prerm postrm; do
  if [[ -x $root.control/$s ]]; then echo "ok: maintainer script $s"; else
    echo "FAIL: no $s"; fails=$((fails + 1)); fi
done
# Stripped: a package ships no debug info.
if readelf -S "$root/usr/sbin/palisaded" | grep -q '\.debug_info'; then
  echo "FAIL: palisaded is not stripped"; fails=$((fails + 1))
fi
((fails == 0)) || exit 1
