import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** What the data loader produced: counts and sizes for the report, and the files wrk and pgbench read. */
final class Data {
    long sessionCount;
    long messageCount;
    long userCount;
    String messagesSize;
    String databaseSize;
    double loadSeconds;
    Path dir;
    Path sessions;
    Path users;
    Path noSessions;
    Properties turn;
    List<String> pgbenchVars = new ArrayList<>();
    String warmup = "none";
}
