#!/bin/sh
# The shipped examples do what their comments say. For each examples/*.rules
# file, unchanged: start `enforcectl run` on it, perform the actions its
# rules are about and check what a user would: a denied action fails with
# EPERM, a kill rule kills, the exceptions it writes (allow rules,
# `binary not in`, sshd, the metadata agent) let the same action through,
# audit-mode policies block nothing and log `would`, and the audit trail
# names the rule. One example runs at a time.
#
# Runs only in the VM guest (busybox sh) as root: it puts stand-ins
# (copies of the test program) at /usr/sbin/sshd, /usr/bin/make, ... and
# writes /etc/shadow, /etc/ssl/private and /home/u/.ssh.
#   examples_enforcement.sh ENFORCECTL TESTPROG EXPECT EXAMPLES_DIR
# EXPECT is the exec and file mechanism the probe must pick: lsm or fmod_ret.
# Exit status: 0 all checks passed, 1 a check failed, 77 not root or not
# in the VM guest.
set -u

ENFORCECTL=$(readlink -f "$1")
TESTPROG=$(readlink -f "$2")
EXPECT=$3
EXAMPLES=$4

. "$(dirname "$0")/lib.sh"
grep -q 'palisade\.expect=' /proc/cmdline || {
	echo "SKIP: runs only in the VM guest (it overwrites /usr/sbin/sshd, /etc/shadow, ...)"
	exit 77
}
e2e_init examples
# now: seconds since boot, to 1/100 s (busybox date has whole seconds).
now() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
started=$(now)

# --- the guest as the examples expect it --------------------------------
# Stand-ins: copies (never hard links: the rules' files are matched by
# inode too) of the test program at the paths the rules name.
STAND_INS="/usr/sbin/sshd /usr/sbin/nginx /usr/sbin/exim4
/usr/bin/google_guest_agent /usr/bin/ssh /usr/bin/make /usr/bin/nc.openbsd
/usr/bin/dash /usr/bin/unshare /opt/company/bin/tool /opt/vendor/bin/tool
/dev/shm/miner /var/tmp/miner"
for p in $STAND_INS; do
	mkdir -p "$(dirname "$p")" && cp "$TESTPROG" "$p" || { echo "FAIL: cannot make $p"; exit 1; }
done
cp "$TESTPROG" "$W/demo" # a program dropped into /tmp
# An enforcectl under /usr, to switch audit-first's policy to enforce.
cp "$ENFORCECTL" /usr/sbin/enforcectl
# The secrets, and a file to rename over one (a rename across file
# systems fails with EXDEV before any hook: /etc is not /tmp).
mkdir -p /etc/ssl/private /etc/ssh /home/u/.ssh
for f in /etc/shadow /etc/ssl/private/x.key /etc/ssh/sshd_config \
	/etc/ssh/ssh_host_ed25519_key /etc/ssh/ssh_host_ed25519_key.pub \
	/home/u/.ssh/id_rsa /home/u/.ssh/id_rsa.pub /etc/new-shadow; do
	echo data >"$f"
done
# Addresses to connect to that answer at once (ECONNREFUSED) when a
# connect is let through: the metadata address and one outside the
# private networks (TEST-NET-1).
ip addr add 169.254.169.254/32 dev lo && ip addr add 192.0.2.1/32 dev lo ||
	{ echo "FAIL: cannot add addresses to lo"; exit 1; }
# Cgroups named as container runtimes name them, and two host ones.
CG_ROOT=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
CONTAINERS="/docker/abc /system.slice/docker-abc.scope /kubepods/besteffort/pod1/ctr
/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/cri-containerd-abc.scope
/machine.slice/libpod-abc.scope"
HOST_CGROUPS="/ /system.slice/cron.service"
for cg in $CONTAINERS $HOST_CGROUPS; do
	mkdir -p "$CG_ROOT$cg" || { echo "FAIL: cannot create cgroup $CG_ROOT$cg"; exit 1; }
done
E2E_CLEANUP=examples_cleanup
examples_cleanup() {
	ip addr del 169.254.169.254/32 dev lo 2>/dev/null
	ip addr del 192.0.2.1/32 dev lo 2>/dev/null
	for cg in $CONTAINERS /system.slice/cron.service; do
		while [ "$cg" != / ] && [ -n "$cg" ]; do
			rmdir "$CG_ROOT$cg" 2>/dev/null
			cg=${cg%/*}
		done
	done
	for p in $STAND_INS /usr/sbin/enforcectl /etc/new-shadow; do rm -f "$p"; done
}
# in_cgroup CG CMD...: CMD run as a member of cgroup CG.
in_cgroup() {
	cg=$CG_ROOT$1
	shift
	sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' _ "$cg" "$@"
}

# --- actions ------------------------------------------------------------
# denied WHAT VERB CMD...: CMD fails with "VERB failed: EPERM".
denied() {
	what=$1
	verb=$2
	shift 2
	e2e_run "$what" "$@"
	[ "$rc" = 2 ] && [ "$out" = "$verb failed: EPERM" ] &&
		pass "$what: EPERM" || fail "$what was not refused with EPERM"
}
killed() {
	e2e_run "$@"
	[ "$rc" = 137 ] && pass "$what: killed (SIGKILL)" || fail "$what was not killed (rc=$rc)"
}
allowed() {
	e2e_run "$@"
	[ "$rc" = 0 ] && pass "$what: not blocked" || fail "$what was refused"
}

# --- the trail ----------------------------------------------------------
# matching STRING...: how many trail lines contain every STRING (one
# process: a fork costs tens of ms under TCG).
matching() {
	awk -v trail="$W/audit.jsonl" 'BEGIN {
		n = 0
		while ((getline line < trail) > 0) {
			all = 1
			for (i = 1; i < ARGC; i++)
				if (index(line, ARGV[i]) == 0) { all = 0; break }
			n += all
		}
		print n
	}' "$@"
}
trail_has() {
	what=$1
	shift
	n=$(matching "$@")
	[ "$n" -ge 1 ] && pass "trail: $what" || fail "trail lacks $what"
}
trail_lacks() {
	what=$1
	shift
	n=$(matching "$@")
	[ "$n" = 0 ] && pass "trail: $what" || fail "trail: not $what ($n lines)"
}

# example NAME: enforce EXAMPLES/NAME.rules as shipped.
EXERCISED=""
example() {
	EXAMPLE=$1
	E2E_POLICY="$EXAMPLES/$1.rules"
	EXERCISED="$EXERCISED $1 "
	FAILS_BEFORE=$FAILS
	rm -f "$W/audit.jsonl"
	echo "--- examples/$1.rules"
	EXAMPLE_START=$(now)
	e2e_start_run >/dev/null
	echo "  enforcing after $(since "$EXAMPLE_START") s"
	grep -q "exec enforced by $EXPECT " "$W/stderr" &&
		pass "$1 loads and enforces by $EXPECT" || { fail "$1: probe did not choose $EXPECT"; cat "$W/stderr"; }
}
# example_trail: after the run stopped; shows the trail if a check failed.
example_trail() {
	echo "  $EXAMPLE took $(since "$EXAMPLE_START") s"
	[ "$FAILS" = "$FAILS_BEFORE" ] && return
	echo "--- audit trail of $EXAMPLE"
	cat "$W/audit.jsonl"
	echo "---"
}

# --- baseline ------------------------------------------------------------
example baseline
denied "a raw network tool" exec "$TESTPROG" exec /usr/bin/nc.openbsd ok
killed "a program from /dev/shm" "$TESTPROG" exec /dev/shm/miner ok
killed "a program from /var/tmp" "$TESTPROG" exec /var/tmp/miner ok
# The exception: what the shell sshd starts execs (`ssh host nc ...`), its
# parent being sshd; not a tool a shell's child runs, nor a program from
# /dev/shm.
allowed "a network tool sshd's shell execs" /usr/sbin/sshd spawn "$TESTPROG" exec /usr/bin/nc.openbsd ok
denied "a network tool a child of sshd's shell execs" exec \
	/usr/sbin/sshd spawn "$TESTPROG" spawn /usr/bin/nc.openbsd ok
killed "a program from /dev/shm sshd's shell execs" /usr/sbin/sshd spawn "$TESTPROG" exec /dev/shm/miner ok
allowed "another program" "$TESTPROG" exec /usr/bin/make ok
e2e_stop_run
trail_has "the refused network tool, its rule's message" '"path":"/usr/bin/nc.openbsd"' \
	'"action":"deny"' '"policy":"baseline"' '"message":"no raw network tools"'
trail_has "the kill of /dev/shm/miner" '"path":"/dev/shm/miner"' '"action":"kill"' \
	'"message":"no programs from world-writable directories"'
trail_has "the kill of /var/tmp/miner" '"path":"/var/tmp/miner"' '"action":"kill"'
trail_has "the tool sshd's shell ran, parent sshd" '"path":"/usr/bin/nc.openbsd"' \
	'"action":"none"' '"parent_binary":"/usr/sbin/sshd"'
example_trail

# --- secrets-protection ---------------------------------------------------
example secrets-protection
denied "read /etc/shadow" open "$TESTPROG" open /etc/shadow r
allowed "sshd reads /etc/shadow" /usr/sbin/sshd open /etc/shadow r
denied "sshd rewrites /etc/shadow" open /usr/sbin/sshd open /etc/shadow w
denied "read a TLS key" open "$TESTPROG" open /etc/ssl/private/x.key r
allowed "nginx reads the TLS key" /usr/sbin/nginx open /etc/ssl/private/x.key r
denied "nginx rewrites the TLS key" open /usr/sbin/nginx open /etc/ssl/private/x.key w
denied "nginx creates a key" open /usr/sbin/nginx open /etc/ssl/private/new.key wc
denied "edit sshd_config" open "$TESTPROG" open /etc/ssh/sshd_config w
allowed "read sshd_config" "$TESTPROG" open /etc/ssh/sshd_config r
denied "read the SSH host key" open "$TESTPROG" open /etc/ssh/ssh_host_ed25519_key r
allowed "sshd reads the SSH host key" /usr/sbin/sshd open /etc/ssh/ssh_host_ed25519_key r
allowed "read the host key's .pub" "$TESTPROG" open /etc/ssh/ssh_host_ed25519_key.pub r
denied "remove /etc/shadow" unlink "$TESTPROG" unlink /etc/shadow
denied "remove the TLS key" unlink "$TESTPROG" unlink /etc/ssl/private/x.key
denied "move the TLS key out" rename "$TESTPROG" rename /etc/ssl/private/x.key /etc/x.key
denied "replace /etc/shadow" rename "$TESTPROG" rename /etc/new-shadow /etc/shadow
denied "chmod /etc/shadow" chmod "$TESTPROG" chmod /etc/shadow
denied "chown the TLS key" chown "$TESTPROG" chown /etc/ssl/private/x.key
denied "read a user's private SSH key" open "$TESTPROG" open /home/u/.ssh/id_rsa r
allowed "read the user's public key" "$TESTPROG" open /home/u/.ssh/id_rsa.pub r
allowed "ssh reads the private key" /usr/bin/ssh open /home/u/.ssh/id_rsa r
e2e_stop_run
trail_has "the refused read of /etc/shadow" '"kind":"open"' '"path":"/etc/shadow"' \
	'"access":["read"]' '"policy":"secrets"' '"message":"only login tools read password hashes"'
trail_has "sshd's refused rewrite of /etc/shadow" '"path":"/etc/shadow"' '"access":["write"]' \
	'"binary":"/usr/sbin/sshd"' '"action":"deny"'
trail_has "the refused read of the TLS key" '"path":"/etc/ssl/private/x.key"' \
	'"message":"only the servers read TLS keys"'
trail_has "nginx's refused write" '"path":"/etc/ssl/private/x.key"' '"binary":"/usr/sbin/nginx"' \
	'"message":"password hashes, keys and their configuration are read-only"'
trail_has "the refused read of the host key" '"path":"/etc/ssh/ssh_host_ed25519_key"' \
	'"message":"only sshd reads the SSH host keys"'
trail_has "the refused unlink" '"kind":"unlink"' '"path":"/etc/shadow"' '"message":"secrets are not removed"'
trail_has "the refused replacement" '"kind":"rename"' '"target":"/etc/shadow"' \
	'"message":"secrets are not moved or replaced"'
trail_has "the refused chmod" '"kind":"chmod"' '"path":"/etc/shadow"' '"policy":"secrets"' '"action":"deny"'
trail_has "the refused chown" '"kind":"chown"' '"path":"/etc/ssl/private/x.key"' '"action":"deny"'
trail_has "the refused read of id_rsa" '"path":"/home/u/.ssh/id_rsa"' \
	"\"message\":\"only the ssh tools read users' private keys\""
trail_lacks "a decision on id_rsa.pub" '"path":"/home/u/.ssh/id_rsa.pub"'
example_trail

# --- web-reverse-shell ----------------------------------------------------
example web-reverse-shell
killed "nginx starts a shell" /usr/sbin/nginx exec /usr/bin/dash ok
killed "nginx starts a network tool" /usr/sbin/nginx exec /usr/bin/nc.openbsd ok
allowed "nginx starts another program" /usr/sbin/nginx exec /usr/bin/make ok
allowed "a shell started by another program" "$TESTPROG" exec /usr/bin/dash ok
killed "a program from /tmp" "$TESTPROG" exec "$W/demo" ok
killed "a program from /var/tmp" "$TESTPROG" exec /var/tmp/miner ok
killed "a program from /dev/shm" "$TESTPROG" exec /dev/shm/miner ok
e2e_stop_run
trail_has "the web server's shell, killed by its labelled rule" '"path":"/usr/bin/dash"' \
	'"binary":"/usr/sbin/nginx"' '"action":"kill"' '"label":"web-shell"' \
	'"message":"web server started a shell or network tool"'
trail_has "nginx's exit by SIGKILL" '"kind":"exit"' '"binary":"/usr/sbin/nginx"' '"signal":"SIGKILL"'
trail_has "the kill of the program in /tmp" "\"path\":\"$W/demo\"" '"action":"kill"' \
	'"message":"no programs from world-writable directories"'
example_trail

# --- egress-control -------------------------------------------------------
example egress-control
denied "connect to the metadata address" connect "$TESTPROG" connect 169.254.169.254 80 tcp
denied "connect to it IPv4-mapped" connect "$TESTPROG" connect ::ffff:169.254.169.254 80 tcp
denied "connect to the IPv6 metadata address" connect "$TESTPROG" connect fd00:ec2::254 80 tcp
allowed "the guest agent connects to the metadata address" \
	/usr/bin/google_guest_agent connect 169.254.169.254 80 tcp
denied "send mail (port 25)" connect "$TESTPROG" connect 127.0.0.1 25 tcp
denied "submit mail over IPv6 (port 587)" connect "$TESTPROG" connect ::1 587 tcp
allowed "exim4 sends mail" /usr/sbin/exim4 connect 127.0.0.1 25 tcp
denied "bind port 80" bind "$TESTPROG" bind 127.0.0.1 80 tcp
allowed "nginx binds port 80" /usr/sbin/nginx bind 127.0.0.1 80 tcp
allowed "sshd binds port 22" /usr/sbin/sshd bind 127.0.0.1 22 tcp
allowed "bind port 0 (any port)" "$TESTPROG" bind 127.0.0.1 0 tcp
allowed "bind port 8080" "$TESTPROG" bind 127.0.0.1 8080 tcp
allowed "connect outside the private networks (audit)" "$TESTPROG" connect 192.0.2.1 443 tcp
allowed "DNS outside the private networks" "$TESTPROG" connect 192.0.2.1 53 udp
allowed "connect inside the private networks" "$TESTPROG" connect 127.0.0.1 8080 tcp
e2e_stop_run
trail_has "the refused metadata connect" '"kind":"connect"' '"address":"169.254.169.254"' \
	'"action":"deny"' '"policy":"metadata"' '"message":"instance metadata is for the agent only"'
trail_has "the refused IPv6 metadata connect" '"address":"fd00:ec2::254"' '"action":"deny"'
trail_has "the refused mail connect" '"port":25,' '"action":"deny"' '"message":"only the MTA sends mail"'
trail_has "the refused bind" '"kind":"bind"' '"port":80,' '"action":"deny"' \
	'"message":"privileged ports are for the web server and sshd"'
trail_has "the trial's would-deny" '"address":"192.0.2.1"' '"port":443,' '"outcome":"allowed"' \
	'"would":"deny"' '"message":"connection leaves the private networks"'
# What the trial is for: before it is enforced, it shows that it would
# also cut the agent off the metadata endpoint.
trail_has "the trial would also refuse the agent" '"address":"169.254.169.254"' \
	'"binary":"/usr/bin/google_guest_agent"' '"action":"none"' '"would":"deny"'
trail_lacks "a decision on DNS" '"port":53,'
trail_lacks "a decision inside the private networks" '"port":8080,'
example_trail

# --- container-scoped -----------------------------------------------------
example container-scoped
for cg in $CONTAINERS; do
	denied "$cg: exec a namespace tool" exec in_cgroup "$cg" "$TESTPROG" exec /usr/bin/unshare ok
	killed "$cg: run a program dropped into /tmp" in_cgroup "$cg" "$TESTPROG" exec "$W/demo" ok
	denied "$cg: write a kernel setting" open in_cgroup "$cg" "$TESTPROG" open /proc/sys/kernel/hostname w
	denied "$cg: connect to the metadata address" connect \
		in_cgroup "$cg" "$TESTPROG" connect 169.254.169.254 80 tcp
	allowed "$cg: read a kernel setting" in_cgroup "$cg" "$TESTPROG" open /proc/sys/kernel/hostname r
done
killed "/docker/abc: run a program from /dev/shm" in_cgroup /docker/abc "$TESTPROG" exec /dev/shm/miner ok
for cg in $HOST_CGROUPS; do
	allowed "host $cg: exec a namespace tool" in_cgroup "$cg" "$TESTPROG" exec /usr/bin/unshare ok
	allowed "host $cg: run a program from /tmp" in_cgroup "$cg" "$TESTPROG" exec "$W/demo" ok
	allowed "host $cg: write a kernel setting" in_cgroup "$cg" "$TESTPROG" open /proc/sys/kernel/hostname w
	allowed "host $cg: connect to the metadata address" \
		in_cgroup "$cg" "$TESTPROG" connect 169.254.169.254 80 tcp
done
e2e_stop_run
n_containers=$(echo "$CONTAINERS" | wc -w)
# one_per_container WHAT STRING...: one such event from each container.
one_per_container() {
	what=$1
	shift
	n=$(matching "$@")
	[ "$n" = "$n_containers" ] && pass "trail: $what, one per container" ||
		fail "trail has $n events for $what, expected $n_containers"
}
one_per_container "the refused namespace tool" '"path":"/usr/bin/unshare"' '"action":"deny"' \
	'"message":"namespace tools inside a container"'
one_per_container "the kill of the dropped program" "\"path\":\"$W/demo\"" '"action":"kill"' \
	"\"message\":\"programs dropped into a container's scratch space\""
one_per_container "the refused write of a kernel setting" '"path":"/proc/sys/kernel/hostname"' \
	'"access":["write"]' '"action":"deny"' '"message":"a container writes kernel settings"'
one_per_container "the refused metadata connect" '"address":"169.254.169.254"' '"action":"deny"' \
	"\"message\":\"containers do not read the node's metadata\""
example_trail

# --- audit-first ----------------------------------------------------------
example audit-first
allowed "a program outside /usr (audit)" "$TESTPROG" exec "$W/demo" ok
allowed "a vendor program under /opt (audit)" "$TESTPROG" exec /opt/vendor/bin/tool ok
allowed "the operators' tool" "$TESTPROG" exec /opt/company/bin/tool ok
allowed "a packaged program" "$TESTPROG" exec /usr/bin/make ok
# The rollout step the file's comment names. While it is enforced every
# exec outside /usr fails, so only programs under /usr and
# /opt/company/bin run until it is switched back (busybox is in /bin).
mode_out=$(/usr/sbin/enforcectl mode unpackaged enforce 2>&1)
case "$mode_out" in
*'audit -> enforce'*) pass "mode unpackaged enforce" ;;
*) fail "mode switch failed: $mode_out" ;;
esac
denied "enforced: a program outside /usr" exec /opt/company/bin/tool exec "$W/demo" ok
denied "enforced: a vendor program" exec /opt/company/bin/tool exec /opt/vendor/bin/tool ok
allowed "enforced: the operators' tool" /opt/company/bin/tool exec /opt/company/bin/tool ok
mode_out=$(/usr/sbin/enforcectl mode unpackaged audit 2>&1)
case "$mode_out" in
*'enforce -> audit'*) pass "mode unpackaged audit" ;;
*) fail "switch back failed: $mode_out" ;;
esac
e2e_stop_run
trail_has "would deny for the program in /tmp" "\"path\":\"$W/demo\"" '"outcome":"allowed"' \
	'"would":"deny"' '"policy":"unpackaged"' '"message":"program outside /usr"'
trail_has "would deny for the vendor program" '"path":"/opt/vendor/bin/tool"' '"would":"deny"'
trail_lacks "would for the operators' tool" '"path":"/opt/company/bin/tool"' '"would"'
trail_lacks "would for the packaged program" '"path":"/usr/bin/make"' '"would"'
trail_has "the enforced denial" "\"path\":\"$W/demo\"" '"action":"deny"' '"outcome":"blocked"' \
	'"policy":"unpackaged"'
example_trail

# --- quickstart -----------------------------------------------------------
example quickstart
denied "a raw network tool" exec "$TESTPROG" exec /usr/bin/nc.openbsd ok
killed "a program from /dev/shm" "$TESTPROG" exec /dev/shm/miner ok
denied "connect to port 4444" connect "$TESTPROG" connect 127.0.0.1 4444 tcp
denied "IPv6 connect to port 4444" connect "$TESTPROG" connect ::1 4444 tcp
allowed "connect to port 4445" "$TESTPROG" connect 127.0.0.1 4445 tcp
allowed "a program in /tmp (audit)" "$TESTPROG" exec "$W/demo" ok
allowed "make runs a program in /tmp" /usr/bin/make exec "$W/demo" ok
allowed "another program" "$TESTPROG" exec /usr/bin/dash ok
e2e_stop_run
trail_has "the refused tool with its label" '"path":"/usr/bin/nc.openbsd"' '"action":"deny"' \
	'"label":"no-net-tools"' '"message":"no raw network tools"'
trail_has "the kill of /dev/shm/miner" '"path":"/dev/shm/miner"' '"action":"kill"' \
	'"message":"no programs from /dev/shm"'
trail_has "the refused connect" '"port":4444,' '"action":"deny"' '"message":"no connections to port 4444"'
trail_has "would deny for the program in /tmp" "\"path\":\"$W/demo\"" "\"binary\":\"$TESTPROG\"" \
	'"would":"deny"' '"message":"programs in /tmp (audit first)"'
trail_has "make's exec of it as a process start" "\"path\":\"$W/demo\"" '"binary":"/usr/bin/make"' \
	'"action":"none"'
trail_lacks "would for make's exec" "\"path\":\"$W/demo\"" '"binary":"/usr/bin/make"' '"would"'
trail_has "another program as a process start" '"path":"/usr/bin/dash"' '"action":"none"' \
	'"outcome":"allowed"'
example_trail

# Every shipped example has its checks here.
for f in "$EXAMPLES"/*.rules; do
	name=$(basename "$f" .rules)
	case "$EXERCISED" in
	*" $name "*) ;;
	*) fail "examples/$name.rules has no checks in examples_enforcement.sh" ;;
	esac
done
echo "examples took $(since "$started") s"
e2e_finish "example enforcement ($EXPECT)"
