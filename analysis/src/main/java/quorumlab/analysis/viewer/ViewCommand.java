package quorumlab.analysis.viewer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import quorumlab.protocols.Protocol;

/** {@code quorumlab view}: the two protocols side by side in a browser (docs/viewer.md). */
@Command(name = "view", mixinStandardHelpOptions = true,
        description = {"Shows the protocols side by side in a web page.",
            "It serves the page on 127.0.0.1 (docs/viewer.md). With RUN_DIR it replays",
            "a recorded run; with --scenario it runs the scenario live in the simulator,",
            "where clicks crash nodes, cut links, lose or delay messages, in every",
            "protocol at the same virtual instant."})
public final class ViewCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "RUN_DIR", description = {"A run directory to replay",
        "(results/<scenario>/<run-id>)."})
    Path runDir;

    @Option(names = "--scenario", paramLabel = "NAME|FILE", description = {"Run this scenario live (a library name or a file,",
        "including one the viewer saved)."})
    String scenario;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "The seed to show or run. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--port", defaultValue = "0", paramLabel = "PORT", description = {"The port on 127.0.0.1",
        "(default: a free one, printed)."})
    int port;

    @Option(names = "--protocols", defaultValue = "raft,multi-paxos", split = ",", paramLabel = "P,Q",
            completionCandidates = ProtocolNames.class,
            description = {"The protocols side by side (live view),", "from: ${COMPLETION-CANDIDATES}.",
                "Default: ${DEFAULT-VALUE}."})
    List<String> protocols;

    @Option(names = "--export", paramLabel = "FILE.html", description = {"Write one self-contained HTML file of the run",
        "(no server, no network) and exit."})
    Path export;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The protocols found, for the help text. */
    static final class ProtocolNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Protocol.all().stream().map(Protocol::name).iterator();
        }
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Source source = source();
        java.io.PrintWriter out = spec.commandLine().getOut();
        java.io.PrintWriter err = spec.commandLine().getErr();
        boolean nothing = source.error() != null && source.lanes(0).stream().allMatch(l -> l.records().isEmpty());
        // a run with no readable trace has nothing to show; an export never holds a damaged run
        if (source.error() != null && (export != null || nothing)) throw new IllegalArgumentException(source.error());
        if (export != null) {
            Export.write(api(source), export);
            out.println("quorumlab view: wrote " + export + " (" + (Files.size(export) >> 10) + " KiB, open it in a browser)");
            return 0;
        }
        try (ViewServer server = ViewServer.start(api(source), port)) {
            out.println("quorumlab view: " + source.title() + " at " + server.address() + " (Ctrl-C to stop)");
            out.flush();
            // the page shows it too, on the panel of the protocol whose trace it is
            if (source.error() != null) err.println("quorumlab view: " + source.error());
            new CountDownLatch(1).await();
        } catch (InterruptedException stopped) {
            // the command run inside another program (a test) is stopped this way; from a terminal, Ctrl-C ends the JVM
            Thread.currentThread().interrupt();
            return quorumlab.analysis.cli.Main.EXIT_INTERRUPTED;
        }
        return 0;
    }

    private static ViewApi api(Source source) {
        return new ViewApi(source);
    }

    private Source source() throws IOException {
        if ((runDir == null) == (scenario == null)) {
            throw new IllegalArgumentException("view: give either a run directory (RUN_DIR) or --scenario NAME|FILE");
        }
        if (seed < 1) throw new IllegalArgumentException("--seed: must be at least 1, got " + seed);
        if (runDir != null) return ReplaySource.read(runDir, seed);
        List<Protocol> chosen = new ArrayList<>();
        for (String p : protocols) chosen.add(Protocol.byName(p.trim()));
        return LiveSession.load(scenario, seed, chosen);
    }
}
