#!/usr/bin/env bash
# Rolling-origin back-tests behind the README's back-test tables: the three councils of the
# regional SSDA903 sample (each imported on its own), the validator's SSDA903 sample and the
# Southampton observed series (run alongside); then refreshes the README tables (npm run docs).
# Run from anywhere; takes a few minutes. Needs the fixtures beside the repository (../shared/data).
# It writes the Southampton back-test's band factors into scenarios/southampton-baseline.json, so
# scenarios/calibration/regenerate.sh (calibrated scenarios and golden files) comes after it.
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA="${DATA:-../shared/data}"
RUNS="${RUNS:-20}"
OUT=scenarios/calibration/backtest
cf() { npx tsx src/cli/main.ts "$@"; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$OUT"

# 1. Southampton's observed series (Sep 2015 – Sep 2016 and Dec 2021 – Feb 2023): an origin every
# month with 3 observed months before it, from national rates fitted at each origin, each trend
# in first contacts tried (in the background); its band factors go into the shipped baseline
# (run regenerate.sh after this)
cf backtest --scenario scenarios/england-per-10k.json --observed scenarios/data/southampton-observed.csv --every month --trend all \
  --population 49500 --horizons 3,6,12 --fit-runs 6 --fit-iterations 1 --runs "$RUNS" --out "$tmp/southampton" --no-report --quiet \
  --bands-into scenarios/southampton-baseline.json &
southampton=$!

# 2. the regional sample: one event log per council (LA column), returns 2017-18 to 2021-22
regional="$DATA/fixtures/ssda903-regional"
args=()
for la in Bromley Hillingdon Southwark; do
  mkdir -p "$tmp/$la"
  for f in episodes header uasc; do
    awk -F, -v la="$la" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "LA") c = i; print; next } $c == la' "$regional/$f.csv" > "$tmp/$la/$f.csv"
  done
  cf import ssda903 --episodes "$tmp/$la/episodes.csv" --header "$tmp/$la/header.csv" --uasc "$tmp/$la/uasc.csv" --out "$tmp/$la/events.ndjson" --report-dir "$tmp/$la" -q
  args+=(--events "$la=$tmp/$la/events.ndjson")
done
cf backtest "${args[@]}" --history-from 2017-04 --trend all --runs "$RUNS" --out "$tmp/regional" --no-report --quiet
cp "$tmp/regional/backtest-origins.csv" "$OUT/regional-origins.csv"
cp "$tmp/regional/backtest-scores.csv" "$OUT/regional-scores.csv"
cp "$tmp/regional/backtest-trend.csv" "$OUT/regional-trend.csv"

# 3. the validator's sample: one return (2017-18), so origins inside that year, 3 and 6 months ahead
validator="$DATA/fixtures/ssda903-validator"
cf import ssda903 --episodes "$validator/episodes.csv" --header "$validator/header.csv" --uasc "$validator/uasc.csv" --out "$tmp/validator.ndjson" --report-dir "$tmp/validator-import" -q
cf backtest --events "validator=$tmp/validator.ndjson" --history-from 2017-04 --to 2018-03 --min-history 3 --horizons 3,6 --runs "$RUNS" --out "$tmp/validator" --no-report --quiet
cp "$tmp/validator/backtest-origins.csv" "$OUT/validator-origins.csv"
cp "$tmp/validator/backtest-scores.csv" "$OUT/validator-scores.csv"

wait "$southampton"
cp "$tmp/southampton/backtest-origins.csv" "$OUT/southampton-origins.csv"
cp "$tmp/southampton/backtest-scores.csv" "$OUT/southampton-scores.csv"
cp "$tmp/southampton/backtest-trend.csv" "$OUT/southampton-trend.csv"

npm run --silent docs
echo "regenerated $OUT and the README's back-test tables"
