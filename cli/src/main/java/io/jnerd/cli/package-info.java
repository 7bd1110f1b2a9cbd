/**
 * cli: jnerd's terminal front door over {@link io.jnerd.engine}: parsing, rendering
 * (progress bars, tables) and the terminal itself (raw mode for {@code run -it}).
 */
package io.jnerd.cli;
