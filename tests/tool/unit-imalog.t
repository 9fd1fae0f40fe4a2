#!/bin/bash
# Unit tests of the ima-test library (measurement list read in blocks), built by make -C tools/ima-test check-build.
bin=$(dirname "$0")/../../tools/ima-test/tests/unit_imalog
[ -x "$bin" ] || { echo "1..0 # SKIP $bin not built (make -C tools/ima-test check-build)"; exit 0; }
exec "$bin"
