package quorumlab.workload;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.Collection;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * The first of the loader's two steps: the text to a tree, with every syntax problem reported at
 * its line and column in the user's words (no parser class names, no token names). The second
 * step, the tree to a {@link Scenario}, reports a wrong value by its field path; {@link #wrongValue}
 * words that reason.
 */
final class Syntax {
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '(.*)'");

    private Syntax() {}

    /** The file's one document as a tree, or null when the file holds none. */
    static JsonNode read(String file, String text, boolean json) {
        ObjectMapper mapper = json ? ScenarioLoader.JSON : ScenarioLoader.YAML;
        String format = json ? "JSON" : "YAML";
        // First the tokens alone: syntax, duplicate keys, anchors and a second document.
        try (JsonParser p = mapper.createParser(text)) {
            int depth = 0;
            boolean seenValue = false;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (p instanceof YAMLParser y && (y.isCurrentAlias() || y.getObjectId() != null)) {
                    throw new ScenarioException(file, at(p.currentLocation()), "YAML anchors and aliases (&name, *name) are not"
                            + " supported in a scenario; write the value out in full");
                }
                if (depth == 0 && seenValue) {
                    throw new ScenarioException(file, at(p.currentLocation()), "a scenario file holds one " + format
                            + (json ? " object" : " document") + ", and this is a second one");
                }
                if (t.isStructStart()) depth++;
                else if (t.isStructEnd()) depth--;
                if (depth == 0 && t != JsonToken.FIELD_NAME) seenValue = true;
            }
        } catch (StreamReadException e) {
            throw syntaxError(file, format, e);
        } catch (IOException e) {
            throw new ScenarioException(file, "", "cannot read: " + e.getMessage());
        }
        try {
            return mapper.readTree(text);
        } catch (StreamReadException e) {
            throw syntaxError(file, format, e);
        } catch (IOException e) {
            throw new ScenarioException(file, "", "not a scenario: the " + format + " cannot be read as one");
        }
    }

    private static ScenarioException syntaxError(String file, String format, StreamReadException e) {
        String where = e.getCause() instanceof MarkedYAMLException y && y.getProblemMark() != null
                // SnakeYAML counts from 0, and knows where the problem is rather than where it stopped reading
                ? "line " + (y.getProblemMark().getLine() + 1) + ", column " + (y.getProblemMark().getColumn() + 1)
                : at(e.getLocation());
        Matcher dup = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
        if (dup.find()) {
            return new ScenarioException(file, where, "the key '" + dup.group(1) + "' appears twice in the same mapping");
        }
        if (e instanceof InputCoercionException) {
            return new ScenarioException(file, where, "a number too large to read");
        }
        String reason;
        if (e.getCause() instanceof MarkedYAMLException y) {
            reason = (y.getContext() != null ? y.getContext() + ": " : "") + y.getProblem();
        } else {
            reason = e.getOriginalMessage();
        }
        return new ScenarioException(file, where, "malformed " + format + ": " + plain(reason));
    }

    /** {@code line 3, column 7}, or nothing when the parser does not know. */
    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) return "";
        return "line " + location.getLineNr() + (location.getColumnNr() > 0 ? ", column " + location.getColumnNr() : "");
    }

    /**
     * A parser's reason in words a user can read: its first line, without the source excerpt, the
     * character code and the names of Java types, which say nothing about the file.
     */
    static String plain(String reason) {
        if (reason == null || reason.isBlank()) return "cannot be read";
        String s = reason.strip();
        int nl = s.indexOf('\n');
        if (nl >= 0) s = s.substring(0, nl);
        s = s.replaceAll("\\s*\\(start marker at .*$", "")
                .replaceAll("\\s*at \\[Source.*$", "")
                .replaceAll(" \\(code \\d+\\)", "")
                .replaceAll("\\(JSON String, Number, Array, Object or token 'null', 'true' or 'false'\\)",
                        "a string, number, list, object, null, true or false")
                .replaceAll("`[a-zA-Z0-9_.$]+`", "a value")
                .replace("Object", "object").replace("Array", "list")
                .strip();
        if (s.matches("(?is).*(java\\.|jackson|exception|jsontoken|\\bclass\\b).*")) return "cannot be read";
        return s.isEmpty() ? "cannot be read" : s;
    }

    /** Why the value at a field path does not fit the field: what it must be, and what it is. */
    static String wrongValue(JsonMappingException e, JsonNode found) {
        boolean outOfRange = e.getCause() instanceof InputCoercionException;
        Class<?> target = e instanceof MismatchedInputException m ? m.getTargetType()
                : e.getCause() instanceof InputCoercionException c ? c.getTargetType() : null;
        String expected = target == null ? null : kind(target);
        if (outOfRange || (found.isNumber() && !found.canConvertToInt() && expected != null && expected.contains("whole"))) {
            return "the number " + found.asText() + " is out of range (at most " + Integer.MAX_VALUE + ")";
        }
        if (expected == null) return "a value of the wrong kind: got " + describe(found);
        return "must be " + expected + ", got " + describe(found);
    }

    /** A field's type, in the words of the scenario format. */
    private static String kind(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) return "a number";
        if (type == Boolean.class || type == boolean.class) return "true or false";
        if (type == String.class) return "a text value";
        if (Collection.class.isAssignableFrom(type) || type.isArray()) return "a list";
        if (Map.class.isAssignableFrom(type) || type.isRecord()) return "a mapping of fields";
        return null;
    }

    /** A value as a user would name it: {@code 3.7}, {@code 'abc'}, {@code a list}, {@code a mapping}. */
    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) return "nothing";
        if (node.isArray()) return "a list";
        if (node.isObject()) return "a mapping";
        if (node.isBoolean()) return node.asText();
        if (node.isNumber()) return node.asText();
        String text = node.asText();
        return "'" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'";
    }
}
