#!/bin/bash
# fs-verity signatures (sigv3) under enforce on the series kernel (tests/vm/verity.sh).
exec "$(dirname "$0")/verity.sh" series
