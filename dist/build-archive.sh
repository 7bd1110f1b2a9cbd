#!/usr/bin/env bash
# Builds the release archive (Maven runs this in dist's package phase):
#   build-archive.sh JAVA_HOME VERSION OUT_DIR
# OUT_DIR/jnerd-VERSION-linux-ARCH.tar.gz holds jnerd-VERSION/ laid out as installed
# (bin/jnerd, lib/jnerd/{jnerd.jar,runtime/}, share/jnerd/systemd/, share/man/man1/,
# share/{bash-completion/completions,zsh/site-functions,fish/vendor_completions.d}/,
# install.sh), so it runs in place once unpacked too; install.sh is also copied next to the archive.
set -euo pipefail
java_home=$1 version=$2 out=$3
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jar="$root/cli/target/jnerd.jar"

major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$java_home/release")
if [ "${major:-0}" -lt 22 ]; then
  echo "build-archive.sh: $java_home is JDK ${major:-?}: the runtime needs >= 22 (the FFM backend)" >&2
  exit 1
fi
[ -f "$jar" ] || { echo "build-archive.sh: $jar is missing (package cli first: -pl dist -am)" >&2; exit 1; }

# What `jdeps --multi-release 25 --ignore-missing-deps --print-module-deps cli/target/jnerd.jar`
# prints (it takes ~20 s, so the list is kept here; rerun it when a dependency changes).
# java.desktop and java.sql are for Jackson's java.beans and java.sql types, jdk.jfr for
# netty's allocator events, jdk.unsupported for netty and protobuf's Unsafe.
modules=java.base,java.desktop,java.naming,java.net.http,java.sql,jdk.jfr,jdk.unsupported

name="jnerd-$version"
stage="$out/$name"
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/lib/jnerd" "$stage/share/jnerd/systemd"
# No compression: a compressed module image costs start-up. The default CDS archive keeps a
# run without jnerd's AOT cache (the first, while it trains) from loading JDK classes one by one.
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --generate-cds-archive --output "$stage/lib/jnerd/runtime"
cp "$jar" "$stage/lib/jnerd/jnerd.jar"
# The warm path's client (docs/benchmarks.md, "The warm server"); static, so the archive
# runs on a machine without a C library of the same version. Without a compiler every
# command starts its own JVM, as bin/jnerd does then.
if command -v cc >/dev/null; then
  cc -O2 -static -o "$stage/lib/jnerd/jnerd-client" "$root/cli/src/main/c/jnerd-client.c"
fi
# Man pages and completion scripts, made by the jar itself on the runtime just built, so they
# describe exactly the commands of this archive.
java=("$stage/lib/jnerd/runtime/bin/java" -Xshare:auto -cp "$stage/lib/jnerd/jnerd.jar")
mkdir -p "$stage/share/man/man1" "$stage/share/bash-completion/completions" "$stage/share/zsh/site-functions" \
  "$stage/share/fish/vendor_completions.d"
"${java[@]}" io.jnerd.cli.docs.ManPages "$stage/share/man/man1" >/dev/null
"${java[@]}" io.jnerd.cli.Main completion bash > "$stage/share/bash-completion/completions/jnerd"
"${java[@]}" io.jnerd.cli.Main completion zsh > "$stage/share/zsh/site-functions/_jnerd"
"${java[@]}" io.jnerd.cli.Main completion fish > "$stage/share/fish/vendor_completions.d/jnerd.fish"
cp "$root/bin/jnerd" "$stage/bin/jnerd"
cp "$root"/contrib/systemd/*.service "$stage/share/jnerd/systemd/"
cp "$root/dist/install.sh" "$stage/install.sh"
chmod 0755 "$stage/bin/jnerd" "$stage/install.sh"

archive="$out/$name-linux-$(uname -m).tar.gz"
# gzip -1: 72 MB instead of 67 MB with the default level, quicker to make (CI makes one per run).
tar -C "$out" --owner=0 --group=0 -cf - "$name" | gzip -1 > "$archive"
cp "$root/dist/install.sh" "$out/install.sh"
rm -rf "$stage"
echo "build-archive.sh: $archive ($(du -h "$archive" | cut -f1))"
