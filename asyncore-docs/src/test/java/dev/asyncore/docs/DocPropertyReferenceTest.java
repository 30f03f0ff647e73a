package dev.asyncore.docs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.asyncore.docs.build.PropertyReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataProperty;

import static org.assertj.core.api.Assertions.assertThat;

/** The generated property reference lists every property of the starter's metadata, with its default and description. */
class DocPropertyReferenceTest {

    private static final Path TABLE = Path.of(System.getProperty("guide.generated"), "property-table.adoc");

    @Test
    void everyPropertyOfTheMetadataIsARowWithItsDefaultAndDescription() throws Exception {
        String table = Files.readString(TABLE, StandardCharsets.UTF_8);
        List<ConfigurationMetadataProperty> properties = PropertyReference.starterProperties();
        assertThat(properties)
                .extracting(ConfigurationMetadataProperty::getId)
                .contains(
                        "asyncore.enabled",
                        "asyncore.loop.threads",
                        "asyncore.servers.*.port",
                        "asyncore.clients.*.host");
        for (ConfigurationMetadataProperty property : properties) {
            String name = PropertyReference.displayName(property.getId());
            String row = row(table, PropertyReference.anchor(property.getId()));
            assertThat(row).as(property.getId()).contains("pass:c[" + name + "]");
            if (property.getDefaultValue() != null && !(property.getDefaultValue() instanceof Object[])) {
                assertThat(row)
                        .as(property.getId() + " default")
                        .contains("pass:c[" + property.getDefaultValue() + "]");
            }
            assertThat(property.getDescription())
                    .as(property.getId() + " has a description")
                    .isNotBlank();
            assertThat(row)
                    .as(property.getId() + " description")
                    .contains(property.getDescription().replace("]", "\\]").replace("|", "\\|"));
        }
        assertThat(table).contains(properties.size() + " properties.");
    }

    @Test
    void aMapKeyIsWrittenAsTheNameAUserGivesIt() {
        assertThat(PropertyReference.displayName("asyncore.servers.*.ssl.bundle"))
                .isEqualTo("asyncore.servers.<name>.ssl.bundle");
        assertThat(PropertyReference.anchor("asyncore.servers.*.ssl.bundle"))
                .isEqualTo("asyncore-servers-name-ssl-bundle");
    }

    /** The three lines of one property's row, from its anchor to the blank line that ends it. */
    private static String row(String table, String anchor) {
        int start = table.indexOf("| [[" + anchor + "]]");
        assertThat(start).as("row of " + anchor).isNotNegative();
        int end = table.indexOf("\n\n", start);
        return table.substring(start, end);
    }
}
