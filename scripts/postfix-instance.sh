# shellcheck shell=bash
# Sourced by the scripts that run a private Postfix instance next to Mailgate (the benchmark's
# comparison, the delivery end-to-end test): its master.cf services and its start.

# postfix_main_cf DIR HOSTNAME: the main.cf of an instance living in DIR (etc, queue, data,
# maillog), listening on loopback only; the caller appends what the instance is for.
postfix_main_cf() {
  local dir=$1
  mkdir -p "$dir/etc" "$dir/queue" "$dir/data"
  cat >"$dir/etc/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
mail_owner = postfix
setgid_group = postdrop
myhostname = $2
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
# No system alias database: each smtpd would try to open /etc/aliases.db (and NIS) at start, log
# an error about it, and pay for that under load.
alias_maps =
alias_database =
CONF
}

# postfix_master_cf FILE LISTENER...: the listeners given (master.cf lines), then Debian's default
# services, every one unchrooted (a private instance has no chroot tree).
postfix_master_cf() {
  local file=$1; shift
  printf '%s\n' "$@" >"$file"
  cat >>"$file" <<'CONF'
pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
tlsmgr unix - - n 1000? 1 tlsmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
smtp unix - - n - - smtp
relay unix - - n - - smtp
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
virtual unix - n n - - virtual
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
CONF
}

# postfix_start ETC-DIR DATA-DIR: creates the queue directories and starts the instance.
postfix_start() {
  chown postfix:postfix "$2"
  postfix -c "$1" check >/dev/null 2>&1 || true # creates the queue directories
  postfix -c "$1" start </dev/null >/dev/null 2>&1
}
