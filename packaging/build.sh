#!/usr/bin/env bash
# Builds the one-folder bundle dist/reviewdesk/ with PyInstaller (on the platform you run it on).
# Usage: packaging/build.sh
# Environment: PYTHON (default .venv/bin/python, else python3), DISTPATH (default dist),
# WORKPATH (default build/pyinstaller).
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-}
if [ -z "$python" ]; then
  if [ -x .venv/bin/python ]; then python=.venv/bin/python; else python=python3; fi
fi
distpath=${DISTPATH:-dist}
workpath=${WORKPATH:-build/pyinstaller}

if ! "$python" -c "import PyInstaller" 2>/dev/null; then
  echo "build.sh: PyInstaller is not installed for $python (run scripts/setup --test)" >&2
  exit 1
fi
"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$distpath" --workpath "$workpath" packaging/reviewdesk.spec
echo "build.sh: built $distpath/reviewdesk/"
