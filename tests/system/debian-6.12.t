#!/bin/bash
# Debian 12 with Debian's own 6.12 kernel: see debian.sh
exec "$(dirname "$0")/debian.sh" 6.12
