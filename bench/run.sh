#!/usr/bin/env bash
# Side-by-side benchmarks for tgconform; writes bench/RESULTS.md.
#
#   bash bench/run.sh            # everything (installs Hurl 8.0.1 if missing, or skips it)
#   QUICK=1 bash bench/run.sh    # fewer runs, smaller scale (a smoke test of the script)
#
# Figures are ratios measured side by side in one run on one machine: absolute numbers
# on shared machines are noise. Needs: hyperfine, wrk, jq, curl (Debian packages).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/RESULTS.md
WORK=$(mktemp -d)
RUNS=${RUNS:-5}
SCALES=${SCALES:-"100 1000 5000"}
SCALE_JOBS_N=${SCALE_JOBS_N:-1000}
WRK_SECS=${WRK_SECS:-5}
if [[ -n "${QUICK:-}" ]]; then RUNS=2; SCALES="20 100"; SCALE_JOBS_N=100; WRK_SECS=2; fi
# Servers are started inside $(...) subshells, so their pids go to a file, not a variable.
cleanup() { [[ -f $WORK/pids ]] && while read -r p; do kill "$p" 2>/dev/null || true; done <"$WORK/pids"; rm -rf "$WORK"; }
trap cleanup EXIT

need() { command -v "$1" >/dev/null || { echo "bench: '$1' is missing: apt-get install -y $2" >&2; exit 2; }; }
need hyperfine hyperfine; need wrk wrk; need jq jq; need curl curl

HURL=$(command -v hurl || true)
if [[ -z "$HURL" && -z "${NO_HURL:-}" ]]; then
  echo "bench: Hurl is missing; installing hurl 8.0.1 (needs libcurl4-openssl-dev libxml2-dev libclang-dev pkg-config; several minutes)" >&2
  if cargo install hurl --version 8.0.1 --locked >&2; then HURL=$(command -v hurl || echo "$HOME/.cargo/bin/hurl"); else
    echo "bench: could not install Hurl; the Hurl column is skipped" >&2; HURL=""; fi
fi

echo "bench: building (release)" >&2
cargo build --release --quiet --bin tgconform --example bench-tools --example bench-hello
TG=$ROOT/target/release/tgconform
TOOLS=$ROOT/target/release/examples/bench-tools
HELLO=$ROOT/target/release/examples/bench-hello

# start_server NAME CMD... : runs CMD in the background with its output in $WORK/NAME.log,
# echoes the first http:// URL it prints.
start_server() {
  local log=$WORK/$1.log; shift
  "$@" >"$log" 2>&1 &
  echo $! >>"$WORK/pids"
  for _ in $(seq 100); do
    if grep -qo 'http://[0-9.:]*' "$log"; then grep -o 'http://[0-9.:]*' "$log" | head -1; return; fi
    sleep 0.05
  done
  echo "bench: server did not start: $*" >&2; cat "$log" >&2; exit 1
}

MOCK=$(start_server suite "$TG" serve --addr 127.0.0.1:0 --control)
BASE=$MOCK/beta
NSCEN=$(ls scenarios/*.yaml | wc -l)

{
echo "# tgconform benchmarks"
echo
echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "- machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "- tgconform $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(rustc --version)"
echo "- Hurl: ${HURL:+$($HURL --version | head -1)}${HURL:-not installed (skipped)}"
echo "- command: \`bash bench/run.sh\` (RUNS=$RUNS)"
echo
echo "All figures are from this one run, side by side on the same machine and the same"
echo "\`tgconform serve\` process. Read the ratios; absolute times on shared machines are noise."
} >"$OUT"

# ---------------------------------------------------------------- 1. the suite
echo "bench: 1. the suite ($NSCEN scenarios) vs Hurl vs a bare reqwest loop" >&2
"$TOOLS" loop --base "$BASE" --jobs 2 2>"$WORK/loop.txt" || { cat "$WORK/loop.txt" >&2; exit 1; }
REQS=$(grep -o '[0-9]* requests' "$WORK/loop.txt" | cut -d' ' -f1)
CMDS=(-n tgconform "$TG run --target $BASE --jobs 2 --scenarios scenarios"
      -n reqwest-loop "$TOOLS loop --base $BASE --jobs 2")
if [[ -n "$HURL" ]]; then
  "$TOOLS" hurl --base "$BASE" --out "$WORK/hurl" 2>"$WORK/hurl-gen.txt"
  if ! "$HURL" --test --jobs 2 "$WORK"/hurl/*.hurl >"$WORK/hurl-check.txt" 2>&1; then
    echo "bench: the generated Hurl files do not pass against the mock:" >&2; tail -30 "$WORK/hurl-check.txt" >&2; exit 1
  fi
  CMDS+=(-n hurl --prepare "rm -rf $WORK/hurl && $TOOLS hurl --base $BASE --out $WORK/hurl 2>/dev/null" "$HURL --test --jobs 2 $WORK/hurl/*.hurl")
fi
hyperfine --style none --warmup 1 --runs "$RUNS" --export-json "$WORK/suite.json" "${CMDS[@]}" >&2
mean() { jq -r --arg n "$2" '.results[] | select(.command==$n) | .mean' "$1"; }
T_TG=$(mean "$WORK/suite.json" tgconform); T_LOOP=$(mean "$WORK/suite.json" reqwest-loop)
{
echo
echo "## 1. The suite against one mock server"
echo
echo "$NSCEN scenarios, $REQS requests per run, \`--jobs 2\` on every side, $RUNS runs each (hyperfine, mean)."
echo
echo "| tool | mean wall time | ratio to tgconform |"
echo "|---|---|---|"
printf "| tgconform | %.3f s | 1.00 |\n" "$T_TG"
printf "| bare reqwest loop | %.3f s | %.2f |\n" "$T_LOOP" "$(echo "$T_LOOP / $T_TG" | bc -l)"
if [[ -n "$HURL" ]]; then
  T_HURL=$(mean "$WORK/suite.json" hurl)
  printf "| Hurl (\`hurl --test --jobs 2\`) | %.3f s | %.2f |\n" "$T_HURL" "$(echo "$T_HURL / $T_TG" | bc -l)"
  echo
  printf "tgconform / Hurl = **%.2f×** (target ≤ 0.5×); " "$(echo "$T_TG / $T_HURL" | bc -l)"
fi
printf "tgconform / bare loop = **%.2f×** (target ≤ 1.2×).\n" "$(echo "$T_TG / $T_LOOP" | bc -l)"
echo
echo "What each side checks: tgconform checks status, every JSONPath matcher and the JSON Schema"
echo "of every response; the bare loop checks status and takes captures; the Hurl files have the"
echo "same requests, captures and status asserts, and the matchers Hurl can express"
echo "($(cat "$WORK/hurl-gen.txt" 2>/dev/null | sed 's/bench-tools: //'))."
} >>"$OUT"

# ---------------------------------------------------------------- 2. scale
echo "bench: 2. scale" >&2
gen_scale() { # N DIR
  mkdir -p "$2"; cp -r scenarios/fixtures "$2/"
  for i in $(seq -w 1 "$1"); do
    sed "s/^name: .*/name: accept and terminate $i/" bench/scale-flow.yaml >"$2/flow-$i.yaml"
  done
}
{
echo
echo "## 2. Scale: independent tenants doing invite → request → accept → terminate"
echo
echo "Each scenario is \`bench/scale-flow.yaml\` with its own fresh tenants; one \`tgconform serve\` per row."
echo
echo "| scenarios | jobs | wall time | requests/s | CPU time of tgconform run | peak RSS of tgconform run |"
echo "|---|---|---|---|---|---|"
} >>"$OUT"
scale_row() { # N JOBS
  local dir=$WORK/scale-$1
  [[ -d $dir ]] || gen_scale "$1" "$dir"
  local url; url=$(start_server "probe-$1-$2" "$TG" serve --addr 127.0.0.1:0)
  local reqs
  "$TOOLS" loop --scenarios "$dir" --base "$url/beta" --jobs 1 2>"$WORK/one.txt" >/dev/null || true
  url=$(start_server "scale-$1-$2" "$TG" serve --addr 127.0.0.1:0)
  /usr/bin/time -f "%e %M %U %S" -o "$WORK/time.txt" "$TG" run --scenarios "$dir" --target "$url/beta" --jobs "$2" >/dev/null 2>"$WORK/scale-err.txt" \
    || { echo "bench: scale run failed:" >&2; tail -20 "$WORK/scale-err.txt" >&2; exit 1; }
  read -r secs kb usr sys <"$WORK/time.txt"
  reqs=$(grep -o '[0-9]* requests' "$WORK/one.txt" | cut -d' ' -f1)
  printf "| %s | %s | %.2f s | %.0f | %.2f s | %.1f MiB |\n" "$1" "$2" "$secs" "$(echo "$reqs / $secs" | bc -l)" "$(echo "$usr + $sys" | bc -l)" "$(echo "$kb / 1024" | bc -l)" >>"$OUT"
  echo "$secs"
}
for n in $SCALES; do scale_row "$n" 2 >/dev/null; done
J1=$(scale_row "$SCALE_JOBS_N" 1); J2=$(scale_row "$SCALE_JOBS_N" 2)
printf "\n\`--jobs 2\` / \`--jobs 1\` speed-up at %s scenarios: **%.2f×** (target ≥ 1.7×). The mock server runs on the same %s cores.\n" "$SCALE_JOBS_N" "$(echo "$J1 / $J2" | bc -l)" "$(nproc)" >>"$OUT"
echo "Above 200 files a run keeps only each scenario's metadata and reads the file again when it runs it, so memory does not grow with the file count (at the cost of a second parse)." >>"$OUT"

# ---------------------------------------------------------------- 3. the mock
echo "bench: 3. mock requests per second" >&2
MOCK2=$(start_server load "$TG" serve --addr 127.0.0.1:0)
TOKEN=$(grep -m1 -E '^  governing ' "$WORK/load.log" | awk '{print $NF}')
GOVERNED=$(grep -m1 -E '^  governed ' "$WORK/load.log" | awk '{print $NF}')
GOVERNING_TID=$(grep -m1 -E '^  governing ' "$WORK/load.log" | awk '{print $3}')
API=$MOCK2/beta/directory/tenantGovernance
auth=(-H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json")
curl -sf "${auth[@]}" -X PATCH "$API/settings" -d '{"canReceiveInvitations":true}' >/dev/null
GOVERNED_TID=$(grep -m1 -E '^  governed ' "$WORK/load.log" | awk '{print $3}')
curl -sf -H "Authorization: Bearer $GOVERNED" -H "Content-Type: application/json" -X POST "$API/governanceInvitations" -d "{\"governingTenantId\":\"$GOVERNING_TID\"}" >/dev/null
# Not the system template `default`: it cannot be bound until it is configured.
TEMPLATE=$(curl -sf "${auth[@]}" "$API/governancePolicyTemplates" | jq -r '[.value[] | select(.id != "default")][0].id')
REQ=$(curl -sf "${auth[@]}" -X POST "$API/governanceRequests" -d "{\"governedTenantId\":\"$GOVERNED_TID\",\"governancePolicyTemplate@odata.bind\":\"$MOCK2/beta/directory/tenantGovernance/governancePolicyTemplates/$TEMPLATE\"}" | jq -r .id)
cat >"$WORK/patch.lua" <<LUA
wrk.method = "PATCH"
wrk.body = '{"status":"accepted"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $GOVERNED"
LUA
HELLO_URL=$(start_server hello "$HELLO")
rps() { wrk -t2 -c32 -d"${WRK_SECS}s" "$@" 2>&1 | awk '/Requests\/sec/ {print $2}'; }
R_HELLO=$(rps "$HELLO_URL/")
R_GET=$(rps -H "Authorization: Bearer $TOKEN" "$API/governanceRequests/$REQ")
R_PATCH=$(rps -s "$WORK/patch.lua" "$API/governanceRequests/$REQ")
{
echo
echo "## 3. The mock under load"
echo
echo "\`wrk -t2 -c32 -d${WRK_SECS}s\`, same machine, one after another. The PATCH accepts a pending request once;"
echo "every later PATCH runs the same path (auth, lookup, transition rule) and answers 409."
echo
echo "| server and request | requests/s | ratio to axum hello-world |"
echo "|---|---|---|"
printf "| axum hello-world \`GET /\` | %.0f | 1.00 |\n" "$R_HELLO"
printf "| tgconform serve \`GET governanceRequests/{id}\` | %.0f | %.2f |\n" "$R_GET" "$(echo "$R_GET / $R_HELLO" | bc -l)"
printf "| tgconform serve \`PATCH governanceRequests/{id}\` | %.0f | %.2f |\n" "$R_PATCH" "$(echo "$R_PATCH / $R_HELLO" | bc -l)"
echo
echo "Target: mock ≥ 0.5× axum hello-world."
} >>"$OUT"

# ---------------------------------------------------------------- 4. start-up
echo "bench: 4. start-up milestones" >&2
SU_RUNS=$((RUNS * 4))
for _ in $(seq "$SU_RUNS"); do
  TGCONFORM_LOG=tgconform::startup=debug "$TG" run settings-round-trip 2>&1 >/dev/null |
    sed -nE 's/.*tgconform::startup: ([0-9.]+) ms: (.*)/\2\t\1/p'
done >"$WORK/startup.tsv"
hyperfine -N --style none --warmup 3 --runs "$SU_RUNS" --export-json "$WORK/version.json" "$TG --version" >/dev/null 2>&1
{
echo
echo "## 4. Start-up"
echo
echo "\`TGCONFORM_LOG=tgconform::startup=debug tgconform run settings-round-trip\`, $SU_RUNS runs: median time since \`main\` at each milestone"
echo "(the scenario run itself is not counted). The floor before \`main\` (exec to exit of \`tgconform --version\`, which does nothing else): $(jq '.results[0].median * 1000' "$WORK/version.json" | xargs printf %.1f) ms (hyperfine, median)."
echo
echo "| milestone | ms since \`main\` (median) |"
echo "|---|---|"
cut -f1 "$WORK/startup.tsv" | awk '!seen[$0]++' | while IFS= read -r m; do
  awk -F'\t' -v m="$m" '$1 == m {print $2}' "$WORK/startup.tsv" | sort -n |
    awk -v m="$m" '{a[NR] = $1} END {printf "| %s | %.1f |\n", m, a[int((NR + 1) / 2)]}'
done
echo
echo "Target: the first request under 10 ms after \`main\`."
} >>"$OUT"
echo "bench: wrote $OUT" >&2
cat "$OUT"
