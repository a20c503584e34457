package io.chatsessions.migration;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * A folder of SQL scripts in Flyway's location syntax: {@code classpath:db/rollback} (inside the jar, or
 * target/classes in development) or {@code filesystem:/some/dir} (tests). Lists the {@code .sql} files below it
 * (recursively, as Flyway does) as relative paths, and reads one.
 */
final class ScriptLocation {

    private static final String CLASSPATH = "classpath:";
    private static final String FILESYSTEM = "filesystem:";

    private final String location;
    private final String classpathFolder; // "db/rollback", or null for a filesystem location
    private final Path directory;         // or null for a classpath location
    private final ClassLoader loader;

    private ScriptLocation(String location, String classpathFolder, Path directory, ClassLoader loader) {
        this.location = location;
        this.classpathFolder = classpathFolder;
        this.directory = directory;
        this.loader = loader;
    }

    static ScriptLocation of(String location) {
        return of(location, defaultClassLoader());
    }

    /** With a given class loader for classpath: locations (tests read a jar through their own loader). */
    static ScriptLocation of(String location, ClassLoader loader) {
        if (location.startsWith(CLASSPATH)) {
            String folder = location.substring(CLASSPATH.length()).replaceAll("^/+|/+$", "");
            return new ScriptLocation(location, folder, null, loader);
        }
        if (location.startsWith(FILESYSTEM)) {
            return new ScriptLocation(location, null, Path.of(location.substring(FILESYSTEM.length())), loader);
        }
        throw new IllegalArgumentException("a script location starts with classpath: or filesystem:, got " + location);
    }

    @Override
    public String toString() {
        return location;
    }

    /** The .sql files below this location, as sorted relative paths with '/' separators. */
    List<String> list() {
        TreeSet<String> names = new TreeSet<>();
        if (directory != null) {
            listDirectory(directory, names);
        } else {
            listClasspath(names);
        }
        return new ArrayList<>(names);
    }

    /** The text of one script (UTF-8, without a byte-order mark), if it exists. */
    Optional<String> read(String relativePath) {
        try {
            if (directory != null) {
                Path file = directory.resolve(relativePath);
                return Files.isRegularFile(file) ? Optional.of(text(Files.readAllBytes(file))) : Optional.empty();
            }
            try (InputStream in = loader.getResourceAsStream(classpathFolder + "/" + relativePath)) {
                return in == null ? Optional.empty() : Optional.of(text(in.readAllBytes()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + relativePath + " from " + location, e);
        }
    }

    private static String text(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static ClassLoader defaultClassLoader() {
        ClassLoader loader = ScriptLocation.class.getClassLoader();
        return loader != null ? loader : ClassLoader.getSystemClassLoader();
    }

    private static void listDirectory(Path root, TreeSet<String> names) {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(Files::isRegularFile)
                    .map(file -> root.relativize(file).toString().replace('\\', '/'))
                    .filter(name -> name.endsWith(".sql"))
                    .forEach(names::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }

    private void listClasspath(TreeSet<String> names) {
        boolean found = false;
        try {
            Enumeration<URL> urls = loader.getResources(classpathFolder);
            while (urls.hasMoreElements()) {
                URL url = urls.nextElement();
                if (url.getProtocol().equals("file")) {
                    listDirectory(Path.of(url.toURI()), names);
                    found = true;
                } else if (url.getProtocol().equals("jar")) {
                    URLConnection connection = url.openConnection();
                    connection.setUseCaches(false);
                    if (connection instanceof JarURLConnection jar) {
                        try (JarFile file = jar.getJarFile()) {
                            listJar(file, names);
                        }
                        found = true;
                    }
                }
            }
            if (!found && loader == defaultClassLoader()) {
                // A jar built without directory entries has no resource for the folder itself: scan our own jar.
                URL self = ScriptLocation.class.getProtectionDomain().getCodeSource() == null ? null
                        : ScriptLocation.class.getProtectionDomain().getCodeSource().getLocation();
                if (self != null && self.getProtocol().equals("file") && self.getPath().endsWith(".jar")) {
                    try (JarFile file = new JarFile(Path.of(self.toURI()).toFile())) {
                        listJar(file, names);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + location, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot list " + location, e);
        }
    }

    private void listJar(JarFile file, TreeSet<String> names) {
        String prefix = classpathFolder + "/";
        Enumeration<JarEntry> entries = file.entries();
        while (entries.hasMoreElements()) {
            JarEntry entry = entries.nextElement();
            if (!entry.isDirectory() && entry.getName().startsWith(prefix) && entry.getName().endsWith(".sql")) {
                names.add(entry.getName().substring(prefix.length()));
            }
        }
    }
}
