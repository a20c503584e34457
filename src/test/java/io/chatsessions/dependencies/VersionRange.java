package io.chatsessions.dependencies;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Maven version range ({@code [1.0,2.0)}, {@code (,1.5]}) and the ordering of the version strings the libraries we
 * ship use: numbers compare as numbers; Final, RELEASE and GA are the release itself; Alpha, Beta, CR, RC, M come
 * before it.
 */
record VersionRange(String lower, boolean lowerInclusive, String upper, boolean upperInclusive) {

    private static final Pattern RANGE = Pattern.compile("([\\[(])([^,]*),([^,]*)([])])");
    private static final Pattern TOKEN = Pattern.compile("(\\d+)|([A-Za-z]+)");

    static VersionRange parse(String text) {
        Matcher m = RANGE.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a Maven version range: " + text);
        }
        return new VersionRange(m.group(2).strip(), m.group(1).equals("["), m.group(3).strip(), m.group(4).equals("]"));
    }

    boolean contains(String version) {
        if (!lower.isEmpty()) {
            int c = compare(version, lower);
            if (c < 0 || (c == 0 && !lowerInclusive)) {
                return false;
            }
        }
        if (!upper.isEmpty()) {
            int c = compare(version, upper);
            return c < 0 || (c == 0 && upperInclusive);
        }
        return true;
    }

    static int compare(String a, String b) {
        String[] x = tokens(a);
        String[] y = tokens(b);
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = compareToken(i < x.length ? x[i] : null, i < y.length ? y[i] : null);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static String[] tokens(String version) {
        Matcher m = TOKEN.matcher(version);
        java.util.List<String> tokens = new java.util.ArrayList<>();
        while (m.find()) {
            String token = m.group().toLowerCase(Locale.ROOT);
            if (!token.equals("final") && !token.equals("release") && !token.equals("ga")) {
                tokens.add(token);
            }
        }
        return tokens.toArray(String[]::new);
    }

    /** A missing token is the release: more numbers make a later version, a qualifier (alpha, beta...) an earlier one. */
    private static int compareToken(String x, String y) {
        if (x == null && y == null) {
            return 0;
        }
        if (x == null) {
            return isNumber(y) ? (Long.parseLong(y) == 0 ? 0 : -1) : 1;
        }
        if (y == null) {
            return -compareToken(y, x);
        }
        boolean xn = isNumber(x);
        boolean yn = isNumber(y);
        if (xn && yn) {
            return Long.compare(Long.parseLong(x), Long.parseLong(y));
        }
        if (xn != yn) {
            return xn ? 1 : -1; // 1.0.1 is after 1.0-beta
        }
        return Integer.compare(rank(x), rank(y)) != 0 ? Integer.compare(rank(x), rank(y)) : x.compareTo(y);
    }

    private static int rank(String qualifier) {
        return switch (qualifier) {
            case "alpha", "a" -> 1;
            case "beta", "b" -> 2;
            case "m", "milestone" -> 3;
            case "cr", "rc" -> 4;
            case "snapshot" -> 5;
            default -> 6;
        };
    }

    private static boolean isNumber(String token) {
        return Character.isDigit(token.charAt(0));
    }

    @Override
    public String toString() {
        return (lowerInclusive ? "[" : "(") + lower + "," + upper + (upperInclusive ? "]" : ")");
    }
}
