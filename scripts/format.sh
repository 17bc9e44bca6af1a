#!/usr/bin/env bash
# Applies clang-format 14 to the project's C++ sources; --check only reports (exit 1 on diffs).
set -euo pipefail
cd "$(dirname "$0")/.."
CF=$(command -v clang-format-14 || command -v clang-format)
# Tracked and new (untracked, not ignored) files, so a file not yet added is formatted too.
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.cpp' '*.hpp' '*.h' | grep -v '^tests/fixtures/')
if [ "${1:-}" = "--check" ]; then
  "$CF" --dry-run --Werror "${files[@]}"
  echo "format: ${#files[@]} files clean" >&2
else
  "$CF" -i "${files[@]}"
fi
