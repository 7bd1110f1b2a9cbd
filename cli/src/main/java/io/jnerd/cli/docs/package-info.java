/**
 * What jnerd's command tree tells about itself, generated from picocli's model so it never
 * drifts from the parser: shell completion (picocli's bash/zsh script, a fish script of our
 * own) and man pages in roff, made at build for the release archive.
 */
package io.jnerd.cli.docs;
