#!/usr/bin/env bash
# The transcript test: runs scripts/transcript.sh against this build and fails when
#  - a command of the shell's command table is missing from the session,
#  - a command says it is not available,
#  - docs/TRANSCRIPT.md was not regenerated after the session changed (its list of
#    commands differs from a fresh run's).
# Usage: tests/transcript_check.sh <source dir> <build dir>
set -euo pipefail
src=$1
build=$2
out=$(mktemp /tmp/bc-transcript-check.XXXXXX)
trap 'rm -f "$out"' EXIT
"$src/scripts/transcript.sh" --build "$build" --out "$out" >/dev/null

fail=0
commands=$("$build/shell/brocluster" --base "$(mktemp -d)" help 2>/dev/null |
  awk '/^  [a-z]/ {print $1}')
for cmd in $commands; do
  case "$cmd" in exit | quit) continue ;; esac
  if ! grep -q "^\$ brocluster $cmd\b" "$out"; then
    echo "transcript: command '$cmd' is not exercised by scripts/transcript.sh" >&2
    fail=1
  fi
done
if grep "is not available yet" "$out" >&2; then
  echo "transcript: a command said it is not available" >&2
  fail=1
fi
if ! diff <(grep '^\$ ' "$src/docs/TRANSCRIPT.md") <(grep '^\$ ' "$out") >&2; then
  echo "transcript: docs/TRANSCRIPT.md is stale; run scripts/transcript.sh" >&2
  fail=1
fi
exit $fail
