/** A reason to stop the run: printed as {@code FAILED: <message>}, without a stack trace. */
final class Failure extends RuntimeException {
    Failure(String message) {
        super(message);
    }
}
