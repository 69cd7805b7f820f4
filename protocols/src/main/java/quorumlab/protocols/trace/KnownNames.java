package quorumlab.protocols.trace;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;

/**
 * The discriminators a trace repeats on every line (record kinds, event, request and reply types,
 * operation names), handed out as the same string each time: reading one costs no new string and
 * no hash, and the reader's {@code switch} on it finds its case at once.
 */
final class KnownNames {
    private static final String[] NAMES = {
        "meta", "event", "invoke", "complete", "counts", "send", "deliver", "drop", "timer_set", "timer_fire", "fault",
        "EntryAppended", "EntryCommitted", "EntryApplied", "ValueAccepted", "SlotChosen", "GapOpened", "GapClosed",
        "RoleChanged", "ElectionStarted", "LeaderEstablished", "VoteGranted", "VoteDenied", "Preempted", "LogTruncated",
        "AppendRejected", "NoOpProposed", "SnapshotTaken", "SnapshotInstalled", "SlotsForgotten", "StateMachineRestored",
        "request", "committed", "not_leader", "rejected", "read", "write", "cas",
    };
    /** NAMES by length, then in table order. */
    private static final String[][] BY_LENGTH;

    static {
        int longest = 0;
        for (String n : NAMES) longest = Math.max(longest, n.length());
        BY_LENGTH = new String[longest + 1][];
        for (int len = 0; len <= longest; len++) {
            final int l = len;
            BY_LENGTH[len] = java.util.Arrays.stream(NAMES).filter(n -> n.length() == l).toArray(String[]::new);
        }
    }

    private KnownNames() {}

    /** The parser's current string value: the shared instance when it is a known name, a new string otherwise. */
    static String of(JsonParser p) throws IOException {
        char[] chars = p.getTextCharacters();
        int from = p.getTextOffset();
        int length = p.getTextLength();
        if (length < BY_LENGTH.length) {
            for (String name : BY_LENGTH[length]) {
                if (matches(name, chars, from)) return name;
            }
        }
        return new String(chars, from, length);
    }

    private static boolean matches(String name, char[] chars, int from) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) != chars[from + i]) return false;
        }
        return true;
    }
}
