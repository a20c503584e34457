package io.chatsessions.config;

import java.util.Map;

/**
 * The Micronaut Security properties of the auth settings. An interface here, implemented in {@code auth}, so that
 * {@link ServerProperties} can include them while {@code auth} depends on {@code config} and never the reverse.
 */
public interface SecurityProperties {

    Map<String, Object> properties();
}
