package quorumlab.analysis.viewer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import quorumlab.protocols.trace.TraceRecord;

/**
 * The viewer's API, apart from HTTP so tests call it directly: every answer is a status and a JSON
 * body; a bad request gets status 400 and {@code {"error": "<one line>"}}.
 *
 * <ul>
 *   <li>{@code GET /api/info}: mode, title, end, protocols, the session's actions
 *   <li>{@code GET /api/state?t=NS&window=NS}: each protocol's {@link ViewState} at {@code t}, and the fault windows
 *   <li>{@code GET /api/next?t=NS}: the instant of the next event after {@code t} (the step button)
 *   <li>{@code POST /api/action} (live only): an {@link Action} as JSON
 *   <li>{@code GET /api/scenario} (live only): the session as a scenario file
 * </ul>
 */
final class ViewApi {
    record Response(int status, String contentType, String body) {}

    static final String JSON_TYPE = "application/json";
    /** Frames the page asks for are at most this far apart, so the window of messages is bounded too. */
    static final long MAX_WINDOW_NANOS = 1_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private final Source source;
    /** Each protocol's fold at the instant last asked for: a page playing forward folds each record once. */
    private final Map<String, ViewState.Fold> folds = new java.util.HashMap<>();

    ViewApi(Source source) {
        this.source = source;
    }

    Source source() {
        return source;
    }

    Response info() {
        synchronized (source) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("mode", source.mode());
            info.put("title", source.title());
            info.put("end", source.end());
            List<String> protocols = new ArrayList<>();
            for (Source.Lane l : source.lanes(0)) protocols.add(l.protocol());
            info.put("protocols", protocols);
            info.put("error", source.error());
            if (source instanceof LiveSession live) {
                info.put("nodes", live.nodes());
                info.put("actions", live.actions());
            } else {
                info.put("nodes", nodesOf(source.lanes(0)));
            }
            return ok(info);
        }
    }

    Response state(String tParam, String windowParam) {
        long t;
        long window;
        try {
            t = instant("t", tParam);
            window = windowParam == null ? 0 : instant("window", windowParam);
            if (window > MAX_WINDOW_NANOS) throw new IllegalArgumentException("'window' must be at most " + MAX_WINDOW_NANOS + " ns, got " + window);
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
        synchronized (source) {
            return ok(stateAt(t, window, true));
        }
    }

    /** The page's whole picture at {@code t}: used by the server and, frame by frame, by the export. */
    Map<String, Object> stateAt(long t, long window, boolean withWindows) {
        List<Source.Lane> lanes = source.lanes(t + window);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("t", t);
        out.put("end", source.end());
        out.put("known", source.known());
        out.put("error", source.error());
        List<Object> protocols = new ArrayList<>();
        Map<String, Object> windows = new LinkedHashMap<>();
        for (Source.Lane l : lanes) {
            if (l.error() != null) {
                protocols.add(Map.of("protocol", l.protocol(), "error", l.error()));
            } else {
                ViewState.Fold fold = folds.get(l.protocol());
                if (fold == null || fold.records != l.records() || fold.at > t) {
                    fold = new ViewState.Fold(l.records());
                    folds.put(l.protocol(), fold);
                }
                fold.advance(t);
                protocols.add(fold.state(l.protocol(), t, window));
            }
            if (withWindows) windows.put(l.protocol(), FaultTimeline.of(l.records()));
        }
        out.put("protocols", protocols);
        if (withWindows) out.put("windows", windows);
        return out;
    }

    Response next(String tParam) {
        long t;
        try {
            t = instant("t", tParam);
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
        synchronized (source) {
            long next = source.end();
            for (Source.Lane l : source.lanes(t)) next = Math.min(next, nextEvent(l.records(), t));
            return ok(Map.of("t", Math.max(next, t)));
        }
    }

    /** The first record after {@code t} that changes what the page shows (message counts do not). */
    static long nextEvent(List<TraceRecord> records, long t) {
        int lo = 0;
        int hi = records.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (records.get(mid).t() <= t) lo = mid + 1;
            else hi = mid;
        }
        for (int i = lo; i < records.size(); i++) {
            TraceRecord r = records.get(i);
            if (!(r instanceof TraceRecord.MessageCounts)) return r.t();
        }
        return Long.MAX_VALUE;
    }

    Response act(String body) {
        if (!(source instanceof LiveSession live)) return bad("actions need a live view: quorumlab view --scenario NAME|FILE");
        if (body == null || body.isBlank()) {
            return bad("action: the body is empty; send a JSON object such as {\"type\":\"crash\",\"node\":\"n1\",\"at\":0}");
        }
        Action action;
        try {
            action = JSON.readValue(body, Action.class);
            if (action == null) return bad("action: the body is empty; send a JSON object such as {\"type\":\"crash\",\"node\":\"n1\",\"at\":0}");
        } catch (JsonProcessingException e) {
            return bad("action: not a JSON action (" + e.getOriginalMessage().replaceAll("\\s*\\R\\s*", " ") + ")");
        }
        try {
            synchronized (source) {
                live.act(action);
                return ok(Map.of("ok", true, "actions", live.actions()));
            }
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
    }

    Response scenario() {
        if (!(source instanceof LiveSession live)) return bad("only a live view saves a scenario");
        synchronized (source) {
            return new Response(200, "application/yaml", live.scenarioText());
        }
    }

    private long instant(String name, String value) {
        if (value == null || value.isBlank()) throw new IllegalArgumentException("'" + name + "' is required (virtual nanoseconds)");
        long v;
        try {
            v = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + name + "' must be a whole number of nanoseconds, got '" + value + "'");
        }
        if (v < 0) throw new IllegalArgumentException("'" + name + "' must not be negative, got " + v);
        return v;
    }

    private static int nodesOf(List<Source.Lane> lanes) {
        for (Source.Lane l : lanes) {
            if (!l.records().isEmpty() && l.records().get(0) instanceof TraceRecord.Meta m) return m.nodes();
        }
        return 0;
    }

    static Response ok(Object value) {
        try {
            return new Response(200, JSON_TYPE, JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Response bad(String message) {
        try {
            return new Response(400, JSON_TYPE, JSON.writeValueAsString(Map.of("error", message)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
