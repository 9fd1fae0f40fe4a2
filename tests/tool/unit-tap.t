#!/bin/bash
# Unit tests of the unit tests' TAP header, built by make -C tools/ima-test check-build.
bin=$(dirname "$0")/../../tools/ima-test/tests/unit_tap
[ -x "$bin" ] || { echo "1..0 # SKIP $bin not built (make -C tools/ima-test check-build)"; exit 0; }
exec "$bin"
