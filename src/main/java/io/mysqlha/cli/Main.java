package io.mysqlha.cli;

/** Entry point of the mysqlha jar: {@code mysqlha <command> ...}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(Cli.run(args));
    }
}
