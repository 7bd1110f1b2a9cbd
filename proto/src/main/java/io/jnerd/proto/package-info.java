/** proto: the containerd API subset jnerd uses, and the gRPC channel to containerd. */
package io.jnerd.proto;
