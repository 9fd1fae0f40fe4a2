#!/bin/bash
# Unit tests of close-check's tracepoint reading, built by
# make -C tools/ima-test check-build.
bin=$(dirname "$0")/../../tools/ima-test/tests/unit_cctrace
[ -x "$bin" ] || { echo "1..0 # SKIP $bin not built (make -C tools/ima-test check-build)"; exit 0; }
exec "$bin"
