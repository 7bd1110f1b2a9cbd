/**
 * The engine: what every front door (the CLI today, the Docker API next) drives, so that
 * both run containers the same way. It owns containers ({@link io.jnerd.engine.container}),
 * their networks ({@link io.jnerd.engine.network}), images and content
 * ({@link io.jnerd.engine.image}), registries ({@link io.jnerd.engine.registry}),
 * signatures ({@link io.jnerd.engine.sign}) and rootless set-up
 * ({@link io.jnerd.engine.rootless}). It has no picocli, no terminal and no System.out:
 * it reports through interfaces the front door implements
 * ({@link io.jnerd.engine.container.RunConsole}, {@link io.jnerd.engine.registry.TransferEvents})
 * and fails with {@link io.jnerd.engine.JnerdException}, one line and docker's exit code.
 */
package io.jnerd.engine;
