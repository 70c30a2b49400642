/// How the load of one source ended.
public enum SourceStatus: String, Sendable {
    /// Still being read, or the loader died (crash, kill -9) while reading it.
    case loading
    case complete
    /// Stopped early: Ctrl-C or `--max-errors`. What was read is stored and counted.
    case interrupted
    /// Could not be read on (unknown format, I/O error, truncated gzip); records read before the
    /// failure are stored and counted.
    case failed
}
