#!/bin/sh
# Machine instructions one warm run of the engine's speed-goal scenario executes, counted by
# valgrind's callgrind: four runs in one process minus three runs. Unlike wall time on a shared
# machine (which moves by a third between runs), the count repeats to about 2% with nothing else
# running (docs/performance.md), so it shows whether a change to the per-packet path helps. Needs
# valgrind (Debian package `valgrind`); takes about five minutes.
set -e
cd "$(dirname "$0")/.."
if ! command -v valgrind >/dev/null 2>&1; then
  echo "valgrind is not installed (Debian: apt-get install -y valgrind)" >&2
  exit 1
fi
FLAGS="--single-threaded --max-inlined-bytecode-size-cumulative=4000 --min-semi-space-size=64 --max-semi-space-size=64"
count() {
  RUNS=$1 valgrind --tool=callgrind --callgrind-out-file=/dev/null node_modules/.bin/node $FLAGS bench/engine-runs.ts 2>&1 |
    awk '/Collected/ { print $4 }'
}
four=$(count 4)
three=$(count 3)
echo "one warm run of the 600 s NewReno p=0.001 scenario: $(( (four - three) / 1000000 )) M instructions"
