/**
 * {@code jnerd demo}: the README's first command. A root half prepares the machine (packages,
 * an unprivileged demo user, a test-host namespace with an iperf3 server) and hands over to
 * an unprivileged half that runs the same iperf3 client rootless over slirp4netns and over
 * bypass4netns and prints both throughputs.
 */
package io.jnerd.cli.demo;
