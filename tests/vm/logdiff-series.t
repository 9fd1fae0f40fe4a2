#!/bin/bash
exec "$(dirname "$0")/logdiff.sh" series
