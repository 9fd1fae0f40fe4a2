#!/bin/bash
# The attestation chain on the none kernel (tests/vm/attest.sh).
exec "$(dirname "$0")/attest.sh" none
