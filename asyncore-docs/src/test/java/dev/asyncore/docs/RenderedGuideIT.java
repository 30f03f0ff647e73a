package dev.asyncore.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads the rendered guide as a reader's browser gets it (parsed by jsoup, an HTML5 parser; no browser is started): every
 * page has its title, every internal link and anchor resolves, every include became a non-empty code block, and no
 * directive was left unresolved. Runs after the guide is rendered (failsafe, integration-test phase).
 */
class RenderedGuideIT {

    private static final Path OUTPUT = Path.of(System.getProperty("guide.output"));

    private static final Path SOURCES = Path.of(System.getProperty("guide.sources"));

    private static final Map<String, Document> PAGES = new HashMap<>();

    @BeforeAll
    static void readPages() throws IOException {
        try (Stream<Path> files = Files.list(OUTPUT)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".html")).toList()) {
                PAGES.put(file.getFileName().toString(), Jsoup.parse(file.toFile(), "UTF-8"));
            }
        }
    }

    @Test
    void everySourcePageIsRenderedWithItsTitle() throws IOException {
        List<String> sources = new ArrayList<>();
        try (Stream<Path> files = Files.list(SOURCES)) {
            files.map(f -> f.getFileName().toString())
                    .filter(name -> name.endsWith(".adoc") && !name.startsWith("_"))
                    .forEach(sources::add);
        }
        assertThat(sources).contains("index.adoc", "properties.adoc", "tls.adoc");
        for (String source : sources) {
            String page = source.replace(".adoc", ".html");
            assertThat(PAGES).as(page).containsKey(page);
            Document document = PAGES.get(page);
            Element h1 = document.selectFirst("#header > h1");
            assertThat(h1).as(page + " has a title").isNotNull();
            assertThat(h1.text()).isNotBlank();
            assertThat(document.title()).isEqualTo(h1.text());
        }
    }

    @Test
    void everyInternalLinkLeadsToAPageAndAnchorThatExist() {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, Document> page : PAGES.entrySet()) {
            for (Element link : page.getValue().select("a[href]")) {
                String href = link.attr("href");
                if (href.startsWith("http://") || href.startsWith("https://") || href.startsWith("mailto:")) {
                    continue;
                }
                checked++;
                int hash = href.indexOf('#');
                String file = hash < 0 ? href : href.substring(0, hash);
                String target = file.isEmpty() ? page.getKey() : file;
                Document document = PAGES.get(target);
                if (document == null) {
                    broken.add(page.getKey() + ": " + href + " (no such page)");
                } else if (hash >= 0 && hash == href.length() - 1) {
                    broken.add(page.getKey() + ": " + href + " (empty anchor)");
                } else if (hash >= 0 && document.getElementById(href.substring(hash + 1)) == null) {
                    broken.add(page.getKey() + ": " + href + " (no such anchor)");
                }
            }
        }
        assertThat(broken).isEmpty();
        assertThat(checked).isGreaterThan(100);
    }

    @Test
    void everyIncludeBecameANonEmptyCodeBlock() throws IOException {
        for (Map.Entry<String, Document> page : PAGES.entrySet()) {
            String source = Files.readString(SOURCES.resolve(page.getKey().replace(".html", ".adoc")));
            // a listing whose first line is an include: one code block, however many files it includes
            long includes = source.split("----\ninclude::", -1).length - 1L;
            List<Element> blocks = page.getValue().select("div.listingblock pre");
            for (Element block : blocks) {
                assertThat(block.text()).as(page.getKey() + ": a code block").isNotBlank();
                assertThat(block.text()).as(page.getKey()).doesNotContain("tag::", "end::");
            }
            assertThat((long) blocks.size())
                    .as(page.getKey() + ": code blocks, at least one per listing of includes")
                    .isGreaterThanOrEqualTo(includes);
        }
        assertThat(PAGES.get("handlers.html").text()).contains("class ShoutHandler extends AsyncChat");
        assertThat(PAGES.get("servers.html").text()).contains("local-echo:");
    }

    @Test
    void noDirectiveIsLeftUnresolved() throws IOException {
        for (Map.Entry<String, Document> page : PAGES.entrySet()) {
            String html = Files.readString(OUTPUT.resolve(page.getKey()), StandardCharsets.UTF_8);
            assertThat(html).as(page.getKey()).doesNotContain("Unresolved directive", "include::", "{java-main}");
        }
    }

    @Test
    void thePropertyReferenceIsATableOfEveryProperty() {
        Document properties = PAGES.get("properties.html");
        Element table = properties.getElementById("property-table");
        assertThat(table).isNotNull();
        assertThat(table.select("tbody tr").size()).isGreaterThan(60);
        assertThat(properties.getElementById("asyncore-servers-name-ssl-bundle"))
                .isNotNull();
        assertThat(properties.text()).contains("asyncore.servers.<name>.port");
    }
}
