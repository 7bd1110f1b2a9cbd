#!/usr/bin/env bash
# Brings a test VM up, runs jnerd's whole suite (every tier) and `jnerd bench --quick`
# in it, and copies the results to vagrant/results/BOX/.
# Usage: vagrant/run-tests.sh ubuntu|fedora|debian   (provider: $VAGRANT_DEFAULT_PROVIDER)
set -euo pipefail
box=${1:?usage: run-tests.sh ubuntu|fedora|debian}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out="$here/results/$box"
cd "$here"

case "$box" in
  ubuntu|fedora|debian) ;;
  *) echo "run-tests.sh: unknown box '$box' (ubuntu, fedora, debian)" >&2; exit 2 ;;
esac

vagrant up "$box"
vagrant rsync "$box"   # the checkout as it is now, even if the VM was already up
mkdir -p "$out"

status=0
# bin/test runs the privileged tier as root and the rootless tier as the test user.
vagrant ssh "$box" -c 'cd /jnerd && sudo bin/test' 2>&1 | tee "$out/test.log" || status=$?
vagrant ssh "$box" -c 'cd /jnerd && sudo bin/jnerd bench --quick --results /tmp/jnerd-bench' \
  2>&1 | tee "$out/bench.log" || status=$?
# shellcheck disable=SC2016  # $(find …) runs in the guest
vagrant ssh "$box" -c 'cd /jnerd && sudo tar -cz -C /tmp jnerd-bench -C /jnerd $(find . -path "*/target/surefire-reports" -type d)' \
  > "$out/results.tgz" || status=$?

echo "results in $out (exit $status)"
exit "$status"
