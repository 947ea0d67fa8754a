package dev.railyard.launcher;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table for the CLI: a header, rows, columns padded to their widest cell; numbers right-aligned. */
final class TextTable {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    TextTable(List<String> header) {
        this.header = List.copyOf(header);
    }

    TextTable row(List<String> cells) {
        rows.add(cells.stream().map(c -> c == null ? "-" : c).toList());
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintWriter out) {
        int[] width = new int[header.size()];
        boolean[] numeric = new boolean[header.size()];
        for (int i = 0; i < header.size(); i++) {
            width[i] = header.get(i).length();
            numeric[i] = !rows.isEmpty();
        }
        for (List<String> row : rows) {
            for (int i = 0; i < width.length; i++) {
                String cell = i < row.size() ? row.get(i) : "";
                width[i] = Math.max(width[i], cell.length());
                numeric[i] &= cell.equals("-") || cell.matches("\\$?-?[0-9][0-9,]*(\\.[0-9]+)?");
            }
        }
        line(out, header, width, numeric);
        for (List<String> row : rows) {
            line(out, row, width, numeric);
        }
        out.flush();
    }

    private static void line(PrintWriter out, List<String> cells, int[] width, boolean[] numeric) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < width.length; i++) {
            String cell = i < cells.size() ? cells.get(i) : "";
            String pad = " ".repeat(width[i] - cell.length());
            sb.append(i == 0 ? "" : "  ").append(numeric[i] ? pad + cell : cell + pad);
        }
        out.println(sb.toString().stripTrailing());
    }

    /** An exact decimal amount of dollars, without trailing zeros beyond the cents: {@code $0.00030075}, {@code $12.00}. */
    static String money(String exact) {
        if (exact == null || exact.isEmpty()) {
            return null;
        }
        BigDecimal d = new BigDecimal(exact).stripTrailingZeros();
        return "$" + (d.scale() < 2 ? d.setScale(2) : d).toPlainString();
    }
}
