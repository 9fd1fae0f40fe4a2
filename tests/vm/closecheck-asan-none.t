#!/bin/bash
exec "$(dirname "$0")/closecheck-asan.sh" none
