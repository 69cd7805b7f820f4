package quorumlab.analysis.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import quorumlab.analysis.check.History;
import quorumlab.analysis.check.HistoryReader;
import quorumlab.analysis.check.HistoryWriter;
import quorumlab.workload.Runner;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Writes client histories as Jepsen EDN.",
            "For a run directory, history.edn goes beside each history.jsonl;",
            "for one history file, the EDN goes to stdout."})
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--edn", required = true, description = "Export as Jepsen EDN.")
    boolean edn;

    @Parameters(paramLabel = "RUN_DIR|HISTORY", description = "A run directory or one history.jsonl file.")
    Path input;

    @Override
    public Integer call() throws IOException {
        if (!Files.exists(input)) throw new IllegalArgumentException(input + ": no such file or directory");
        if (Files.isRegularFile(input)) {
            History h = HistoryReader.read(input);
            Writer out = new OutputStreamWriter(System.out, StandardCharsets.UTF_8);
            HistoryWriter.writeEdn(h.events(), out);
            out.flush();
            return Main.EXIT_OK;
        }
        List<Path> histories = new ArrayList<>();
        try (Stream<Path> files = Files.walk(input)) {
            files.filter(p -> p.getFileName().toString().equals(Runner.HISTORY_FILE)).sorted().forEach(histories::add);
        }
        if (histories.isEmpty()) throw new IllegalArgumentException(input + ": no " + Runner.HISTORY_FILE + " under this directory");
        for (Path file : histories) {
            History h = HistoryReader.read(file);
            Path target = file.resolveSibling("history.edn");
            try (Writer out = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
                HistoryWriter.writeEdn(h.events(), out);
            }
            System.out.println("wrote " + target);
        }
        return Main.EXIT_OK;
    }
}
