package quorumlab.analysis.viewer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The page's files, resources beside this class: index.html, viewer.css, viewer.js. */
final class Assets {
    private Assets() {}

    static String text(String name) {
        try (InputStream in = Assets.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("resource " + name + " is missing from the build");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The page. Served, it loads viewer.css and viewer.js and asks the API; exported ({@code data} not
     * null), it holds both files and the run's frames inline, so it needs no server and no network.
     */
    static String page(String data) {
        String html = text("index.html");
        if (data == null) return html;
        // "</" inside a script would end it early; JSON allows the escaped form.
        String safeData = data.replace("</", "<\\/");
        String js = text("viewer.js").replace("</script", "<\\/script");
        return html.replace("<link rel=\"stylesheet\" href=\"viewer.css\">", "<style>\n" + text("viewer.css") + "\n</style>")
                .replace("<script src=\"viewer.js\"></script>",
                        "<script>window.QL_EXPORT = " + safeData + ";</script>\n<script>\n" + js + "\n</script>");
    }
}
