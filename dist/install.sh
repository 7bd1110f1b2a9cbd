#!/usr/bin/env bash
# Installs jnerd from its release archive; needs neither the checkout nor a JDK.
#   ./install.sh [--prefix DIR] [ARCHIVE]
# DIR (default /usr/local) gets bin/jnerd, lib/jnerd/ (the jar, a Java runtime, the class
# cache), share/jnerd/systemd/, the man pages (share/man/man1/jnerd*.1) and the completion
# scripts for bash, zsh and fish (share/{bash-completion/completions,zsh/site-functions,
# fish/vendor_completions.d}/), where those shells look under /usr/local and /usr.
# ARCHIVE defaults to the one jnerd-*.tar.gz next to this script, or, when this script is
# the one inside an unpacked archive, that folder.
# A new install replaces an older one; a failed one leaves the older one as it was.
# Uninstall: rm -rf DIR/bin/jnerd DIR/lib/jnerd DIR/share/jnerd DIR/share/man/man1/jnerd{,-*}.1
#   DIR/share/{bash-completion/completions/jnerd,zsh/site-functions/_jnerd,fish/vendor_completions.d/jnerd.fish}
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
prefix=/usr/local
archive=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a folder" >&2; exit 2; }; prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    -h|--help) sed -n '2,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    -*) echo "install.sh: unknown option $1 (see install.sh --help)" >&2; exit 2 ;;
    *) [ -z "$archive" ] || { echo "install.sh: one archive only, got $archive and $1" >&2; exit 2; }; archive=$1; shift ;;
  esac
done
[ -n "$prefix" ] || { echo "install.sh: --prefix is empty" >&2; exit 2; }
case "$prefix" in /*) ;; *) prefix="$PWD/$prefix" ;; esac

work=$(mktemp -d "${TMPDIR:-/tmp}/jnerd-install.XXXXXX")
new=""
trap 'rm -rf "$work" ${new:+"$new"}' EXIT

if [ -z "$archive" ] && [ -f "$here/lib/jnerd/jnerd.jar" ]; then
  src=$here
else
  if [ -z "$archive" ]; then
    shopt -s nullglob
    found=("$here"/jnerd-*.tar.gz)
    [ "${#found[@]}" -eq 1 ] || { echo "install.sh: found ${#found[@]} jnerd-*.tar.gz next to $0: name the archive" >&2; exit 2; }
    archive=${found[0]}
  fi
  [ -f "$archive" ] || { echo "install.sh: no archive at $archive" >&2; exit 2; }
  tar -xzf "$archive" -C "$work" 2>/dev/null || { echo "install.sh: $archive is not a jnerd release archive (tar failed)" >&2; exit 1; }
  src=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'jnerd-*' | head -n 1)
fi
if [ -z "$src" ] || [ ! -f "$src/lib/jnerd/jnerd.jar" ] || [ ! -x "$src/lib/jnerd/runtime/bin/java" ] || [ ! -f "$src/bin/jnerd" ] \
  || [ ! -f "$src/share/man/man1/jnerd.1" ]; then
  echo "install.sh: ${archive:-$here} is not a jnerd release archive (no lib/jnerd/jnerd.jar, runtime, bin/jnerd or man pages)" >&2
  exit 1
fi

completions=(bash-completion/completions/jnerd zsh/site-functions/_jnerd fish/vendor_completions.d/jnerd.fish)
mkdir -p "$prefix/bin" "$prefix/lib" "$prefix/share/jnerd/systemd" "$prefix/share/man/man1" \
  || { echo "install.sh: cannot create folders in $prefix" >&2; exit 1; }
new="$prefix/lib/jnerd.new.$$"
cp -a "$src/lib/jnerd" "$new"
# The units name the launcher by its path.
for unit in "$src"/share/jnerd/systemd/*.service; do
  sed "s|/usr/local/bin/jnerd|$prefix/bin/jnerd|g" "$unit" > "$work/$(basename "$unit")"
done
rm -rf "$prefix/lib/jnerd.old"
[ ! -e "$prefix/lib/jnerd" ] || mv "$prefix/lib/jnerd" "$prefix/lib/jnerd.old"
mv "$new" "$prefix/lib/jnerd"
install -m 0755 "$src/bin/jnerd" "$prefix/bin/jnerd"
install -m 0644 "$work"/*.service "$prefix/share/jnerd/systemd/"
# The pages of commands this version no longer has go with the old version.
rm -f "$prefix/share/man/man1/jnerd.1" "$prefix"/share/man/man1/jnerd-*.1
install -m 0644 "$src"/share/man/man1/jnerd*.1 "$prefix/share/man/man1/"
for c in "${completions[@]}"; do
  install -D -m 0644 "$src/share/$c" "$prefix/share/$c"
done
rm -rf "$prefix/lib/jnerd.old"

# The AOT cache, made now rather than in the background of the first command.
JNERD_AOT_TRAIN=foreground "$prefix/bin/jnerd" --help >/dev/null 2>&1 || true

echo "jnerd installed in $prefix ($("$prefix/bin/jnerd" --version 2>/dev/null | head -n 1))"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "add $prefix/bin to PATH: export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
