#!/bin/bash
exec "$(dirname "$0")/keyid.sh" series
