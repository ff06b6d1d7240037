#!/usr/bin/env bash
# The performance benchmark of README's "Performance" section: wall time and
# peak RSS of gpaudit over the 1M benchmark set, beside `opa eval` of the
# same policy on the same records.
#
#   scripts/bench.sh
#
# It builds gpaudit and testdata/gen into a temporary folder, writes the 1M
# set (1,000,000 linkings, 100,000 blocks, 98,000 user_block answers, 100,000
# chat members), the 100k set and opa eval's input once into $BENCH_DIR
# (default /tmp/gpaudit-bench; about 1 GB, kept for the next run and keyed
# by what the generator writes), installs opa at the version go.mod requires with
# `go install` into the temporary folder, and then runs, $RUNS times
# (default 3) and interleaved so that a busy machine slows every figure alike:
#
#   - the whole library (testdata/bench/library) over the 1M set;
#   - one rule, gamepot.linkings.email_required over the 1M linkings
#     (testdata/bench/one-rule), with gpaudit and with `opa eval` on the same
#     records given as one JSON input document, input.records, shaped as the
#     policy contract says;
#   - the whole library over the 100k set, for how cost grows with records.
#
# It prints the medians. Needs go, jq and GNU time. BENCH_LINKINGS sets the
# size of the large set (default 1000000; the small one is a tenth of it).
set -euo pipefail
cd "$(dirname "$0")/.."

bench_dir=${BENCH_DIR:-/tmp/gpaudit-bench}
runs=${RUNS:-3}
large=${BENCH_LINKINGS:-1000000}
small=$((large / 10))
as_of=2026-11-22T00:00:00Z # fakedata.ReviewDate

# label names a size: 1000000 is 1M, 100000 is 100k.
label() {
  case $1 in
  *000000) echo "$(($1 / 1000000))M" ;;
  *000) echo "$(($1 / 1000))k" ;;
  *) echo "$1" ;;
  esac
}
say() { printf 'bench: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

# GNU time reports the peak RSS (%M, KiB) as well as the wall time (%e, s).
gnu_time=
for candidate in /usr/bin/time "$(type -P gtime || true)" "$(type -P time || true)"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ] && "$candidate" -f '%e %M' -o /dev/null true 2>/dev/null; then
    gnu_time=$candidate
    break
  fi
done
[ -n "$gnu_time" ] || die "no GNU time found (Debian: apt-get install time)"
command -v jq >/dev/null || die "no jq found (Debian: apt-get install jq)"
command -v go >/dev/null || die "no go command found"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gpaudit-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

say "building gpaudit and testdata/gen"
go build -o "$tmp/gpaudit" .
go build -o "$tmp/gen" ./testdata/gen

# The cached sets are named by what the generator writes: the manifest, with
# the sha256 of every file, of a small set. A generator that writes other
# records gets new sets; one changed in its comments only keeps them.
"$tmp/gen" -linkings 20000 -out "$tmp/probe" >/dev/null
key=$(sha256sum <"$tmp/probe/manifest.json" | cut -c1-12)
rm -rf "$tmp/probe"
data=$bench_dir/data-$key
mkdir -p "$data"
for n in "$large" "$small"; do
  if [ ! -f "$data/$n/manifest.json" ]; then
    say "writing the benchmark set with $n linkings to $data/$n (once)"
    "$tmp/gen" -linkings "$n" -out "$data/$n" >/dev/null
  fi
done

# The one rule's input for opa eval, as gpaudit gives it to the policy.
input=$data/$large/email_required-input.json
if [ ! -f "$input" ]; then
  say "writing opa eval's input, the $large linkings as input.records (once)"
  now_ns="$(date -u -d "$as_of" +%s)000000000"
  {
    printf '{"params":{"provider":"google"},"cohorts":{},"now":"%s","now_ns":%s,' "$as_of" "$now_ns"
    printf '"check":{"name":"email_required","severity":"medium","tags":[]},"records":[\n'
    sed '$!s/$/,/' "$data/$large/gamepot.main/linkings.jsonl"
    printf ']}\n'
  } >"$tmp/input.json"
  mv "$tmp/input.json" "$input"
fi

opa_version=$(go list -m -f '{{.Version}}' github.com/open-policy-agent/opa)
say "installing opa $opa_version with go install"
GOBIN="$tmp/bin" go install "github.com/open-policy-agent/opa@$opa_version"
opa=$tmp/bin/opa

# measure NAME COMMAND...: runs COMMAND under GNU time, its stdout kept in
# $tmp/NAME.out, and adds "WALL RSS_KIB" to $tmp/NAME.times.
measure() {
  local name=$1
  shift
  local code=0
  "$gnu_time" -f '%e %M' -o "$tmp/time" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" || code=$?
  if [ "$code" -ne 0 ]; then
    cat "$tmp/$name.err" >&2
    die "$name: exit $code"
  fi
  tail -n 1 "$tmp/time" >>"$tmp/$name.times"
  read -r wall rss <"$tmp/time"
  say "  $name: $wall s, $((rss * 1024 / 1000000)) MB"
}

check=("$tmp/gpaudit" check --as-of "$as_of" --format json --fail-on none --progress none)

for run in $(seq "$runs"); do
  say "run $run of $runs"
  measure library_large "${check[@]}" --snapshot "$data/$large" testdata/bench/library
  measure rule_gpaudit "${check[@]}" --snapshot "$data/$large" testdata/bench/one-rule
  measure rule_opa "$opa" eval --format json -d policies/gamepot/linkings/email_required.rego \
    -i "$input" data.gamepot.linkings.email_required.deny
  measure library_small "${check[@]}" --snapshot "$data/$small" testdata/bench/library
done

# median NAME COLUMN: the median of column 1 (wall s) or 2 (RSS KiB).
median() {
  cut -d ' ' -f "$2" "$tmp/$1.times" | sort -n |
    awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
findings() { jq '.summary.findings' "$tmp/$1.out"; }

rule_gpaudit=$(findings rule_gpaudit)
rule_opa=$(jq '.result[0].expressions[0].value | length' "$tmp/rule_opa.out")
counts() { jq -r '[.files[] | "\(.records) \(.dataset)"] | join(", ")' "$1/manifest.json"; }

echo "gpaudit benchmark: median of $runs interleaved runs, --as-of $as_of, $(nproc) cores"
echo "  $(label "$large") set: $(counts "$data/$large")"
echo "  $(label "$small") set: $(counts "$data/$small")"
echo "  $(go version | cut -d ' ' -f 3-), opa $opa_version"
echo
row() { printf '%-34s %9s %13s %9s\n' "$@"; }
row figure "wall (s)" "peak RSS (MB)" findings
L=$(label "$large") S=$(label "$small")
for f in "whole library, $L|library_large|$(findings library_large)" \
  "whole library, $S|library_small|$(findings library_small)" \
  "one rule, $L, gpaudit|rule_gpaudit|$rule_gpaudit" \
  "one rule, $L, opa eval|rule_opa|$rule_opa"; do
  IFS='|' read -r label name n <<<"$f"
  row "$label" "$(median "$name" 1)" "$(awk -v k="$(median "$name" 2)" 'BEGIN { printf "%.0f", k * 1024 / 1e6 }')" "$n"
done
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "one rule, opa eval / gpaudit: $(ratio "$(median rule_opa 1)" "$(median rule_gpaudit 1)")x time, $(ratio "$(median rule_opa 2)" "$(median rule_gpaudit 2)")x peak RSS"
echo "10x records (library, $L / $S): $(ratio "$(median library_large 1)" "$(median library_small 1)")x time, $(ratio "$(median library_large 2)" "$(median library_small 2)")x peak RSS"
if [ "$rule_gpaudit" != "$rule_opa" ]; then
  die "one rule: gpaudit found $rule_gpaudit, opa eval $rule_opa: not the same evaluation"
fi
