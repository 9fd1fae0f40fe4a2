#!/bin/bash
# Remote attestation with a TPM quote on the series kernel (tests/vm/quote.sh).
exec "$(dirname "$0")/quote.sh" series
