#!/usr/bin/env bash
# bench/run.sh -- cnm side by side with the tools people run today, in one private namespace and
# one run. See BENCHMARKS.md for the method and the latest table.
#
#   1. cnm through the Swift SDK (bench/driver, `cnm-bench latency`): attach (ConnectSandbox) and
#      detach (DisconnectSandbox) for N = 1 (repeated), 100 and 1,000 sandboxes, network create and
#      delete; once with cnmd's nftables firewall, once with `--firewall none`.
#   2. RPC throughput: h2load over the Unix socket against Health, GetNetwork and ListNetworks
#      (100 networks), at -c 1/4 and -m 1/32.
#   3. The peers through ../shared/scripts/bench-peers.sh (CNI bridge plugin with and without
#      ipMasq, netavark internal and with firewall, iproute2, pyroute2, kernel primitives), plus
#      cnm's own CLI as its "extra" tool (one `cnm` process per attach/detach).
#   4. dockerd 20.10 (libnetwork) through ../shared/scripts/start-dockerd.sh, in its own netns:
#      network create/delete and connect/disconnect through its HTTP API (timed by curl).
#   5. With --scale: 1,000 networks and 5,000 joined endpoints through the API, latency on an
#      empty daemon vs at that size, cnmd's RSS, 10,000 connect/disconnect cycles, restart time.
# The default run (about 10-15 minutes on 2 cores) runs the peers at N = 1 and 100; --full adds
# the peers at N = 1,000 and the scale part (about 35 minutes): that is the run BENCHMARKS.md quotes.
#
# Everything that touches the kernel runs inside a private network + mount namespace
# (scripts/in-private-netns.sh); each cnmd gets a nested netns of its own (entered with
# `nsenter --net`, so that the sandboxes it mounts under /run/netns stay visible to the driver),
# a temporary state dir and socket, and `--dns-upstream none`. Only our own processes are
# stopped, by PID. The host's links, namespaces and nftables tables are compared before/after.
#
# Usage: bench/run.sh [--full] [--scale] [--quick] [--no-build] [--no-install] [--no-peers]
#                     [--no-docker] [--no-h2load] [--cycles N] [--out DIR]
#   --full        peers also at N = 1,000, and the scale part
#   --scale       also run the scale part (adds ~15 minutes)
#   --quick       N = 1, 100 only, fewer repetitions (for trying the script; not for BENCHMARKS.md)
#   --no-build    use the existing .build/release binaries
#   --no-install  do not apt-get/pip install missing peers (they are then skipped)
#   --cycles N    connect/disconnect cycles of the scale part (default 10000)
#   --out DIR     results directory (default bench/results/YYYYmmdd-HHMMSS)
# Environment: CNMB_PEER_TOOLS (default "cni cnimasq nvint nv ipnomove pyroute2 extra kprims"),
#   CNMB_H2LOAD_N (requests per h2load run, default 20000), CNMB_SCALE_NETWORKS (1000) and
#   CNMB_SCALE_ENDPOINTS (5000) for trying the scale part small.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
SHARED=$(cd "$REPO/../shared/scripts" 2>/dev/null && pwd || true)
BIN=$REPO/.build/release

SCALE=0; FULL=0; QUICK=0; BUILD=1; INSTALL=1; PEERS=1; DOCKER=1; H2LOAD=1; CYCLES=10000; OUT=""
while (( $# )); do
  case $1 in
    --scale) SCALE=1 ;; --full) FULL=1; SCALE=1 ;; --quick) QUICK=1 ;; --no-build) BUILD=0 ;; --no-install) INSTALL=0 ;;
    --no-peers) PEERS=0 ;; --no-docker) DOCKER=0 ;; --no-h2load) H2LOAD=0 ;;
    --cycles) CYCLES=$2; shift ;; --out) OUT=$2; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
note() { echo "run.sh: $*" >&2; }
die() { note "$*"; exit 1; }

if (( QUICK )); then COUNTS=1,100; REPS=20; PEER_N="1 100"; PEER_R=20; NETS=20; DOCKER_REPS=10
else COUNTS=1,100,1000; REPS=50; PEER_N="1 100"; PEER_R=50; NETS=50; DOCKER_REPS=30; fi
(( FULL )) && PEER_N="$PEER_N 1000"
PEER_TOOLS=${CNMB_PEER_TOOLS:-cni cnimasq nvint nv ipnomove pyroute2 extra kprims}
H2N=${CNMB_H2LOAD_N:-20000}

# ------------------------------------------------------------------------------------------------
# Outer half: install, build, snapshot the host, run the inner half privately, compare, report.
# ------------------------------------------------------------------------------------------------
if [[ -z ${CNMB_INNER:-} ]]; then
  [[ $EUID -eq 0 ]] || die "must run as root (namespaces, netlink)"
  [[ -n $SHARED && -x $SHARED/bench-peers.sh ]] || { note "no ../shared/scripts/bench-peers.sh: peers and dockerd skipped"; PEERS=0; DOCKER=0; }
  if (( INSTALL )); then
    missing=()
    command -v h2load >/dev/null || missing+=(nghttp2-client)
    command -v nft >/dev/null || missing+=(nftables)
    command -v ping >/dev/null || missing+=(iputils-ping)
    [[ -x /usr/bin/time ]] || missing+=(time)
    if (( PEERS )); then
      [[ -x /usr/lib/cni/bridge ]] || missing+=(containernetworking-plugins)
      [[ -x /usr/lib/podman/netavark ]] || missing+=(netavark)
      command -v iptables >/dev/null || missing+=(iptables)
      python3 -c 'import venv' 2>/dev/null || missing+=(python3-venv)
    fi
    if (( DOCKER )); then command -v dockerd >/dev/null && [[ -x /bin/busybox ]] || missing+=(docker.io busybox-static); fi
    if (( ${#missing[@]} )); then
      note "installing ${missing[*]}"
      [[ -x /usr/sbin/policy-rc.d ]] || note "WARNING: no /usr/sbin/policy-rc.d: docker.io may try to start a system dockerd"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
    if (( PEERS )) && ! /tmp/pb-venv/bin/python -c 'import pyroute2' 2>/dev/null; then
      note "installing pyroute2 0.9.7 into /tmp/pb-venv"
      python3 -m venv /tmp/pb-venv && /tmp/pb-venv/bin/pip install -q pyroute2==0.9.7
    fi
  fi
  command -v h2load >/dev/null || { note "h2load missing: throughput skipped"; H2LOAD=0; }
  if (( BUILD )); then
    for product in cnmd cnm cnm-bench; do
      note "building $product (release)"
      (cd "$REPO" && flock /work/.swift-build.lock swift build -c release --product "$product" >/dev/null) \
        || die "release build of $product failed"
    done
  fi
  for b in cnmd cnm cnm-bench; do [[ -x $BIN/$b ]] || die "$BIN/$b missing (build with swift build -c release)"; done

  OUT=${OUT:-$REPO/bench/results/$(date -u +%Y%m%d-%H%M%S)}
  mkdir -p "$OUT"
  OUT=$(cd "$OUT" && pwd)
  before=$(mktemp -d /tmp/cnmb-host.XXXXXX)
  ip -o link | sed 's/^[0-9]*: //' | sort > "$before/links"; ip netns list | sort > "$before/netns"
  nft list tables | sort > "$before/nft"
  {
    echo "date=$(date -u +%FT%TZ) repo=$(cd "$REPO" && git rev-parse --short HEAD)$(cd "$REPO" && git diff --quiet HEAD -- Sources clients || echo '+uncommitted')"
    echo "kernel=$(uname -r) nproc=$(nproc) mem=$(free -g | awk '/Mem:/{print $2}')GiB loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "concurrent swift builds at start: $(pgrep -fc swift-build || true) (this is a shared machine; other work may run)"
    echo "swift: $(swift --version 2>/dev/null | head -1); cnmd binary built $(date -u -r "$BIN/cnmd" +%FT%TZ)"
    echo "options: counts=$COUNTS reps=$REPS peers_n='$PEER_N' peer_reps=$PEER_R networks=$NETS scale=$SCALE cycles=$CYCLES full=$FULL"
  } > "$OUT/env.txt"
  t0=$SECONDS
  set +e
  CNMB_INNER=1 CNMB_OUT=$OUT CNMB_SHARED=$SHARED CNMB_BIN=$BIN CNMB_SCALE=$SCALE CNMB_PEERS=$PEERS \
    CNMB_DOCKER=$DOCKER CNMB_H2=$H2LOAD CNMB_CYCLES=$CYCLES CNMB_COUNTS=$COUNTS CNMB_REPS=$REPS \
    CNMB_PEER_N=$PEER_N CNMB_PEER_R=$PEER_R CNMB_NETS=$NETS CNMB_DOCKER_REPS=$DOCKER_REPS \
    CNMB_PEER_TOOLS=$PEER_TOOLS CNMB_H2N=$H2N CNMB_SCALE_NETWORKS=${CNMB_SCALE_NETWORKS:-1000} \
    CNMB_SCALE_ENDPOINTS=${CNMB_SCALE_ENDPOINTS:-5000} \
    "$REPO/scripts/in-private-netns.sh" bash "$REPO/bench/run.sh"
  rc=$?
  set -e
  {
    echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg) concurrent swift builds at end: $(pgrep -fc swift-build || true)"
    echo "wall time: $(( SECONDS - t0 )) s, inner exit status $rc"
  } >> "$OUT/env.txt"
  # Leave nothing behind: the host's links, namespaces and nft tables must be as before.
  sleep 1
  after=$(mktemp -d /tmp/cnmb-host.XXXXXX)
  ip -o link | sed 's/^[0-9]*: //' | sort > "$after/links"; ip netns list | sort > "$after/netns"
  nft list tables | sort > "$after/nft"
  for f in links netns nft; do
    if ! diff -q "$before/$f" "$after/$f" >/dev/null; then
      note "host $f changed during the run (other work on the machine, or a leak):"; diff "$before/$f" "$after/$f" >&2 || true
      echo "host $f changed during the run: $(diff "$before/$f" "$after/$f" | grep -c '^[<>]') line(s)" >> "$OUT/env.txt"
    fi
  done
  rm -rf "$before" "$after"
  "$BIN/cnm-bench" report --dir "$OUT"
  note "results in $OUT (table.md, table.csv and the raw files)"
  exit "$rc"
fi

# ------------------------------------------------------------------------------------------------
# Inner half: inside the private network and mount namespace.
# ------------------------------------------------------------------------------------------------
[[ ${CNM_PRIVATE_NETNS:-} == 1 ]] || die "inner half must run in a private namespace"
OUT=$CNMB_OUT; BIN=$CNMB_BIN; SHARED=$CNMB_SHARED
WORK=$(mktemp -d /tmp/cnmb-run.XXXXXX)
CNMD_PID=""; DOCKER_UP=0
# dockerd's default pools hold 31 networks; like cnm's, its pool here hands out /24s (so 50 fit).
DOCKER_ENV=(ANCHOR_PREFIX="$WORK/docker" ANCHOR_NETNS=cnmb-dockerns ANCHOR_LOG="$WORK/dockerd.log" ANCHOR_INSTALL=0
  ANCHOR_DOCKERD_ARGS="--default-address-pool base=10.212.0.0/16,size=24")
cleanup() {
  set +e  # every step runs, whatever failed before or fails here
  if [[ -n $CNMD_PID ]]; then kill -TERM "$CNMD_PID" 2>/dev/null; wait "$CNMD_PID" 2>/dev/null; fi
  if (( DOCKER_UP )); then env "${DOCKER_ENV[@]}" "$SHARED/start-dockerd.sh" purge >/dev/null 2>&1; fi
  local ns; for ns in $(ip netns list | awk '{print $1}'); do ip netns del "$ns" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_cnmd NETNS STATE SOCKET [cnmd flags...]: cnmd in a nested netns of its own; sets CNMD_PID.
start_cnmd() {
  local ns=$1 state=$2 sock=$3; shift 3
  [[ -e /run/netns/$ns ]] || { ip netns add "$ns"; ip -n "$ns" link set lo up; }
  START_US=${EPOCHREALTIME/./}
  nsenter --net="/run/netns/$ns" "$BIN/cnmd" --socket "$sock" --state-dir "$state" --dns-upstream none \
    --log-level warning "$@" >>"$OUT/cnmd.log" 2>&1 &
  CNMD_PID=$!
}
stop_cnmd() {  # SIGTERM our cnmd and wait for it; sets STOP_MS (not in a subshell: it must wait)
  local t0=${EPOCHREALTIME/./}
  kill -TERM "$CNMD_PID"; wait "$CNMD_PID" 2>/dev/null || true
  CNMD_PID=""
  STOP_MS=$(( (${EPOCHREALTIME/./} - t0) / 1000 ))
}
bench() { "$BIN/cnm-bench" "$@"; }
# The kernel tears deleted namespaces and links down asynchronously (and holds the RTNL lock while
# doing so); like bench-peers.sh, wait after a pass so that it does not bleed into the next one.
settle() { sleep $(( 2 + ${CNMB_COUNTS##*,} / 100 )); }

# ---------------------------------------------------------------- 1. cnm through the SDK
S1=$WORK/fw.sock
start_cnmd cnmb-fw "$WORK/state-fw" "$S1"
bench ready --socket "$S1" --since-us "$START_US" --pid "$CNMD_PID" --metrics "$OUT/daemon.csv" --label "fresh start"
note "cnm SDK, firewall on"
bench latency --socket "$S1" --tool "cnm (SDK)" --prefix a --reps "$CNMB_REPS" --counts "$CNMB_COUNTS" \
  --networks "$CNMB_NETS" --samples "$OUT/samples.csv"
awk '/^VmRSS|^VmHWM/ { sub(":", "", $1); printf "after the latency suite (firewall on): %s,%.3f,MiB\n", $1, $2 / 1024 }' \
  /proc/"$CNMD_PID"/status >> "$OUT/daemon.csv"

# ---------------------------------------------------------------- 2. RPC throughput
if (( CNMB_H2 )); then
  note "h2load: populating 100 networks"
  bench populate --socket "$S1" --networks 100 --prefix pn
  printf '{}' > "$WORK/empty.json"; printf '{"network":"pn0"}' > "$WORK/get.json"
  echo "method,clients,streams,requests,succeeded,req_per_s,mean_ms,max_ms" > "$OUT/h2load.csv"
  to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) printf "%.3f", v / 1000; else if (v ~ /ms$/) printf "%.3f", v + 0; else if (v ~ /s$/) printf "%.3f", v * 1000; else print v }'; }
  for spec in "Health SystemService/Health empty.json" "GetNetwork NetworkService/GetNetwork get.json" \
              "ListNetworks(100) NetworkService/ListNetworks empty.json"; do
    read -r name path body <<< "$spec"
    for c in 1 4; do for m in 1 32; do
      note "h2load $name -c $c -m $m -n $CNMB_H2N"
      h2load -n "$CNMB_H2N" -c "$c" -m "$m" -B "unix:$S1" -d "$WORK/$body" -H 'content-type: application/json' \
        "http://localhost/cnm.v1.$path" > "$WORK/h2.out" 2>&1 || true
      rps=$(awk '/^finished in/ {print $4}' "$WORK/h2.out")
      ok=$(awk '/^requests:/ {print $8}' "$WORK/h2.out")
      read -r mean max < <(awk '/^time for request:/ {print $6, $5}' "$WORK/h2.out")
      echo "$name,$c,$m,$CNMB_H2N,${ok:-0},${rps:-0},$(to_ms "${mean:-0}"),$(to_ms "${max:-0}")" >> "$OUT/h2load.csv"
      [[ ${ok:-0} == "$CNMB_H2N" ]] || { note "h2load $name: not every request succeeded"; tail -n 12 "$WORK/h2.out" >&2; }
    done; done
  done
fi
stop_cnmd; echo "stop (SIGTERM to exit) after the suites (firewall on),$STOP_MS,ms" >> "$OUT/daemon.csv"
ip netns del cnmb-fw
settle

# ---------------------------------------------------------------- 1b. cnm through the SDK, --firewall none
S2=$WORK/nofw.sock
start_cnmd cnmb-nofw "$WORK/state-nofw" "$S2" --firewall none
bench ready --socket "$S2" --since-us "$START_US" --pid "$CNMD_PID" --metrics "$OUT/daemon.csv" --label "fresh start (--firewall none)"
note "cnm SDK, --firewall none"
bench latency --socket "$S2" --tool "cnm (SDK, --firewall none)" --prefix b --reps "$CNMB_REPS" \
  --counts "$CNMB_COUNTS" --networks "$CNMB_NETS" --samples "$OUT/samples.csv"
stop_cnmd; echo "stop (SIGTERM to exit) after the suite (--firewall none),$STOP_MS,ms" >> "$OUT/daemon.csv"
ip netns del cnmb-nofw
settle

# ---------------------------------------------------------------- 3. peers (and cnm's CLI as "extra")
if (( CNMB_PEERS )); then
  note "peers: bench-peers.sh -n '$CNMB_PEER_N' -r $CNMB_PEER_R -t '$CNMB_PEER_TOOLS'"
  # The extra tool: cnmd (firewall on) started per pass inside bench-peers' private host netns, one
  # network on bench-peers' 10.229.0.0/16, and one `cnm` process per op against the sandbox
  # namespaces bench-peers made (CreateSandbox with netns_path + network = attach).
  export CNMB_X=$WORK/extra CNMB_BIN=$BIN
  mkdir -p "$CNMB_X"
  export PB_EXTRA_SETUP='rm -rf "$CNMB_X/state"; "$CNMB_BIN/cnmd" --socket "$CNMB_X/sock" --state-dir "$CNMB_X/state" --dns-upstream none --log-level warning >>"$CNMB_X/cnmd.log" 2>&1 & CNMB_XPID=$!; "$CNMB_BIN/cnm-bench" ready --socket "$CNMB_X/sock" --since-us 0 >/dev/null && "$CNMB_BIN/cnm" --host "unix://$CNMB_X/sock" network create --subnet 10.229.0.0/16 pbext >/dev/null'
  export PB_EXTRA_ATTACH='"$CNMB_BIN/cnm" --host "unix://$CNMB_X/sock" sandbox create --netns {nspath} --network pbext {cid}'
  export PB_EXTRA_DETACH='"$CNMB_BIN/cnm" --host "unix://$CNMB_X/sock" sandbox rm -f {cid}'
  export PB_EXTRA_CLEANUP='"$CNMB_BIN/cnm" --host "unix://$CNMB_X/sock" network rm pbext >/dev/null; kill -TERM $CNMB_XPID; wait $CNMB_XPID; ip link del cnm0; nft delete table inet cnm; true'
  export PB_PYTHON=/tmp/pb-venv/bin/python
  mkdir -p "$OUT/peers"
  # shellcheck disable=SC2086
  bash "$SHARED/bench-peers.sh" -n "$CNMB_PEER_N" -r "$CNMB_PEER_R" -t "$CNMB_PEER_TOOLS" -o "$OUT/peers" -l run \
    > "$OUT/peers/bench-peers.out" 2> "$OUT/peers/bench-peers.err" || note "bench-peers.sh exited $? (see $OUT/peers)"
  cat "$CNMB_X/cnmd.log" >> "$OUT/cnmd.log" 2>/dev/null || true
fi

# ---------------------------------------------------------------- 4. dockerd
if (( CNMB_DOCKER )); then
  note "dockerd: starting through start-dockerd.sh (own netns cnmb-dockerns)"
  if env "${DOCKER_ENV[@]}" "$SHARED/start-dockerd.sh" start > "$WORK/dockerd-start.out" 2>&1; then
    DOCKER_UP=1
    DSOCK=$WORK/docker.sock
    dk() { docker -H "unix://$DSOCK" "$@"; }
    # dapi METHOD PATH [JSON]: one API call; appends the curl-measured time of the exchange (ms)
    # to $DT, fails on a non-2xx answer.
    dapi() {
      local out
      out=$(curl -s -o "$WORK/dapi.out" -w '%{http_code} %{time_total}' --unix-socket "$DSOCK" -X "$1" \
        -H 'Content-Type: application/json' ${3:+-d "$3"} "http://localhost/v1.41$2") || return 1
      DT=$(awk -v t="${out#* }" 'BEGIN { printf "%.4f", t * 1000 }')
      [[ ${out%% *} == 2* ]] || { note "dockerd $1 $2: HTTP ${out%% *} $(cat "$WORK/dapi.out")"; return 1; }
    }
    drec() { echo "dockerd 20.10 (API),$1,$2,$DT" >> "$OUT/docker.csv"; }
    echo "tool,operation,n,ms" > "$OUT/docker.csv"
    {
      note "dockerd: network create/delete x$CNMB_NETS"
      for (( i = 0; i < CNMB_NETS; i++ )); do dapi POST /networks/create "{\"Name\":\"dbn$i\",\"CheckDuplicate\":true}" && drec "network create" "$CNMB_NETS"; done
      for (( i = 0; i < CNMB_NETS; i++ )); do dapi DELETE "/networks/dbn$i" && drec "network delete" "$CNMB_NETS"; done
      note "dockerd: connect/disconnect x$CNMB_DOCKER_REPS (anchor container on the network, one more on the default bridge)"
      dapi POST /networks/create '{"Name":"dbnet","CheckDuplicate":true}'
      dk run -d --name cnmb-anchor --network dbnet anchor/busybox:local sleep 1000000 >/dev/null
      dk run -d --name cnmb-c1 anchor/busybox:local sleep 1000000 >/dev/null
      for (( r = 1; r <= CNMB_DOCKER_REPS; r++ )); do
        dapi POST /networks/dbnet/connect '{"Container":"cnmb-c1"}' && drec attach 1
        if (( r == 1 )); then dk exec cnmb-c1 ping -c1 -W2 cnmb-anchor >/dev/null || note "dockerd: ping by name over dbnet failed"; fi
        dapi POST /networks/dbnet/disconnect '{"Container":"cnmb-c1"}' && drec detach 1
      done
      dk version --format 'dockerd {{.Server.Version}} (API {{.Server.APIVersion}})' >> "$OUT/env.txt"
    } || { note "dockerd measurements failed part way"; echo "dockerd: measurements failed part way" >> "$OUT/env.txt"; }
    env "${DOCKER_ENV[@]}" "$SHARED/start-dockerd.sh" purge > "$WORK/dockerd-stop.out" 2>&1 || note "start-dockerd.sh purge failed"
    DOCKER_UP=0
    settle
  else
    note "dockerd could not start here; see env.txt"
    { echo "dockerd could not start:"; tail -n 8 "$WORK/dockerd-start.out"; tail -n 8 "$WORK/dockerd.log" 2>/dev/null; } >> "$OUT/env.txt"
    env "${DOCKER_ENV[@]}" "$SHARED/start-dockerd.sh" purge >/dev/null 2>&1 || true
  fi
fi

# ---------------------------------------------------------------- 5. scale
if (( CNMB_SCALE )); then
  S3=$WORK/scale.sock
  start_cnmd cnmb-scale "$WORK/state-scale" "$S3"
  bench ready --socket "$S3" --since-us "$START_US" --pid "$CNMD_PID" --metrics "$OUT/scale.csv" --label "empty start"
  note "scale: $CNMB_SCALE_NETWORKS networks, $CNMB_SCALE_ENDPOINTS endpoints, $CNMB_CYCLES cycles"
  bench scale --socket "$S3" --pid "$CNMD_PID" --networks "$CNMB_SCALE_NETWORKS" \
    --endpoints "$CNMB_SCALE_ENDPOINTS" --cycles "$CNMB_CYCLES" \
    --samples "$OUT/scale-samples.csv" --metrics "$OUT/scale.csv"
  stop_cnmd; echo "stop at scale (SIGTERM to exit),$STOP_MS,ms" >> "$OUT/scale.csv"
  start_cnmd cnmb-scale "$WORK/state-scale" "$S3"
  bench ready --socket "$S3" --since-us "$START_US" --pid "$CNMD_PID" --metrics "$OUT/scale.csv" --label "restart at scale"
  stop_cnmd; echo "stop after the restart,$STOP_MS,ms" >> "$OUT/scale.csv"
  # 5,000 sandbox namespaces and 1,000 bridges go with the private namespace when this exits.
fi
exit 0
