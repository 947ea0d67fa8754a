package dev.railyard.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ConsoleRoutesTest {
    private static final Pattern IMPORT = Pattern.compile("from '\\./([^']+)'|src=\"/console/([^\"]+)\"|href=\"/console/([^\"]+)\"");

    @Test
    void every_file_the_page_and_its_modules_load_is_served_and_nothing_loads_from_elsewhere() throws IOException {
        Set<String> referenced = new HashSet<>();
        for (String asset : ConsoleRoutes.ASSETS) {
            String text = read(asset);
            Matcher m = IMPORT.matcher(text);
            while (m.find()) {
                referenced.add(m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3));
            }
            assertThat(text).as(asset + " loads nothing from another origin").doesNotContainPattern("(src|href)=\"https?://")
                    .doesNotContain("import(").doesNotContain("innerHTML");
        }
        assertThat(ConsoleRoutes.ASSETS).containsAll(referenced);
        assertThat(referenced).as("every listed file is used").containsAll(ConsoleRoutes.ASSETS.subList(1, ConsoleRoutes.ASSETS.size()));
    }

    @Test
    void content_types_follow_the_extension() {
        assertThat(ConsoleRoutes.contentType("index.html")).startsWith("text/html");
        assertThat(ConsoleRoutes.contentType("app.js")).startsWith("text/javascript");
        assertThat(ConsoleRoutes.contentType("console.css")).startsWith("text/css");
    }

    private static String read(String asset) throws IOException {
        try (InputStream in = ConsoleRoutes.class.getClassLoader().getResourceAsStream(ConsoleRoutes.RESOURCE_DIR + asset)) {
            assertThat(in).as(asset).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
