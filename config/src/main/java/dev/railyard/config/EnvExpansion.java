package dev.railyard.config;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Expands {@code ${NAME}} and {@code ${NAME:-default}} in configuration text from the environment. */
final class EnvExpansion {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

    private final Map<String, String> env;

    EnvExpansion(Map<String, String> env) {
        this.env = env;
    }

    /** Expands line by line so a missing variable is reported with its line number. */
    String expand(String text, List<String> problems) {
        String[] lines = text.split("\n", -1);
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            Matcher m = VARIABLE.matcher(line);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String value = env.get(m.group(1));
                if (value == null || (value.isEmpty() && m.group(2) != null)) {
                    value = m.group(3);
                }
                if (value == null) {
                    problems.add("line " + (i + 1) + ": environment variable " + m.group(1)
                            + " is not set (use ${" + m.group(1) + ":-default} to make it optional)");
                    value = "";
                }
                m.appendReplacement(sb, Matcher.quoteReplacement(value));
            }
            m.appendTail(sb);
            out.append(sb);
            if (i < lines.length - 1) {
                out.append('\n');
            }
        }
        return out.toString();
    }
}
