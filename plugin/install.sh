#!/bin/sh
# install.sh [--dest DIR] [PLUGIN]: installs the built GIMP 2.10 plug-in.
# GIMP 2.10 loads plug-ins/NAME/NAME, so the executable goes into a folder
# named like itself: DIR/neural-style/neural-style, DIR defaulting to the
# user's plug-in folder ~/.config/GIMP/2.10/plug-ins. The translations built
# beside it (build/po/LANG/LC_MESSAGES/*.mo) go to DIR/neural-style/locale,
# where the plug-in looks for them.
# PLUGIN is the built executable (default: build/plugin/neural-style).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
dest="${XDG_CONFIG_HOME:-$HOME/.config}/GIMP/2.10/plug-ins"
plugin=""

while [ $# -gt 0 ]; do
  case "$1" in
    --dest) [ $# -ge 2 ] || { echo "install.sh: --dest needs a folder" >&2; exit 2; }
            dest="$2"; shift 2 ;;
    --dest=*) dest="${1#--dest=}"; shift ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "install.sh: unknown option $1" >&2; exit 2 ;;
    *) plugin="$1"; shift ;;
  esac
done

if [ -z "$plugin" ]; then
  plugin="${MESON_BUILD_ROOT:-$here/../build}/plugin/neural-style"
fi
if [ ! -x "$plugin" ]; then
  echo "install.sh: no built plug-in at $plugin (build it with ninja first)" >&2
  exit 1
fi

mkdir -p "$dest/neural-style"
install -m 0755 "$plugin" "$dest/neural-style/neural-style"
echo "Installed $dest/neural-style/neural-style"

po="$(dirname "$plugin")/../po"
for mo in "$po"/*/LC_MESSAGES/*.mo; do
  [ -f "$mo" ] || continue
  lang=$(basename "$(dirname "$(dirname "$mo")")")
  install -D -m 0644 "$mo" "$dest/neural-style/locale/$lang/LC_MESSAGES/$(basename "$mo")"
  echo "Installed $dest/neural-style/locale/$lang/LC_MESSAGES/$(basename "$mo")"
done
