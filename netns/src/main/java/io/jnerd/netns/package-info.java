/** netns: rootless network namespaces, slirp4netns and pasta, and the bypass4netns socket switcher. */
package io.jnerd.netns;
