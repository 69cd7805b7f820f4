package quorumlab.analysis.viewer;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.pathSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.ContentDisposition;
import org.apache.pekko.http.javadsl.model.headers.ContentDispositionTypes;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * Serves the page and {@link ViewApi} on 127.0.0.1 with Pekko HTTP. Everything the page needs comes
 * from here ({@link Assets}); nothing is fetched from elsewhere.
 */
final class ViewServer implements AutoCloseable {
    private static final Config CONFIG = ConfigFactory.parseString("""
            pekko.loggers = ["org.apache.pekko.event.Logging$DefaultLogger"]
            pekko.logging-filter = "org.apache.pekko.event.DefaultLoggingFilter"
            pekko.loglevel = "OFF"
            pekko.stdout-loglevel = "OFF"
            pekko.log-dead-letters = off
            pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
            pekko.http.server.server-header = "quorumlab-view"
            """).withFallback(ConfigFactory.load());

    private final ActorSystem<Void> system;
    private final ServerBinding binding;

    private ViewServer(ActorSystem<Void> system, ServerBinding binding) {
        this.system = system;
        this.binding = binding;
    }

    /**
     * Listens on 127.0.0.1:{@code port} (0: a free port). A port in use, or any other failure to
     * listen, is an IllegalArgumentException with one line.
     */
    static ViewServer start(ViewApi api, int port) {
        if (port < 0 || port > 65_535) throw new IllegalArgumentException("--port: " + port + " is not a port (0 to 65535; 0 picks a free one)");
        if (port != 0) refuseIfInUse(port);
        // SLF4J set up here, on one thread, before Pekko's threads log: otherwise it prints a warning about replayed calls.
        org.slf4j.LoggerFactory.getILoggerFactory();
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "quorumlab-view", CONFIG);
        try {
            ServerBinding binding = Http.get(system).newServerAt("127.0.0.1", port).bind(routes(api))
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
            return new ViewServer(system, binding);
        } catch (ExecutionException e) {
            system.terminate();
            String why = String.valueOf(e.getCause() == null ? e : e.getCause().getMessage());
            if (why.toLowerCase().contains("in use")) {
                throw new IllegalArgumentException("port " + port + " on 127.0.0.1 is in use; choose another with --port, or leave --port out for a free one");
            }
            throw new IllegalArgumentException("cannot listen on 127.0.0.1:" + port + ": " + why.replaceAll("\\s*\\R\\s*", " "));
        } catch (InterruptedException | TimeoutException e) {
            system.terminate();
            throw new IllegalStateException("the viewer's server did not start: " + e, e);
        }
    }

    /** Tried before Pekko starts, so a port in use is told at once. */
    private static void refuseIfInUse(int port) {
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.bind(new java.net.InetSocketAddress("127.0.0.1", port));
        } catch (java.net.BindException e) {
            throw new IllegalArgumentException("port " + port + " on 127.0.0.1 is in use; choose another with --port, or leave --port out for a free one");
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage());
        }
    }

    int port() {
        return binding.localAddress().getPort();
    }

    String address() {
        return "http://127.0.0.1:" + port() + "/";
    }

    @Override
    public void close() {
        try {
            binding.unbind().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            // stopping anyway
        }
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            // the JVM exit ends what is left
        }
    }

    private static Route routes(ViewApi api) {
        ContentType.NonBinary js = ContentTypes.create(org.apache.pekko.http.javadsl.model.MediaTypes.APPLICATION_JAVASCRIPT,
                org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8);
        ContentType.NonBinary css = ContentTypes.create(org.apache.pekko.http.javadsl.model.MediaTypes.TEXT_CSS,
                org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8);
        return concat(
                pathSingleSlash(() -> get(() -> complete(HttpResponse.create()
                        .withEntity(ContentTypes.TEXT_HTML_UTF8, Assets.page(null))))),
                path("viewer.js", () -> get(() -> complete(HttpResponse.create().withEntity(js, Assets.text("viewer.js"))))),
                path("viewer.css", () -> get(() -> complete(HttpResponse.create().withEntity(css, Assets.text("viewer.css"))))),
                pathPrefix("api", () -> concat(
                        path("info", () -> get(() -> respond(api.info()))),
                        path("state", () -> get(() -> parameterOptional("t", t -> parameterOptional("window",
                                w -> respond(api.state(t.orElse(null), w.orElse(null))))))),
                        path("next", () -> get(() -> parameterOptional("t", t -> respond(api.next(t.orElse(null)))))),
                        path("action", () -> post(() -> entity(Unmarshaller.entityToString(), body -> respond(api.act(body))))),
                        path("scenario", () -> get(() -> respond(api.scenario(), "session.yaml"))))));
    }

    private static Route respond(ViewApi.Response r) {
        return respond(r, null);
    }

    private static Route respond(ViewApi.Response r, String attachment) {
        ContentType type = r.contentType().equals(ViewApi.JSON_TYPE) ? ContentTypes.APPLICATION_JSON : ContentTypes.TEXT_PLAIN_UTF8;
        HttpResponse response = HttpResponse.create().withStatus(StatusCodes.get(r.status()))
                .withEntity(type, r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (attachment != null && r.status() == 200) {
            response = response.addHeader(ContentDisposition.create(ContentDispositionTypes.ATTACHMENT,
                    java.util.Map.of("filename", attachment)));
        }
        return complete(response);
    }
}
