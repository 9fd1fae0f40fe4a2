#!/bin/bash
exec "$(dirname "$0")/pkcs11.sh" series
