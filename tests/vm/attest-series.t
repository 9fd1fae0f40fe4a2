#!/bin/bash
# The attestation chain on the series kernel (tests/vm/attest.sh).
exec "$(dirname "$0")/attest.sh" series
