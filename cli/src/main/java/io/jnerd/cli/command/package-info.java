/** The picocli commands: thin, each translates flags and calls the image or container layer. */
package io.jnerd.cli.command;
