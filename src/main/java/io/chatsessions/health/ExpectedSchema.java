package io.chatsessions.health;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The schema version this build expects: the highest {@code V<n>__*.sql} packaged under db/migration. */
public final class ExpectedSchema {

    private static final Pattern VERSIONED = Pattern.compile("V(\\d+(?:[._]\\d+)*)__.*\\.sql");

    private ExpectedSchema() {
    }

    public static String version() {
        List<String> names = scriptNames();
        String best = null;
        for (String name : names) {
            Matcher m = VERSIONED.matcher(name);
            if (m.matches() && (best == null || compare(m.group(1).replace('_', '.'), best) > 0)) {
                best = m.group(1).replace('_', '.');
            }
        }
        if (best == null) {
            throw new IllegalStateException("no migrations packaged under db/migration");
        }
        return best;
    }

    /** Compares dotted versions numerically, as Flyway does. */
    public static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length ? Long.parseLong(x[i]) : 0;
            long q = i < y.length ? Long.parseLong(y[i]) : 0;
            if (p != q) {
                return Long.compare(p, q);
            }
        }
        return 0;
    }

    private static List<String> scriptNames() {
        List<String> names = new ArrayList<>();
        try {
            Enumeration<URL> roots = ExpectedSchema.class.getClassLoader().getResources("db/migration");
            while (roots.hasMoreElements()) {
                URL root = roots.nextElement();
                if (root.getProtocol().equals("jar")) {
                    JarURLConnection connection = (JarURLConnection) root.openConnection();
                    connection.setUseCaches(false);
                    Enumeration<JarEntry> entries = connection.getJarFile().entries();
                    while (entries.hasMoreElements()) {
                        String entry = entries.nextElement().getName();
                        if (entry.startsWith("db/migration/")) {
                            names.add(entry.substring("db/migration/".length()));
                        }
                    }
                } else if (root.getProtocol().equals("file")) {
                    String[] files = new File(root.toURI()).list();
                    if (files != null) {
                        names.addAll(List.of(files));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return names;
    }
}
