#!/bin/sh
# check_plots.sh BUILD SRC: the plots read at a glance (issue 15, point 7).
# dialsim sweep --plot and cxopt compare --plot write SVGs; each is rendered
# to PNG with rsvg-convert (Debian librsvg2-bin, as a browser would draw it)
# and png_check.py fails a blank or one-colour picture (the sweep's needs
# four colours: two blues for abandon rates, two greens for occupancy). The
# sweep's SVG must also carry a legend entry for each series.
set -eu
BUILD=$1
SRC=$2
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
command -v rsvg-convert >/dev/null || { echo "rsvg-convert missing: apt-get install librsvg2-bin"; exit 1; }

"$BUILD/sim/dialsim" sweep "$SRC/sim/examples/typical.json" \
    --vary dialer.answerRate=0.1:0.4:0.1 --vary campaign.agents=10:30:20 \
    --replications 2 --out "$DIR/sweep.csv" --plot "$DIR/sweep.svg" --quiet
grep -q "abandon rate campaign.agents=10" "$DIR/sweep.svg"
grep -q "occupancy campaign.agents=30" "$DIR/sweep.svg"
rsvg-convert -o "$DIR/sweep.png" "$DIR/sweep.svg"
python3 "$SRC/tests/docs/png_check.py" "$DIR/sweep.png" 4

"$BUILD/optimizer/cxopt" compare "$SRC/scenarios/small-team-5.json" \
    --policies adaptive,vicidial --plot "$DIR/compare.svg" --quiet >/dev/null
rsvg-convert -o "$DIR/compare.png" "$DIR/compare.svg"
python3 "$SRC/tests/docs/png_check.py" "$DIR/compare.png" 3
echo "plots render and are not blank"
