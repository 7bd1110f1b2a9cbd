/**
 * Rootless set-up: what a user needs for containerd of their own (subordinate ids, a
 * runtime dir, /dev/net/tun), starting it under rootlesskit, and its user units.
 */
package io.jnerd.engine.rootless;
