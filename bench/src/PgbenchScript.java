import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** A pgbench script's header: the quoted service SQL, the $N => expression lines and the constant \set lines. */
final class PgbenchScript {
    Path file;
    String service;
    String serviceSql;
    Map<Integer, String> params = new LinkedHashMap<>();
    Map<String, String> constants = new HashMap<>();

    static PgbenchScript read(Path file) throws IOException {
        PgbenchScript s = new PgbenchScript();
        s.file = file;
        StringBuilder sql = new StringBuilder();
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("-- service-sql:")) {
                s.service = line.substring("-- service-sql:".length()).trim();
            } else if (line.startsWith("--   |")) {
                sql.append(line.length() > 7 ? line.substring(7) : "").append('\n');
            } else if (line.matches("-- \\$\\d+ => .*")) {
                int arrow = line.indexOf(" => ");
                s.params.put(Integer.parseInt(line.substring(4, arrow)), line.substring(arrow + 4).trim());
            } else if (line.matches("\\\\set [A-Za-z_]+ (-?[0-9]+|true|false)")) {
                String[] p = line.split(" ");
                s.constants.put(p[1], p[2]);
            }
        }
        s.serviceSql = sql.toString().stripTrailing();
        return s;
    }
}
