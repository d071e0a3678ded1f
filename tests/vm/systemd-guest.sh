# shellcheck shell=bash
# The "systemd guest" of run-in-vm.sh --systemd (sourced by it, not run).
#
# It puts this machine's systemd into the initramfs so that a guest test
# exercises units the way a Debian system runs them: systemd as PID 1,
# systemd-journald (journalctl works), the system bus (dbus-daemon started
# from dbus.socket, with the machine's bus configuration, so a package's
# bus policy file in /usr/share/dbus-1/system.d is really enforced), and
# systemctl/busctl/setpriv for the test. Only the units named here are in
# the guest: the bare targets (no .wants directories, so nothing else
# starts), journald's, dbus's and the test's own.
#
# The test script runs as palisade-vm-test.service (Type=oneshot, output
# on the serial console); its wrapper prints the PALISADE-VM-RESULT line
# (with the journal's tail when it failed) and powers the VM off.
#
# Needs: $rootfs and copy_libs from run-in-vm.sh.

# Packages the systemd guest takes its programs from, as PACKAGE:COMMAND.
systemd_guest_deps=(systemd:systemctl dbus:/lib/systemd/system/dbus.service
  dbus-daemon:dbus-daemon dbus-bin:dbus-send util-linux:setpriv)

# Programs, at the path units and scripts call them by.
systemd_guest_programs=(
  /lib/systemd/systemd /lib/systemd/systemd-journald
  /bin/systemctl /bin/journalctl /bin/systemd-tmpfiles /usr/bin/busctl
  /usr/bin/dbus-daemon /usr/bin/dbus-send /usr/bin/setpriv
)

# Unit files from /lib/systemd/system.
systemd_guest_units=(
  basic.target sysinit.target sockets.target timers.target paths.target
  slices.target local-fs.target local-fs-pre.target swap.target
  multi-user.target shutdown.target final.target umount.target
  dbus.socket dbus.service
  systemd-journald.socket systemd-journald-dev-log.socket
  systemd-journald.service
)

# _systemd_guest_copy PATH: PATH (following links) at the same place in
# the guest, with its libraries.
_systemd_guest_copy() {
  local path=$1 real
  real=$(readlink -f -- "$path") || vm_die "systemd guest: $path: not found"
  [[ -e $real ]] || vm_die "systemd guest: $path: not found"
  mkdir -p -- "$rootfs$(dirname -- "$path")"
  rm -f -- "$rootfs$path"
  cp -L --preserve=mode -- "$real" "$rootfs$path"
  [[ -x $real ]] && copy_libs "$real"
  return 0
}

systemd_guest_install() {
  vm_ensure_packages "${systemd_guest_deps[@]}" ||
    vm_die "the systemd guest's programs are missing"
  local p u
  for p in "${systemd_guest_programs[@]}"; do
    _systemd_guest_copy "$p"
  done
  # Programs the --file trees brought (a package's /usr/sbin): their
  # libraries too.
  local exe
  for exe in "$rootfs"/usr/sbin/* "$rootfs"/usr/bin/*; do
    [[ -f $exe && -x $exe ]] && copy_libs "$exe"
  done
  mkdir -p "$rootfs/lib/systemd/system" "$rootfs/etc/systemd/system"
  for u in "${systemd_guest_units[@]}"; do
    cp -L -- "/lib/systemd/system/$u" "$rootfs/lib/systemd/system/$u" ||
      vm_die "systemd guest: unit $u not found"
  done
  # The bus's own configuration (system.conf and its policy directory).
  mkdir -p "$rootfs/usr/share/dbus-1" "$rootfs/etc/dbus-1/system.d"
  cp -L -- /usr/share/dbus-1/system.conf "$rootfs/usr/share/dbus-1/"
  mkdir -p "$rootfs/usr/share/dbus-1/system.d"
  # Users and groups the bus, journald and the tests name.
  cat >"$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
messagebus:x:100:101::/nonexistent:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
  cat >"$rootfs/etc/group" <<'EOF'
root:x:0:
adm:x:4:
messagebus:x:101:
systemd-journal:x:102:
nogroup:x:65534:
EOF
  cp -L -- /etc/os-release "$rootfs/etc/os-release"
  : >"$rootfs/etc/machine-id" # systemd fills it in at boot
  mkdir -p "$rootfs/var/lib" "$rootfs/var/log" "$rootfs/var/tmp"

  cat >"$rootfs/etc/systemd/system/palisade-vm.target" <<'EOF'
[Unit]
Description=Palisade VM test
Requires=basic.target
After=basic.target
# sysinit.target's .wants would pull these in; the guest has none.
Wants=systemd-journald.socket systemd-journald-dev-log.socket systemd-journald.service
Wants=palisade-vm-test.service
EOF
  ln -sf palisade-vm.target "$rootfs/etc/systemd/system/default.target"
  cat >"$rootfs/etc/systemd/system/palisade-vm-test.service" <<'EOF'
[Unit]
Description=Palisade VM test (/test.sh)
Wants=dbus.socket
After=basic.target dbus.socket systemd-journald.service

[Service]
Type=oneshot
ExecStart=/bin/sh /vm-systemd-test.sh
Environment=PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
StandardInput=null
StandardOutput=tty
StandardError=inherit
TTYPath=/dev/console
EOF
  cat >"$rootfs/vm-systemd-test.sh" <<'EOF'
#!/bin/sh
# palisade-vm-test.service: /test.sh, then the result line and power off.
cd /
echo "vm-init: systemd $(systemctl --version | head -1), running /test.sh"
/bin/sh /test.sh </dev/null
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "vm-init: ----- journal (test failed) -----"
  journalctl --no-pager -b -o short-monotonic | tail -n 150
  echo "vm-init: ----- end of journal -----"
fi
echo "PALISADE-VM-RESULT rc=$rc"
sync
poweroff -f
EOF
  chmod 0755 "$rootfs/vm-systemd-test.sh"
}
