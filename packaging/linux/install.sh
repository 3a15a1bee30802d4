#!/usr/bin/env bash
# Installs reviewdesk for the current user on Linux: the desktop entry, the icons and the
# AppStream metainfo under ~/.local/share, and, given a built bundle, the bundle itself under
# ~/.local/lib/reviewdesk with a `reviewdesk` command in ~/.local/bin.
#
# Usage: packaging/linux/install.sh [BUNDLE_DIR]     (e.g. dist/reviewdesk)
#        packaging/linux/install.sh --uninstall
# Without BUNDLE_DIR the menu entry runs the `reviewdesk` command already on your PATH (a
# wheel installed with pipx or into a venv whose bin/ is on PATH).
# Honours XDG_DATA_HOME; PREFIX (default ~/.local) sets where lib/ and bin/ go.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
app_id=io.github.reviewdesk.ReviewDesk
data=${XDG_DATA_HOME:-$HOME/.local/share}
prefix=${PREFIX:-$HOME/.local}
sizes=(16 24 32 48 64 128 256 512)

# Desktops notice new icons by the folder's time; an existing icon cache is brought up to date
# (none is created: a stale one would hide icons that other programs install later).
refresh_icons() {
  [ -d "$data/icons/hicolor" ] && touch "$data/icons/hicolor"
  if [ -f "$data/icons/hicolor/icon-theme.cache" ] && command -v gtk-update-icon-cache >/dev/null; then
    gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
  fi
}

if [ "${1:-}" = "--uninstall" ]; then
  rm -f "$data/applications/$app_id.desktop" "$data/metainfo/$app_id.metainfo.xml" \
    "$data/icons/hicolor/scalable/apps/$app_id.svg"
  for s in "${sizes[@]}"; do rm -f "$data/icons/hicolor/${s}x${s}/apps/$app_id.png"; done
  if [ -L "$prefix/bin/reviewdesk" ]; then rm -f "$prefix/bin/reviewdesk"; fi
  rm -rf "$prefix/lib/reviewdesk"
  refresh_icons
  echo "install.sh: reviewdesk removed (your data folder is kept)"
  exit 0
fi

exec_path=reviewdesk
if [ $# -ge 1 ]; then
  bundle=$(cd "$1" && pwd)
  [ -x "$bundle/reviewdesk" ] || { echo "install.sh: no reviewdesk executable in $1" >&2; exit 1; }
  mkdir -p "$prefix/lib" "$prefix/bin"
  rm -rf "$prefix/lib/reviewdesk.new"
  cp -a "$bundle" "$prefix/lib/reviewdesk.new"
  rm -rf "$prefix/lib/reviewdesk"
  mv "$prefix/lib/reviewdesk.new" "$prefix/lib/reviewdesk"
  ln -sfn "$prefix/lib/reviewdesk/reviewdesk" "$prefix/bin/reviewdesk"
  exec_path="$prefix/lib/reviewdesk/reviewdesk"
elif ! command -v reviewdesk >/dev/null 2>&1; then
  echo "install.sh: warning: no reviewdesk command on PATH yet; the menu entry needs one" >&2
fi

mkdir -p "$data/applications" "$data/metainfo" "$data/icons/hicolor/scalable/apps"
# Exec and TryExec name the installed program; a path with spaces is quoted.
quoted=$exec_path
case $exec_path in *" "*) quoted="\"$exec_path\"" ;; esac
sed -e "s|^Exec=reviewdesk|Exec=$quoted|" -e "s|^TryExec=reviewdesk|TryExec=$exec_path|" \
  "$here/$app_id.desktop" >"$data/applications/$app_id.desktop"
cp "$here/$app_id.metainfo.xml" "$data/metainfo/"
cp "$root/resources/icons/reviewdesk.svg" "$data/icons/hicolor/scalable/apps/$app_id.svg"
for s in "${sizes[@]}"; do
  mkdir -p "$data/icons/hicolor/${s}x${s}/apps"
  cp "$root/resources/icons/reviewdesk-$s.png" "$data/icons/hicolor/${s}x${s}/apps/$app_id.png"
done
refresh_icons
echo "install.sh: installed $app_id (runs $exec_path)"
