#!/bin/sh
# Builds routeaudit, generates the benchmark trees and prints routeaudit beside ripgrep as a
# Markdown table: see benches/compare.py for the options and the environment it reads.
exec python3 "$(dirname "$0")/compare.py" "$@"
