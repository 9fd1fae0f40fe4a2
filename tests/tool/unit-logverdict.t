#!/bin/bash
# Unit tests of the ima-test library (the verdict matrix of log), built by make -C tools/ima-test check-build.
bin=$(dirname "$0")/../../tools/ima-test/tests/unit_logverdict
[ -x "$bin" ] || { echo "1..0 # SKIP $bin not built (make -C tools/ima-test check-build)"; exit 0; }
exec "$bin"
