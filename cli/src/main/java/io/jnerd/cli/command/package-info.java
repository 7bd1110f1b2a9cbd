/** The picocli commands: thin, each translates flags into a request to the engine and renders the result. */
package io.jnerd.cli.command;
