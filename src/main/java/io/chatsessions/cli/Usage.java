package io.chatsessions.cli;

/** A command's usage text, printed for {@code --help} and after a usage error. */
public interface Usage {

    String usage();
}
