/** mounts: real recursive read-only mounts (rro) and the -v / --mount option model. */
package io.jnerd.mounts;
