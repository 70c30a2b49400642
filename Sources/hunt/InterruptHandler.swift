import Foundation
import HuntDB

/// Turns Ctrl-C (SIGINT) and SIGTERM into a cancellation request, so a load stops after the
/// current batch with a consistent database. A second Ctrl-C exits at once (still safe:
/// SQLite rolls back the open transaction).
final class InterruptHandler {
    private var sources: [DispatchSourceSignal] = []

    static func install(_ cancellation: Cancellation) -> InterruptHandler {
        let handler = InterruptHandler()
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            var count = 0
            source.setEventHandler {
                count += 1
                if count > 1 { _exit(130) }
                FileHandleWriter.stderr.write("\nhunt: interrupted; finishing the current batch…\n")
                cancellation.cancel()
            }
            source.resume()
            handler.sources.append(source)
        }
        return handler
    }

    func uninstall() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
