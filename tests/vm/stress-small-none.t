#!/bin/bash
# 5000 final closes from 8 processes running random close-check scenarios.
STRESS_CLOSES=5000 STRESS_KERNELS=none exec "$(dirname "$0")/stress.sh"
