#!/bin/sh
# palisaded as a Debian system runs it (vm tier, run-in-vm.sh --systemd):
# systemd is PID 1, the files are the .deb's (unpacked into the guest's
# root, its maintainer scripts in /opt/palisade-deb), the bus is the
# system bus with the package's policy. What an operator relies on:
#  - the package's postinst creates the directories and enables the unit;
#  - `systemctl start` returns only once the admin's policies are
#    enforced (Type=notify, READY=1 after the apply), STATUS= says what is
#    in force;
#  - the unit's hardening is in effect and leaves BPF, the state and the
#    trail working;
#  - the bus policy lets anyone read (status, list) and refuses the rest
#    to non-root, at the bus, with the state unchanged;
#  - `systemctl reload` re-reads /etc/palisade/policies.d, and fails,
#    with the located diagnostics in the journal, for a broken file while
#    the running policy stays;
#  - a crash (SIGKILL) keeps enforcing, systemd restarts the service, and
#    the new daemon adopts the same programs;
#  - `systemctl stop` removes enforcement (the default --on-stop remove);
#    the package's prerm disables the unit.
#   systemd_unit.sh    (no arguments; pal-testprog is /bin/pal-testprog)
set -u
. /opt/e2e/lib.sh
e2e_init systemd
ENFORCECTL=/usr/sbin/enforcectl
UNIT=palisaded.service
TRAIL=/var/log/palisade/audit.jsonl

show() { systemctl show -p "$1" --value "$UNIT"; }
exec_status() { "$1" ok >/dev/null 2>&1; echo $?; }
refused() { [ "$(exec_status "$1")" = 126 ]; }
pinned() { "$ENFORCECTL" status --json | grep -o '"pinned_programs":\[[^]]*\]'; }
in_journal() { journalctl --no-pager -b -u "$UNIT" | grep -qF "$1"; }
# deny_exec_policy NAME PROGRAM: a policy file NAME that denies PROGRAM
deny_exec_policy() {
	printf 'policy "%s" mode enforce {\n  deny exec when path == "%s"\n}\n' "$1" "$2"
}
# wait_for SECONDS COMMAND...: until COMMAND succeeds
wait_for() {
	n=$(($1 * 10))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# World-readable: the non-root caller below reads a policy from here.
P=/tmp/systemd-policies
mkdir -p "$P" && chmod 755 "$P"
for prog in guarded free later; do
	cp /bin/pal-testprog "$P/$prog"
	chmod 755 "$P/$prog"
done

[ -f /usr/lib/systemd/system/$UNIT ] && pass "the unit is installed in /usr/lib/systemd/system" ||
	fail "no installed unit"
[ -f /usr/share/dbus-1/system.d/org.palisade.Enforcer1.conf ] && pass "the bus policy is installed" ||
	fail "no installed bus policy"

# --- the package's postinst ----------------------------------------------
if sh /opt/palisade-deb/postinst configure; then pass "postinst configure"; else fail "postinst"; fi
[ "$(systemctl is-enabled "$UNIT")" = enabled ] && pass "postinst enabled the unit" ||
	fail "not enabled: $(systemctl is-enabled "$UNIT")"
[ -d /etc/palisade/policies.d ] && [ -d /var/lib/palisade/policies ] &&
	pass "postinst created the directories (tmpfiles.d)" || fail "directories missing"
[ "$(systemctl show -p ActiveState --value "$UNIT")" = inactive ] && pass "postinst did not start it" ||
	fail "postinst started it"

deny_exec_policy guard "$P/guarded" >/etc/palisade/policies.d/guard.rules

# --- start: READY=1 only once the stored policies are enforced ----------
if systemctl start "$UNIT"; then pass "systemctl start"; else fail "systemctl start"; fi
# No wait: systemctl returned, so systemd had READY=1.
refused "$P/guarded" && pass "when start returns, the admin's policy is enforced" ||
	fail "start returned before the policy was enforced"
[ "$(exec_status "$P/free")" = 0 ] && pass "a program no rule names runs" || fail "the neighbour was stopped"
[ "$(show ActiveState)/$(show SubState)" = active/running ] && pass "active (running)" ||
	fail "state $(show ActiveState)/$(show SubState)"
status=$(show StatusText)
case "$status" in "1 policy files, 1 rules in force, generation "*) pass "STATUS=: $status" ;;
*) fail "StatusText: '$status'" ;; esac
in_journal "palisaded: ready" && pass "its log is in the journal" || fail "nothing in the journal"

# --- the unit's hardening is in effect ------------------------------------
pid=$(show MainPID)
grep -q '^NoNewPrivs:[[:space:]]*1' "/proc/$pid/status" && pass "NoNewPrivileges" || fail "NoNewPrivs not set"
capbnd=$(sed -n 's/^CapBnd:[[:space:]]*//p' "/proc/$pid/status")
[ "$capbnd" != "$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/1/status)" ] &&
	pass "capabilities bounded (CapBnd $capbnd)" || fail "CapBnd not reduced: $capbnd"
[ "$(readlink "/proc/$pid/ns/mnt")" != "$(readlink /proc/1/ns/mnt)" ] &&
	pass "its own mount namespace (ProtectSystem=strict)" || fail "no mount namespace of its own"

# --- the bus policy: reading for anyone, changes for root ----------------
"$ENFORCECTL" list | grep -q "guard .*(config)" && pass "root: list over the system bus" ||
	{ fail "list"; "$ENFORCECTL" list; }
nobody() { /usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
nobody busctl call org.palisade.Enforcer1 /org/palisade/Enforcer1 org.palisade.Enforcer1 Status >/dev/null 2>&1 &&
	pass "non-root: Status is allowed" || fail "non-root Status refused"
nobody "$ENFORCECTL" list >/dev/null 2>&1 && pass "non-root: list is allowed" || fail "non-root list refused"
deny_exec_policy watch "$P/free" >"$P/watch.rules"
chmod 644 "$P/watch.rules"
out=$(nobody "$ENFORCECTL" apply "$P/watch.rules" 2>&1)
rc=$?
case "$rc:$out" in 1:*AccessDenied*) pass "non-root apply: AccessDenied" ;;
*) fail "non-root apply: rc $rc: $out" ;; esac
[ "$(exec_status "$P/free")" = 0 ] && ! "$ENFORCECTL" list | grep -q "^watch " &&
	pass "the refused apply changed nothing" || fail "a non-root apply changed the state"

# --- root applies in audit mode, then enforces: the state directory is writable
out=$("$ENFORCECTL" apply "$P/watch.rules" --mode audit 2>&1)
case "$out" in *'applied "watch"'*) pass "root apply (audit)" ;; *) fail "apply: $out" ;; esac
[ -f /var/lib/palisade/policies/watch.rules ] && pass "stored in /var/lib/palisade/policies (StateDirectory)" ||
	fail "not stored"
[ "$(exec_status "$P/free")" = 0 ] && pass "audit: the program still runs" || fail "audit blocked"
wait_for 5 sh -c "grep -F '\"path\":\"$P/free\"' $TRAIL | grep -qF '\"would\":\"deny\"'" &&
	pass "audit: the trail in /var/log/palisade says it would deny" || fail "no would-deny in $TRAIL"
"$ENFORCECTL" mode watch enforce >/dev/null && refused "$P/free" && pass "mode watch enforce: now refused" ||
	fail "mode enforce"
"$ENFORCECTL" remove watch >/dev/null && [ "$(exec_status "$P/free")" = 0 ] && pass "remove watch" ||
	fail "remove"

# --- reload: the admin's directory as it is now --------------------------
deny_exec_policy later "$P/later" >/etc/palisade/policies.d/later.rules
if systemctl reload "$UNIT"; then pass "systemctl reload"; else fail "systemctl reload"; fi
refused "$P/later" && pass "reload: the new file is enforced" || fail "reload did not enforce later.rules"
case "$(show StatusText)" in "2 policy files, 2 rules in force, "*) pass "STATUS= after reload" ;;
*) fail "StatusText after reload: $(show StatusText)" ;; esac
printf 'policy "broken" mode enforce {\n  deny exec when pth == "/x"\n}\n' >/etc/palisade/policies.d/broken.rules
if systemctl reload "$UNIT" 2>/dev/null; then fail "a reload with a broken file succeeded"; else
	pass "reload with a broken file fails"; fi
in_journal "broken.rules:2:" && pass "the journal has the located diagnostic" ||
	{ fail "no located diagnostic in the journal"; journalctl --no-pager -b -u "$UNIT" | tail -20; }
[ "$(show ActiveState)" = active ] && refused "$P/guarded" && refused "$P/later" &&
	pass "the running policies stay enforced" || fail "a broken reload changed what is enforced"
rm /etc/palisade/policies.d/broken.rules

# --- a crash: enforcement stays, systemd restarts, the new one adopts ----
before=$(pinned)
old_pid=$(show MainPID)
systemctl kill -s KILL "$UNIT"
refused "$P/guarded" && pass "after SIGKILL of palisaded: still refused" || fail "a crash ended enforcement"
restarted() { [ "$(show NRestarts)" = 1 ] && [ "$(show ActiveState)" = active ] && [ "$(show MainPID)" != "$old_pid" ]; }
wait_for 30 restarted && pass "Restart=on-failure: restarted" ||
	fail "not restarted: $(show ActiveState) NRestarts=$(show NRestarts)"
in_journal "adopted the enforcement of pid $old_pid" && pass "the new daemon adopts it" || fail "not adopted"
[ "$(pinned)" = "$before" ] && pass "the same program ids: nothing loaded twice" ||
	{ fail "programs changed"; echo "before: $before"; echo "after: $(pinned)"; }
refused "$P/guarded" && refused "$P/later" && pass "adopted: both files enforced" || fail "adopted: not enforced"

# --- stop: enforcement removed -------------------------------------------
if systemctl stop "$UNIT"; then pass "systemctl stop"; else fail "systemctl stop"; fi
[ "$(exec_status "$P/guarded")" = 0 ] && pass "stopped: the program runs" || fail "stopped: still refused"
[ ! -e /sys/fs/bpf/palisade ] && pass "stopped: the pins are gone" || fail "pins left after stop"
in_journal "stopped; enforcement removed" && pass "the journal says it was removed" || fail "no stop line"
sh /opt/palisade-deb/prerm remove && [ "$(systemctl is-enabled "$UNIT")" = disabled ] &&
	pass "prerm remove disables the unit" || fail "prerm: $(systemctl is-enabled "$UNIT")"
cp "$TRAIL" "$W/audit.jsonl" 2>/dev/null # e2e_finish shows it on failure
e2e_finish systemd
