/** The OCI distribution (registry v2) client: manifests, blobs, token and basic auth, docker's credentials. */
package io.jnerd.cli.registry;
