#!/usr/bin/env bash
# bench/profile.sh -- where cnmd spends its time, for the findings in BENCHMARKS.md.
# Runs in a private namespace (scripts/in-private-netns.sh) against the release cnmd:
#   health   h2load Health -c 4 -m 32: perf stat (CPU, context switches, syscalls per request)
#            and perf record -g (call graph), summarised by component
#   attach   300 attach/detach cycles through the SDK: perf stat and perf record -g of cnmd, and
#            one strace -f -T of 20 cycles (syscalls, time in each)
#   scale    fills cnmd with PROFILE_NETWORKS (300) networks and PROFILE_ENDPOINTS (1500) joined
#            endpoints, then profiles 100 attach/detach cycles as in `attach` (what grows with size)
#   cli      the `cnm` CLI's own start-up: `cnm --help` 20 times, perf stat and ltrace-free strace -c
# Usage: bench/profile.sh [health|attach|scale|cli|all] [OUTDIR]   (needs perf, strace, h2load; builds nothing)
# perf.data files and reports stay in OUTDIR (default /tmp/cnm-profile.XXXXXX), nothing is committed.
set -u  # no -e/pipefail: report pipelines end in head, and a failed step should not hide the others
REPO=$(cd "$(dirname "$0")/.." && pwd)
BIN=$REPO/.build/release
WHAT=${1:-all}
if [[ -z ${CNM_PRIVATE_NETNS:-} ]]; then
  [[ $EUID -eq 0 ]] || { echo "profile.sh: must run as root" >&2; exit 1; }
  OUT=${2:-$(mktemp -d /tmp/cnm-profile.XXXXXX)}
  mkdir -p "$OUT"
  exec "$REPO/scripts/in-private-netns.sh" bash "$0" "$WHAT" "$(cd "$OUT" && pwd)"
fi
OUT=$2
W=$(mktemp -d /tmp/cnmp.XXXXXX)
P=""
cleanup() { [[ -n $P ]] && { kill -TERM "$P" 2>/dev/null; wait "$P" 2>/dev/null; }; ip netns del cnmprof 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT
ip netns add cnmprof; ip -n cnmprof link set lo up
nsenter --net=/run/netns/cnmprof "$BIN/cnmd" --socket "$W/s.sock" --state-dir "$W/state" --dns-upstream none \
  --log-level warning 2>"$OUT/cnmd.log" &
P=$!
"$BIN/cnm-bench" ready --socket "$W/s.sock" --since-us 0 >/dev/null
SYSCALLS=syscalls:sys_enter_writev,syscalls:sys_enter_write,syscalls:sys_enter_read,syscalls:sys_enter_readv,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_futex,syscalls:sys_enter_sendmsg,syscalls:sys_enter_recvmsg,syscalls:sys_enter_setns,syscalls:sys_enter_pwrite64,syscalls:sys_enter_fdatasync,syscalls:sys_enter_fsync

# component buckets of a perf report (children = inclusive time), by symbol substring
buckets() {  # $1 perf.data
  perf report -i "$1" --children --sort sym --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' > "$W/children.txt"
  perf report -i "$1" --no-children --sort dso,sym --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -40 > "$W/self.txt"
  echo "## inclusive (children) share of the top frames of interest"
  grep -E 'HTTP2StreamChannelC9configure|9CNMServer13HTTP2Framing|deliverPendingWrites|unbufferAndFlushAutomaticFrames|__GI___writev|_dispatch_worker_thread|swift_task_create_common|finish_task_switch|9CNMServer18ConnectCallHandler|9CNMServer14RequestCollector|CallAdmissionO6decide|7CNMCore10ControllerC|7CNMCore11EmbeddedDNS|refreshSandboxFiles|publishDNSRecords|7Netlink|5Store|GRDB|sqlite3_step|8Firewall|nft_run_cmd|NIOThreadPool|setns' "$W/children.txt" | cut -c1-200 | head -40
  echo "## self time, top 40"
  cut -c1-200 "$W/self.txt"
}

if [[ $WHAT == health || $WHAT == all ]]; then
  printf '{}' > "$W/empty.json"
  echo "# Health, h2load -n 100000 -c 4 -m 32" | tee "$OUT/health.txt"
  perf stat -e task-clock,context-switches,"$SYSCALLS" -p "$P" -o "$W/stat.txt" -- sleep 8 &
  SP=$!; sleep 0.2
  h2load -n 100000 -c 4 -m 32 -B "unix:$W/s.sock" -d "$W/empty.json" -H 'content-type: application/json' \
    http://localhost/cnm.v1.SystemService/Health | grep -E '^finished|^requests:|^time for request' | tee -a "$OUT/health.txt"
  wait "$SP"
  echo "## cnmd counters over the run (100000 requests; the rest of the 8 s window is idle)" | tee -a "$OUT/health.txt"
  grep -E 'task-clock|context-switches|syscalls:' "$W/stat.txt" | tee -a "$OUT/health.txt"
  perf record -e cpu-clock -F 1999 -g -p "$P" -o "$OUT/health.perf.data" -- sleep 5 2>/dev/null &
  RP=$!; sleep 0.2
  h2load -n 80000 -c 4 -m 32 -B "unix:$W/s.sock" -d "$W/empty.json" -H 'content-type: application/json' \
    http://localhost/cnm.v1.SystemService/Health >/dev/null
  wait "$RP"
  buckets "$OUT/health.perf.data" | tee -a "$OUT/health.txt"
fi

if [[ $WHAT == attach || $WHAT == all ]]; then
  echo "# attach/detach, 300 cycles through the SDK (cnm-bench latency --counts 1 --reps 300)" | tee "$OUT/attach.txt"
  perf stat -e task-clock,context-switches,"$SYSCALLS" -p "$P" -o "$W/stat.txt" &
  SP=$!
  "$BIN/cnm-bench" latency --socket "$W/s.sock" --tool cnm --prefix p --reps 300 --counts 1 --networks 0 \
    --samples "$W/samples.csv" --no-verify 2>/dev/null
  kill -INT "$SP"; wait "$SP" || true
  echo "## cnmd counters over 300 attach + 300 detach (+ 2 sandboxes, 1 network)" | tee -a "$OUT/attach.txt"
  grep -E 'task-clock|context-switches|syscalls:' "$W/stat.txt" | tee -a "$OUT/attach.txt"
  for op in attach detach; do
    awk -F, -v op=$op '$2 == op { print $4 }' "$W/samples.csv" | sort -n | awk -v op=$op '{ v[NR] = $1 } END { printf "%s median %.3f ms over %d\n", op, v[int((NR + 1) / 2)], NR }'
  done | tee -a "$OUT/attach.txt"
  perf record -e cpu-clock -F 1999 -g -p "$P" -o "$OUT/attach.perf.data" 2>/dev/null &
  RP=$!
  "$BIN/cnm-bench" latency --socket "$W/s.sock" --tool cnm --prefix q --reps 300 --counts 1 --networks 0 \
    --samples "$W/samples2.csv" --no-verify 2>/dev/null
  kill -INT "$RP"; wait "$RP" || true
  buckets "$OUT/attach.perf.data" | tee -a "$OUT/attach.txt"
  echo "## strace -f -T of 20 cycles: syscalls by total time" | tee -a "$OUT/attach.txt"
  strace -f -T -tt -p "$P" -o "$OUT/attach.strace" &
  TP=$!; sleep 0.5
  "$BIN/cnm-bench" latency --socket "$W/s.sock" --tool cnm --prefix r --reps 20 --counts 1 --networks 0 \
    --samples "$W/samples3.csv" --no-verify 2>/dev/null
  kill -INT "$TP"; wait "$TP" 2>/dev/null || true
  awk '{ if (match($0, /<[0-9.]+>$/)) { t = substr($0, RSTART + 1, RLENGTH - 2); split($3, a, "("); s[a[1]] += t; c[a[1]]++ } }
       END { for (k in s) printf "%-20s %6d calls %9.3f ms\n", k, c[k], s[k] * 1000 }' "$OUT/attach.strace" \
    | sort -k4 -nr | head -20 | tee -a "$OUT/attach.txt"
fi

if [[ $WHAT == scale ]]; then
  NETS=${PROFILE_NETWORKS:-300}; EPS=${PROFILE_ENDPOINTS:-1500}
  echo "# attach/detach with $NETS networks and $EPS joined endpoints" | tee "$OUT/scale.txt"
  "$BIN/cnm-bench" scale --socket "$W/s.sock" --pid "$P" --networks "$NETS" --endpoints "$EPS" --cycles 0 --probe 1 \
    --samples "$W/fill.csv" --metrics "$W/fill-metrics.csv" 2>/dev/null
  perf stat -e task-clock,context-switches,"$SYSCALLS" -p "$P" -o "$W/stat.txt" &
  SP=$!
  "$BIN/cnm-bench" latency --socket "$W/s.sock" --tool cnm --prefix p --reps 100 --counts 1 --networks 10 \
    --samples "$W/samples.csv" --no-verify 2>/dev/null
  kill -INT "$SP"; wait "$SP" || true
  grep -E 'task-clock|context-switches|syscalls:' "$W/stat.txt" | tee -a "$OUT/scale.txt"
  for op in attach detach "network create"; do
    awk -F, -v op="$op" '$2 == op { print $4 }' "$W/samples.csv" | sort -n | awk -v op="$op" '{ v[NR] = $1 } END { printf "%s median %.3f ms over %d\n", op, v[int((NR + 1) / 2)], NR }'
  done | tee -a "$OUT/scale.txt"
  perf record -e cpu-clock -F 1999 -g -p "$P" -o "$OUT/scale.perf.data" 2>/dev/null &
  RP=$!
  "$BIN/cnm-bench" latency --socket "$W/s.sock" --tool cnm --prefix q --reps 100 --counts 1 --networks 10 \
    --samples "$W/samples2.csv" --no-verify 2>/dev/null
  kill -INT "$RP"; wait "$RP" || true
  buckets "$OUT/scale.perf.data" | tee -a "$OUT/scale.txt"
  echo "# restart with that state: perf stat and perf record -g of cnmd from exec to Health" | tee -a "$OUT/scale.txt"
  kill -TERM "$P"; wait "$P"
  t0=${EPOCHREALTIME/./}
  perf record -e cpu-clock -F 999 -g -o "$OUT/restart.perf.data" -- \
    nsenter --net=/run/netns/cnmprof "$BIN/cnmd" --socket "$W/s.sock" --state-dir "$W/state" \
    --dns-upstream none --log-level warning 2>>"$OUT/cnmd.log" &
  P=$!
  "$BIN/cnm-bench" ready --socket "$W/s.sock" --since-us "$t0" --metrics "$W/restart.csv" --label restart 2>/dev/null
  cat "$W/restart.csv" | tee -a "$OUT/scale.txt"
  # perf's child is cnmd (nsenter execs it): stop cnmd, perf then writes its file and exits.
  kill -TERM "$(pgrep -P "$P" | head -1)" 2>/dev/null; wait "$P"
  perf report -i "$OUT/restart.perf.data" --children --sort sym --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' \
    | grep -E '7CNMCore|5Store|7Netlink|8Firewall|GRDB|sqlite3_step|setns|nl_|__libc_sendmsg|__libc_recvmsg|_dispatch_worker' \
    | head -40 | cut -c1-200 | tee -a "$OUT/scale.txt"
  perf report -i "$OUT/restart.perf.data" --no-children --sort dso,sym --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' \
    | head -25 | cut -c1-200 | tee -a "$OUT/scale.txt"
  P=""
fi

if [[ $WHAT == cli || $WHAT == all ]]; then
  echo "# cnm CLI start-up: 20 x cnm --host unix://... network ls" | tee "$OUT/cli.txt"
  t0=${EPOCHREALTIME/./}
  for i in $(seq 20); do "$BIN/cnm" --host "unix://$W/s.sock" network ls >/dev/null; done
  echo "mean wall per invocation: $(( (${EPOCHREALTIME/./} - t0) / 20000 )) ms" | tee -a "$OUT/cli.txt"
  t0=${EPOCHREALTIME/./}
  for i in $(seq 20); do "$BIN/cnm" --help >/dev/null; done
  echo "mean wall of cnm --help (no connection): $(( (${EPOCHREALTIME/./} - t0) / 20000 )) ms" | tee -a "$OUT/cli.txt"
  perf stat -r 10 -e task-clock,page-faults "$BIN/cnm" --help 2>&1 >/dev/null | grep -E 'task-clock|page-faults|elapsed' | tee -a "$OUT/cli.txt"
  strace -f -c -o "$W/cli.strace" "$BIN/cnm" --host "unix://$W/s.sock" network ls >/dev/null
  head -15 "$W/cli.strace" | tee -a "$OUT/cli.txt"
  echo "shared libraries loaded: $(ldd "$BIN/cnm" | wc -l)" | tee -a "$OUT/cli.txt"
  perf record -e cpu-clock -F 9999 -g -o "$OUT/cli.perf.data" -- bash -c "for i in \$(seq 20); do '$BIN/cnm' --help >/dev/null; done" 2>/dev/null
  perf report -i "$OUT/cli.perf.data" --no-children --sort dso --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -12 | tee -a "$OUT/cli.txt"
  perf report -i "$OUT/cli.perf.data" --no-children --comm cnm --sort sym --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -25 | cut -c1-180 | tee -a "$OUT/cli.txt"
fi
echo "profile.sh: reports and perf data in $OUT" >&2
