/** cli: the picocli commands and the orchestration behind them. */
package io.jnerd.cli;
