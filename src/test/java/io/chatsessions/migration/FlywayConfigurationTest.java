package io.chatsessions.migration;

import io.chatsessions.config.DatabaseSettings;
import io.micronaut.context.ApplicationContext;
import io.micronaut.flyway.FlywayConfigurationProperties;
import io.micronaut.inject.qualifiers.Qualifiers;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The schema commands' Flyway configuration is micronaut-flyway's flyway.datasources.default, never run at start-up. */
class FlywayConfigurationTest {

    @Test
    void theMigrationContextConfiguresFlywayFromApplicationYmlAndTheSchemaSetting() {
        DatabaseSettings db = new DatabaseSettings("localhost", 5432, "chat", "u", "p", "tenant_a");
        try (ApplicationContext context = FlywayConfiguration.start(db, Migrations.LOCATION)) {
            assertTrue(context.getEnvironment().getActiveNames().contains(FlywayConfiguration.ENVIRONMENT));
            FluentConfiguration flyway = FlywayConfiguration.of(context);
            assertArrayEquals(new String[]{"tenant_a"}, flyway.getSchemas());
            assertEquals("tenant_a", flyway.getDefaultSchema());
            assertEquals(Migrations.HISTORY_TABLE, flyway.getTable());
            assertArrayEquals(new Location[]{new Location(Migrations.LOCATION)}, flyway.getLocations());
            assertTrue(flyway.isCreateSchemas());
            assertTrue(flyway.isCleanDisabled());
            assertTrue(flyway.isValidateMigrationNaming());
            assertFalse(context.getBean(FlywayConfigurationProperties.class, Qualifiers.byName("default")).isEnabled(),
                    "micronaut-flyway must not migrate when the context starts: the commands run Flyway themselves");
        }
    }

    @Test
    void theServingConfigurationNeverEnablesFlyway() {
        try (ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false).banner(false).start()) {
            assertFalse(context.getBean(FlywayConfigurationProperties.class, Qualifiers.byName("default")).isEnabled());
        }
    }
}
