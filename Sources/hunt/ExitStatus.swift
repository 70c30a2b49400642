import ArgumentParser

/// The exit statuses of `hunt`, documented in the README and in each command's help.
enum ExitStatus {
    /// Success.
    static let ok = ExitCode(0)
    /// A fatal error: the database or an option was unusable; nothing (more) was done.
    static let fatal = ExitCode(1)
    /// `hunt detect`: the rules ran and raised at least one alert.
    static let alerts = ExitCode(2)
    /// `hunt load`: finished, but some records or files were rejected (see the report).
    static let rejected = ExitCode(3)
    /// `hunt load`: stopped early by --max-errors.
    static let tooManyErrors = ExitCode(4)
    /// `hunt check`: the database has problems.
    static let checkFailed = ExitCode(5)
    /// `hunt sql`, `hunt query run`: the read-only guard refused the statement (a write, ATTACH,
    /// extension loading, a writable pragma, or a second statement); nothing was run.
    static let refused = ExitCode(6)
    /// Interrupted by Ctrl-C (SIGINT); what was loaded is kept and a re-run finishes the job.
    static let interrupted = ExitCode(130)
}

/// Prints a message to standard error.
func printError(_ message: String) {
    var stderr = StandardError()
    print(message, to: &stderr)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandleWriter.stderr.write(string)
    }
}
