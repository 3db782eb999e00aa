#!/usr/bin/env bash
# Rebuilds the calibrated Southampton scenarios, their fit tables, the back-test tables and the
# golden files that pin every shipped scenario. Run from anywhere; takes a few minutes.
# Needs the observed data beside the repository (../shared/data) or OBSERVED=<csv>.
set -euo pipefail
cd "$(dirname "$0")/../.."
OBSERVED="${OBSERVED:-../shared/data/southampton/observed.csv}"
cf() { npx tsx src/cli/main.ts "$@"; }

# 1. calibrate on every observed month (December 2021 to February 2023): projects from March 2023
cf calibrate --base scenarios/southampton-baseline.json --observed "$OBSERVED" \
  --out scenarios/calibration/southampton-calibrated.json --tables scenarios/calibration --name southampton-calibrated --runs 40 --quiet

# 2. calibrate on the months to August 2022 only, and back-test on September 2022 to February 2023
cf calibrate --base scenarios/southampton-baseline.json --observed "$OBSERVED" --to 2022-08 \
  --out scenarios/calibration/southampton-fit-to-2022-08.json --tables scenarios/calibration --name southampton-fit-to-2022-08 --runs 40 --quiet
tmp="$(mktemp -d)"
cf backtest --scenario scenarios/calibration/southampton-fit-to-2022-08.json --observed "$OBSERVED" --runs 100 --out "$tmp/fit" --no-report --quiet
cp "$tmp/fit/backtest.csv" scenarios/calibration/backtest-fit-to-2022-08.csv
cp "$tmp/fit/backtest-summary.csv" scenarios/calibration/backtest-fit-to-2022-08.summary.csv
# for comparison: the hand-calibrated baseline rewound to the same months (not out of sample:
# it was calibrated on the position at February 2023)
cf backtest --scenario scenarios/southampton-baseline.json --observed "$OBSERVED" --rewind 6 --runs 100 --out "$tmp/base" --no-report --quiet
cp "$tmp/base/backtest.csv" scenarios/calibration/backtest-baseline-rewind-6.csv
cp "$tmp/base/backtest-summary.csv" scenarios/calibration/backtest-baseline-rewind-6.summary.csv
rm -rf "$tmp"

# 3. golden files: small runs so that `npm test` stays fast
golden() { cf check --scenario "scenarios/$1.json" --golden "scenarios/golden/$(basename "$1").kpis.csv" --runs "$2" --months "$3" --workers 1 --update --quiet; }
for s in southampton-baseline family-safeguarding foster-carer-recruitment front-door-early-help reunification-permanence uasc-arrivals uasc-nts calibration/southampton-calibrated calibration/southampton-fit-to-2022-08; do
  golden "$s" 2 24
done
golden england-per-10k 2 12
golden england-national 1 1
echo "regenerated calibration files and golden files"
