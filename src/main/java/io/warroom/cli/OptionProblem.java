package io.warroom.cli;

/**
 * A value the user gave that cannot be used (an unreadable file, an address this machine does not have). Its message
 * is one line that names the option and the problem; commands print it and exit with 2, without a stack trace.
 */
final class OptionProblem extends Exception {
    private static final long serialVersionUID = 1L;

    OptionProblem(String message) {
        super(message);
    }
}
